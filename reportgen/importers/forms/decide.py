"""Deciding what an export's answers are: values, statuses, the result.

The export does not mark the chosen option of a choice question ("Yes" and
"No" are both listed). A marked option (``[x]``, ``☒``, ``✓``) always wins;
otherwise a yes/no value is read from its follow-up ("If yes, please provide
link and detail"): ``planned`` or ``yes`` with the phrase that decided it
under ``inferred:`` (rules in importers/inference.py); with nothing to read
it from, the value stays absent and the answer is flagged ``needs_review``.
Consent to publish is never inferred. Items the export lacks, repeats or
gives out of order are flagged too, and the counts of the summary line are
made here (``ImportResult``).

The document built here is the plain mapping of docs/responses-format.md;
importers/base.py validates it into a ``Responses``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from reportgen import urls
from reportgen.errors import InputError, Problem
from reportgen.importers.country import country_code, country_problem
from reportgen.importers.forms.content import Content, extract_content
from reportgen.importers.forms.reader import (
    CHOICE_KINDS,
    YES_NO_KINDS,
    Block,
    Misplaced,
    Options,
    form_titles,
    normalize_lines,
    read_options,
    refuse_control_characters,
    split_items,
    strip_form_text,
)
from reportgen.importers.inference import infer
from reportgen.importers.text import ranges
from reportgen.questionnaire import RESPONDENT_GROUP, Item, Kind, Questionnaire

COUNTRY_ITEM = 1

# --- the result ---------------------------------------------------------------


@dataclass
class ImportResult:
    """What an export says: the responses document (the plain mapping of
    docs/responses-format.md, validated into ``Responses`` once the country
    is settled: forms/__init__.py) and the counts a one-line summary needs."""

    data: dict[str, Any]
    items_found: int = 0
    answered: int = 0
    inferred: int = 0  # values read from the details (to be confirmed)
    planned: int = 0  # ... of which read as planned
    needs_review: int = 0
    sources: int = 0  # distinct addresses over all answers
    missing: list[int] = field(default_factory=list)  # items whose heading was not found
    notes: list[str] = field(default_factory=list)  # document-level problems (consent, country)
    item_lines: dict[int, int] = field(default_factory=dict)  # item number -> heading line
    country_name: str | None = None  # Q1 as written
    warnings: list[Problem] = field(default_factory=list)  # headings out of place, with their lines
    truncated_after: int | None = None  # the last item found, when the export stops before the end
    last_line: int = 1

    def summary(self) -> str:
        line = (
            f"{self.items_found} items found, {self.answered} answered, "
            f"{self.inferred} inferred ({self.planned} planned), "
            f"{self.needs_review} need review, {self.sources} sources"
        )
        return "; ".join([line, *self.notes])

    def set_country(self, code: str) -> None:
        """Use ``code`` (given by the user) instead of the code read from Q1."""
        if self.data.get("country") is None:
            self.needs_review -= 1  # Q1 no longer needs a look
        self.data["country"] = code
        self.notes = [n for n in self.notes if not n.startswith("country ")]


def parse_export(text: str, questionnaire: Questionnaire, source_name: str) -> ImportResult:
    """Turn the text of an export into a responses document (no file access)."""
    refuse_control_characters(text, source_name)
    lines = normalize_lines(text)
    blocks, misplaced = split_items(lines, questionnaire)
    if not blocks:
        raise InputError(source_name, 1, "no questionnaire items found: expected headings like "
                         "'1. Country name' (is this a form's 'View results' export?)")
    builder = _Builder(questionnaire)
    for block in blocks.values():
        builder.add(block)
    builder.decide_values()
    builder.mark_missing(set(blocks))
    builder.mark_misplaced(misplaced)
    result = builder.result(blocks)
    result.warnings = [Problem(source_name, m.line, _misplaced_message(m),
                               None if m.kind == "after the end" else m.number, "warning") for m in misplaced]
    result.truncated_after = _truncated_after(blocks, questionnaire)
    result.last_line = max((n for n, line in enumerate(lines, start=1) if line.strip()), default=1)
    return result


def _misplaced_message(misplaced: Misplaced) -> str:
    if misplaced.kind == "duplicate":
        return f"given again (first at line {misplaced.first_line}); only the first answer was imported"
    if misplaced.kind == "out of order":
        return "out of order in the export; imported from here: check it"
    return (f"'{misplaced.number}.' after the questionnaire's last item is not part of it; "
            "nothing from here on was imported")


def _truncated_after(blocks: dict[int, Block], questionnaire: Questionnaire) -> int | None:
    """The last item found when every item after it is missing (an export
    cut short), else None."""
    numbers = [item.number for item in questionnaire.items]
    if numbers[-1] in blocks:
        return None
    found = [n for n in numbers if n in blocks]
    return found[-1] if found else None


# --- building the document ----------------------------------------------------------


@dataclass
class _Choice:
    """What the export tells about a choice: the value, whether it is only a
    likely reading (``inferred``), and why a person must look (``why``)."""

    value: str | list[str] | None = None
    evidence: str | None = None  # why the value was inferred (written under `inferred:`)
    why: str | None = None


def _marked_choice(options: Options, multiple: bool = False) -> _Choice:
    """Marks (``[x]``, ``☒``, ``✓``) decide. An option listed alone is likely
    the choice (an export of the summary view shows only the chosen one)."""
    checked = list(dict.fromkeys(options.checked))
    listed = list(dict.fromkeys(options.listed))
    if multiple and checked:
        return _Choice(checked)
    if len(checked) == 1:
        return _Choice(checked[0])
    if len(checked) > 1:
        return _Choice(why=f"several options marked ({', '.join(checked)})")
    if not multiple and len(listed) == 1 and not options.stray:
        return _Choice(listed[0], evidence=f"the export lists only this option: {listed[0]}")
    return _Choice()


class _Builder:
    """Collects answers item by item, then decides values and counts."""

    def __init__(self, questionnaire: Questionnaire):
        self.q = questionnaire
        self.titles = form_titles(questionnaire)
        self.country: str | None = None
        self.country_name: str | None = None
        self.respondent: dict[str, str | None] = {
            item.field: None for item in questionnaire.items if item.group == RESPONDENT_GROUP and item.field
        }
        self.consent: str | None = None
        self.answers: dict[int, dict[str, Any] | None] = {}
        self.contents: dict[int, Content] = {}
        self.options: dict[int, Options] = {}
        self.review_items: set[int] = set()
        self.notes: list[str] = []

    # -- per item --

    def add(self, block: Block) -> None:
        item = self.q.item(block.number)
        lines = strip_form_text(block.body, self.titles)
        if item.kind in (*YES_NO_KINDS, *CHOICE_KINDS):
            options = self.options[item.number] = read_options(lines, item)
            lines = options.rest
        content = self.contents[item.number] = extract_content(lines)
        if item.number == COUNTRY_ITEM:
            self._set_country(content)
        elif item.group == RESPONDENT_GROUP and item.field:
            self.respondent[item.field] = _one_line(content)
        elif item.kind in (*YES_NO_KINDS, *CHOICE_KINDS):
            pass  # decided in decide_values(), once the follow-ups are known
        elif item.kind == Kind.CONTACT:
            value = _one_line(content)
            self.answers[item.number] = {"value": value} if value else None
        else:
            self.answers[item.number] = _answer(content)

    def _set_country(self, content: Content) -> None:
        self.country_name = _one_line(content)
        self.country = country_code(self.country_name) if self.country_name else None
        if self.country is None:
            self.review_items.add(COUNTRY_ITEM)
            self.notes.append(country_problem(self.country_name))

    # -- once all items are in --

    def decide_values(self) -> None:
        for number, options in self.options.items():
            item = self.q.item(number)
            if item.kind == Kind.CONSENT:
                self._consent(item, options)
            elif item.kind in CHOICE_KINDS:
                self._choose(item, options)
            else:
                self._yes_no(item, options)
        for number, content in self.contents.items():
            self._flag_budget(self.q.item(number), content)

    def _consent(self, item: Item, options: Options) -> None:
        """Consent to publish is never guessed: only a marked option counts."""
        choice = _marked_choice(options)
        self.consent = None if choice.evidence or not isinstance(choice.value, str) else choice.value
        if self.consent is None:
            self.review_items.add(item.number)
            self.notes.append(f"consent to publish (Q{item.number}) not marked")

    def _yes_no(self, item: Item, options: Options) -> None:
        """A yes/no item: the marked option, else a value read from the details."""
        choice = _marked_choice(options)
        own = self.contents[item.number]
        if choice.value is None and choice.why is None:
            choice = self._inferred_yes_no(item, own)
        if options.stray:
            stray = ", ".join(repr(s) for s in options.stray)
            extra = f"the export lists option(s) {stray} that this item does not have"
            choice.why = f"{choice.why}; {extra}" if choice.why else extra
        self._set_choice(item, choice, _answer(own) or {})

    def _inferred_yes_no(self, item: Item, own: Content) -> _Choice:
        """No option marked: read the value from the follow-up's details
        (inference.infer). Details written under the question itself, where
        the form has no "If yes, please provide ..." follow-up (Q119, Q122),
        can only show a plan: the form never asked for them "if yes", so a
        link or a name there (Q119 names the ICT Observatory and a 2021
        survey, not data disaggregated by gender) does not say Yes."""
        details = [self.contents[f.number] for f in self.q.follow_ups(item.number)
                   if self.contents.get(f.number)]
        found = infer(details[0].text, [s.url for s in details[0].sources]) if details else None
        if found is not None:
            return _Choice(found.value, evidence=found.evidence)
        found = infer(own.text, [s.url for s in own.sources]) if own else None
        if found is not None and found.value == "planned":
            return _Choice("planned", evidence=found.evidence)
        if own:
            return _Choice(why="no option marked; the details under the question do not say yes or no: "
                               "set the value if they do")
        return _Choice(why="no option marked in the export and no details to infer it from: set yes or no")

    def _choose(self, item: Item, options: Options) -> None:
        """A choice item: free text after unmarked options is the "Other" answer."""
        own = self.contents[item.number]
        answer = _answer(own) or {}
        choice = _marked_choice(options, multiple=item.kind == Kind.MULTIPLE_CHOICE)
        has_other = any(o.value == "other" for o in item.options)
        if choice.value is None and choice.why is None:
            if own.text and has_other:
                choice = _Choice("other")
                period = _period(own.text)
                if period:
                    answer["period"] = period
            else:
                choice.why = "no option marked in the export"
        self._set_choice(item, choice, answer)

    def _set_choice(self, item: Item, choice: _Choice, answer: dict[str, Any]) -> None:
        if choice.value is not None:
            answer = {"value": choice.value, **answer}
        self._set(item.number, answer, choice.evidence, choice.why)

    def _flag_budget(self, item: Item, content: Content) -> None:
        """Budget figures come as sentences; a person structures them."""
        parent = self.q.item(item.follow_up_of) if item.follow_up_of else None
        about_budget = any("budget" in i.prompt.en.lower() for i in (item, parent) if i is not None)
        if about_budget and content.text and re.search(r"\d", content.text):
            answer = self.answers.get(item.number) or {}
            self._set(item.number, answer, None, "budget figures given as text: structure them under `budget`")

    def _set(self, number: int, answer: dict[str, Any], evidence: str | None, why: str | None) -> None:
        """Store an answer, merging new flags into those it already has; an
        inferred value gets its evidence right after it."""
        flags = dict(answer.pop("flags", {}))
        if evidence:
            answer = _after_value(answer, "inferred", evidence)
        if why:
            flags["needs_review"] = f"{flags['needs_review']}; {why}" if "needs_review" in flags else why
        if flags:
            answer["flags"] = flags
        if "needs_review" in flags:
            self.review_items.add(number)
        self.answers[number] = answer or None

    def mark_missing(self, found: set[int]) -> None:
        """Items whose heading never came (an export that ends mid-way)."""
        missing = [item for item in self.q.items if item.number not in found]
        for item in missing:
            self.review_items.add(item.number)
            if item.number == COUNTRY_ITEM:
                self.notes.append(country_problem(None))
            elif item.kind == Kind.CONSENT:
                self.notes.append(f"consent to publish (Q{item.number}) not found")
            elif item.group != RESPONDENT_GROUP:
                self.answers[item.number] = {"flags": {"needs_review": "not found in the export"}}
        if missing:
            self.notes.insert(0, f"not found in the export: {ranges(i.number for i in missing)}")

    def mark_misplaced(self, misplaced: list[Misplaced]) -> None:
        """Flag the items whose headings the export has out of place."""
        for entry in misplaced:
            if entry.kind == "duplicate":
                why = (f"the export gives this item twice (lines {entry.first_line} and {entry.line}); "
                       "only the first was imported: compare them")
            elif entry.kind == "out of order":
                why = f"out of order in the export (line {entry.line}): check that the answer belongs here"
            else:
                self.notes.append(f"line {entry.line}: content after the last item was not imported")
                continue
            self.flag(entry.number, why)

    def flag(self, number: int, why: str) -> None:
        """A review flag on an item; header items (country, respondent,
        consent) have no answer to carry it and get a note instead."""
        item = self.q.item(number)
        if number == COUNTRY_ITEM or item.group == RESPONDENT_GROUP or item.kind == Kind.CONSENT:
            self.review_items.add(number)
            self.notes.append(f"Q{number}: {why}")
            return
        self._set(number, dict(self.answers.get(number) or {}), None, why)

    # -- the result --

    def result(self, blocks: dict[int, Block]) -> ImportResult:
        answers = {n: self.answers[n] for n in sorted(self.answers)}
        data: dict[str, Any] = {
            "country": self.country,
            "questionnaire": self.q.id,
            "submitted": None,  # the export carries no date
            "respondent": self.respondent,
            "consent": self.consent,
            "answers": answers,
        }
        header_answered = sum(v is not None for v in self.respondent.values()) + (
            self.country_name is not None) + (self.consent is not None)
        return ImportResult(
            data=data,
            items_found=len(blocks),
            answered=header_answered + sum(_is_answered(a) for a in answers.values()),
            inferred=sum(bool(a and a.get("inferred")) for a in answers.values()),
            planned=sum(bool(a and a.get("inferred") and a.get("value") == "planned") for a in answers.values()),
            needs_review=len(self.review_items),
            sources=len({urls.normalize(s["url"]) for a in answers.values() if a
                         for s in a.get("sources", [])}),
            missing=[i.number for i in self.q.items if i.number not in blocks],
            notes=self.notes,
            item_lines={n: b.line for n, b in blocks.items()},
            country_name=self.country_name,
        )


def _after_value(answer: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    """``answer`` with ``key`` placed right after ``value`` (where a reviewer looks)."""
    out: dict[str, Any] = {}
    for name, existing in answer.items():
        if name != key:
            out[name] = existing
        if name == "value":
            out[key] = value
    out.setdefault(key, value)
    return out


def _answer(content: Content) -> dict[str, Any] | None:
    answer: dict[str, Any] = {}
    if content.text:
        answer["text"] = content.text
    if content.sources:
        answer["sources"] = [s.as_dict() for s in content.sources]
    return answer or None


def _is_answered(answer: dict[str, Any] | None) -> bool:
    return bool(answer and (answer.get("value") not in (None, "", []) or answer.get("text")
                            or answer.get("sources")))


def _one_line(content: Content) -> str | None:
    text = " ".join((content.text or "").split())
    return text or None


def _period(text: str) -> dict[str, int] | None:
    match = re.search(r"\b((?:19|20)\d\d)\s*[-–/]\s*((?:19|20)\d\d)\b", text)
    if match is None:
        return None
    return {"start": int(match.group(1)), "end": int(match.group(2))}

