"""Reading a Yes/No value from the details when the export marks no option.

The rules are data: one list of patterns per language for a follow-up that
describes an intention (a plan, a bill, something "to be carried out"). Only
the *lead statement* of the details is read: the first sentence that is not a
heading or a source label. That is where a Government answers ("It is
planned to be carried out very soon."); the paragraphs after it are usually
quotations from the plans and decrees it cites, where "will" describes what a
plan in force contains ("the MITIC will lead the accompaniment of ...") and
says nothing about whether the item itself is in place.

A marked option always wins; these rules only run when there is none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportgen.prose import is_heading, lead_sentence

# The evidence written under `inferred:` is one sentence or clause, cut to this.
EVIDENCE_CHARS = 160

# A bill is planned until it is passed: "a bill ... was approved" is in place.
_NOT_PASSED_EN = r"(?!.*\b(?:was|were|has\s+been|have\s+been)\s+(?:passed|approved|enacted|adopted|promulgated)\b)"
_NOT_PASSED_ES = r"(?!.*\b(?:fue|fueron|ha\s+sido|han\s+sido)\s+(?:aprobad|promulgad|sancionad))"

INTENTION_PATTERNS: dict[str, tuple[str, ...]] = {
    "en": (
        r"\b(?:is|are)\s+(?:being\s+|currently\s+|also\s+)?(?:contemplated|planned|foreseen|envisaged|envisioned|"
        r"scheduled|intended|expected)\b",
        # "plans to" / "we plan to", not the noun in "the National Plan to Reduce ..."
        r"\b(?:plans|intends|(?:we|they|I)\s+(?:plan|intend)|is\s+planning|are\s+planning)\s+to\b",
        r"\b(?:it|this|they|we|these|there)\s+will\b",
        r"\bwill\s+(?:soon\s+|shortly\s+)?be\b",
        r"\bto\s+be\s+(?:carried\s+out|implemented|developed|adopted|approved|launched|enacted|introduced|created|"
        r"established|published|done)\b",
        r"\b(?:very\s+)?soon\b",
        r"\bin\s+the\s+(?:near\s+)?future\b",
        r"\b(?:not|no)\b.{0,60}\byet\b",
        r"\b(?:is|are)\s+(?:being\s+)?(?:drafted|prepared|discussed|debated)\b",
        r"\bunder\s+(?:development|preparation|discussion|consideration)\b",
        rf"\b(?:bill|draft\s+(?:law|legislation|regulation|decree|policy))\b{_NOT_PASSED_EN}",
    ),
    "es": (
        r"\bse\s+prev[ée]n?\b",
        r"\best[áa]n?\s+previst[oa]s?\b",
        r"\bse\s+contempla(?:n)?\b",
        r"\best[áa]n?\s+contemplad[oa]s?\b",
        r"\b(?:se\s+planea|se\s+planifica|est[áa]n?\s+planificad[oa]s?|se\s+proyecta)\b",
        r"\bse\s+(?:implementar|realizar|desarrollar|aprobar|crear|lanzar|elaborar|publicar)[áa]n?\b",
        r"\bse\s+llevar[áa]n?\s+a\s+cabo\b",
        r"\b(?:ser[áa]n?|est[áa]n?)\s+(?:implementad|realizad|desarrollad|aprobad|cread|lanzad)[oa]s?\s+"
        r"(?:pr[óo]ximamente|en\s+el\s+futuro)\b",
        r"\bpr[óo]ximamente\b",
        r"\ben\s+(?:proceso\s+de\s+)?(?:elaboraci[óo]n|preparaci[óo]n|estudio|tr[áa]mite)\b",
        r"\b(?:a[úu]n|todav[íi]a)\s+no\b",
        rf"\b(?:ante)?proyecto\s+de\s+(?:ley|decreto|reglamento)\b{_NOT_PASSED_ES}",
    ),
}

_COMPILED = tuple(re.compile(p, re.IGNORECASE) for patterns in INTENTION_PATTERNS.values() for p in patterns)
# The main clause of the lead sentence decides: in "There is a Plan ...: Action
# 1.2.2: Promotion of a ... bill" the plan is in place and the bill is one of
# its actions.
_CLAUSE_BREAK = re.compile(r"\s*[;:]\s+")


@dataclass(frozen=True)
class Inference:
    """A value read from the details and the phrase that decided it."""

    value: str  # "yes" | "planned"
    evidence: str


def infer(text: str | None, links: list[str]) -> Inference | None:
    """``planned`` when the lead statement of the details describes an
    intention, ``yes`` for any other details (a link alone is details), None
    when there are none."""
    lead = lead_sentence(text or "")
    if lead is not None:
        intention = intention_clause(lead)
        if intention is not None:
            return Inference("planned", intention)
        return Inference("yes", clip(lead))
    label = _first_line(text or "")
    if label is not None:
        return Inference("yes", clip(label))  # only headings or labels ("Presidential decree N° 8942")
    if links:
        return Inference("yes", clip(f"link given: {links[0]}"))
    return None


def intention_clause(sentence: str) -> str | None:
    """The main clause of ``sentence`` when it describes an intention, else None."""
    clause = _CLAUSE_BREAK.split(sentence, maxsplit=1)[0]
    if any(pattern.search(clause) for pattern in _COMPILED):
        return clip(clause)
    return None


def clip(text: str) -> str:
    """One line of at most EVIDENCE_CHARS, cut at a word with "…"."""
    text = " ".join(text.split())
    if len(text) <= EVIDENCE_CHARS:
        return text
    return text[:EVIDENCE_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _first_line(text: str) -> str | None:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    labels = [line for line in lines if is_heading(line)]
    found = labels or lines
    return found[0] if found else None
