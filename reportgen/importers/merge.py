"""Taking a resubmitted export into a reviewed responses file (``import --merge``).

A reviewed file holds two kinds of content: the Government's (answer text,
the addresses it gave and their pages, marked options, contact details) and
the reviewer's (source titles, summaries, confirmed or decided values,
resolved flags, structured budgets and periods, YAML comments). A merge
replaces only the Government's content, and only where the new export says
something else; everything the reviewer wrote stays, comments included
(ruamel.yaml's round-trip mode keeps them, and a file without changes is not
rewritten at all).

The old export is not at hand, so "the Government changed it" is decided by
comparing the new export with the reviewed file, forgiving what reviewers
repair: case, spacing, line and paragraph breaks, punctuation, the order of
page numbers, and a few words changed without any figure in them ("to." ->
"a." in a list). Such differences are reported as notes and the reviewer's
version is kept; a changed figure or more than a few words is a change.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

from reportgen import questionnaire as catalogs
from reportgen import urls, yamlsource
from reportgen.errors import InputError
from reportgen.files import write_atomic
from reportgen.importers.base import Imported
from reportgen.importers.inference import clip
from reportgen.importers.writer import document as import_document
from reportgen.questionnaire import Item, Kind, Questionnaire
from reportgen.responses import check_file

# A reviewer's repair changes at most this many words per place, and at most
# REPAIR_SHARE of the text's words in all (never a figure).
REPAIR_WORDS = 2
REPAIR_SHARE = 0.01
YES_NO_KINDS = (Kind.YES_NO, Kind.YES_NO_OTHER)
SHOWN_CHARS = 60  # of a text in the change list


@dataclass
class MergeReport:
    """What a merge changed (``changes``) and what it kept on purpose (``notes``), item by item."""

    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    text: str | None = None  # the merged YAML; None when nothing changed

    def change(self, item: int | None, message: str) -> None:
        self.changes.append(f"Q{item}: {message}" if item is not None else message)

    def note(self, item: int | None, message: str) -> None:
        self.notes.append(f"Q{item}: {message}" if item is not None else message)


def merge_export(imported: Imported, reviewed_path: Path, dry_run: bool = False) -> MergeReport:
    """Merge an imported export (any importer's) into the reviewed file;
    write it (atomically) unless ``dry_run`` or nothing changed."""
    yaml = _round_trip()
    document = _load_reviewed(yaml, reviewed_path)
    new = import_document(imported.responses)
    if document.get("country") != new.get("country"):
        raise InputError(reviewed_path, 1, f"the export is for {new.get('country')}, this file for "
                         f"{document.get('country')}")
    report = MergeReport()
    merger = _Merger(catalogs.load(str(document.get("questionnaire") or new["questionnaire"])), report)
    merger.header(document, new)
    merger.answers(document["answers"], new["answers"])
    if report.changes:
        stream = io.StringIO()
        yaml.dump(document, stream)
        report.text = stream.getvalue()
        if not dry_run:
            write_atomic(reviewed_path, report.text.encode("utf-8"))
    return report


def _load_reviewed(yaml: YAML, path: Path) -> CommentedMap:
    """The reviewed file as an editable tree, once ``check`` accepts it (which
    also refuses anchors and aliases before ruamel.yaml reads anything)."""
    text = yamlsource.read_text(path)
    _, problems = check_file(path)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(path, errors[0].line, f"{errors[0].message} (--merge needs a file that "
                         "`reportgen check` accepts)", errors[0].item)
    try:
        document = yaml.load(text)
    except YAMLError as exc:  # check read it with PyYAML; ruamel.yaml may still differ
        raise InputError(path, 1, f"YAML error: {' '.join(str(exc).split())}") from None
    if not isinstance(document, CommentedMap) or not isinstance(document.get("answers"), CommentedMap):
        raise InputError(path, 1, "not a responses file (expected country, ..., answers:)")
    return document


def _round_trip() -> YAML:
    """ruamel.yaml set up to write a responses file back byte for byte."""
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.preserve_quotes = True
    yaml.representer.add_representer(
        type(None), lambda representer, _: representer.represent_scalar("tag:yaml.org,2002:null", "null"))
    return yaml


# --- comparing the Government's content -------------------------------------------------


def _words(text: str | None) -> list[str]:
    """Lower-case words and figures: what survives case, spacing and punctuation repairs."""
    return re.findall(r"[^\W_]+", (text or "").lower())


def _compare_text(old: str | None, new: str | None) -> str:
    """"same", "repaired" (only small wordless edits, the reviewer's) or "changed"."""
    a, b = _words(old), _words(new)
    if a == b:
        return "same"
    if not a or not b:
        return "changed"
    edited = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        words = a[i1:i2] + b[j1:j2]
        if max(i2 - i1, j2 - j1) > REPAIR_WORDS or any(any(c.isdigit() for c in w) for w in words):
            return "changed"
        edited += max(i2 - i1, j2 - j1)
    return "repaired" if edited <= max(1, REPAIR_SHARE * len(a)) else "changed"


def _pages(locator: str | None) -> set[str]:
    return set(re.findall(r"\d+(?:\s*[-–]\s*\d+)?", locator or ""))


def _source_key(source: Any) -> str:
    return urls.normalize(str(source.get("url", "")))


def _sources_changed(old: list[Any], new: list[dict[str, Any]]) -> bool:
    before = {_source_key(s): _pages(s.get("locator")) for s in old}
    after = {_source_key(s): _pages(s.get("locator")) for s in new}
    return before != after


def _shown(text: Any) -> str:
    """A text for the change list: one line, quoted, at most SHOWN_CHARS."""
    line = clip(str(text))
    return repr(line[:SHOWN_CHARS] + ("…" if len(line) > SHOWN_CHARS else ""))


def _first_difference(old: str, new: str) -> str:
    """Where two texts first differ, with a few words before: "…the 0,31%" -> "…the 0,45%"."""
    a, b = old.split(), new.split()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":  # everything before was equal, so i1 == j1
            start = max(0, i1 - 3)
            lead = "…" if start else ""
            before = lead + " ".join(a[start:max(i2, i1 + 1)])
            after = lead + " ".join(b[start:max(j2, j1 + 1)])
            return f"{_shown(before)} -> {_shown(after)}"
    return "spacing only"


def _value(answer: Any) -> Any:
    value = answer.get("value") if answer else None
    return {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value


# --- the merge ---------------------------------------------------------------------------


class _Merger:
    def __init__(self, questionnaire: Questionnaire, report: MergeReport):
        self.q = questionnaire
        self.report = report
        self.changed_details: set[int] = set()  # items whose text or sources the Government changed
        self.changed_evidence: set[int] = set()  # ... in a way a value read from them may change

    def header(self, document: CommentedMap, new: dict[str, Any]) -> None:
        """Respondent details and a marked consent are the Government's."""
        respondent = document.setdefault("respondent", CommentedMap())
        for key, value in (new.get("respondent") or {}).items():
            if value is not None and _compare_text(respondent.get(key), value) == "changed":
                self.report.change(None, f"respondent {key}: {_shown(respondent.get(key))} -> {_shown(value)}")
                respondent[key] = value
        consent, before = new.get("consent"), _value({"value": document.get("consent")})
        if consent is not None and before != consent:
            self.report.change(None, f"consent: {before} -> {consent} (marked in the export)")
            document["consent"] = consent

    def answers(self, answers: CommentedMap, new_answers: dict[int, Any]) -> None:
        numbers = sorted(set(new_answers) | {k for k in answers if isinstance(k, int)})
        # details first: a yes/no value read from a follow-up depends on them
        for number in numbers:
            self._details(answers, number, new_answers.get(number))
        for number in numbers:
            item = self.q.item(number) if self.q.has_item(number) else None
            if item is not None:
                self._value(answers, item, new_answers.get(number))

    # -- text and sources --

    def _details(self, answers: CommentedMap, number: int, new: dict[str, Any] | None) -> None:
        old = answers.get(number)
        new = new or {}
        if "not found in the export" in str(new.get("flags", {}).get("needs_review", "")):
            if old:
                self.report.note(number, "not in the new export: the reviewed answer is kept")
            return
        new_text, new_sources = new.get("text"), new.get("sources", [])
        if not old and not new_text and not new_sources:
            return
        old = self._ensure_map(answers, number)
        verdict = _compare_text(old.get("text"), new_text)
        if verdict == "repaired":
            self.report.note(number, "text kept: it differs from the export only by small edits (a reviewer's)")
        elif verdict == "changed":
            self._set_text(old, number, new_text)
        if verdict == "changed":
            self.changed_evidence.add(number)
        if _sources_changed(old.get("sources") or [], new_sources):
            self._set_sources(old, number, new_sources)
            if not new_text:  # a link alone was the evidence
                self.changed_evidence.add(number)
        if number in self.changed_details:
            self._flag_reviewer_fields(old, number)
            why = new.get("flags", {}).get("needs_review")
            if why:
                self._flag(old, why)
        if not old:
            answers[number] = None

    def _ensure_map(self, answers: CommentedMap, number: int) -> CommentedMap:
        old = answers.get(number)
        if isinstance(old, CommentedMap):
            return old
        fresh = CommentedMap()
        if number in answers:
            answers[number] = fresh
        else:
            position = sum(1 for key in answers if isinstance(key, int) and key < number)
            answers.insert(position, number, fresh)
        return fresh

    def _set_text(self, old: CommentedMap, number: int, text: str | None) -> None:
        before = old.get("text")
        if text:
            old["text"] = LiteralScalarString(text) if "\n" in text else text
        else:
            old.pop("text", None)
        if before is None or text is None:
            shown = f"added: {_shown(text)}" if before is None else f"removed: {_shown(before)}"
        else:
            shown = f"changed: {_first_difference(str(before), text)}"
        self.report.change(number, f"text {shown}")
        self.changed_details.add(number)

    def _set_sources(self, old: CommentedMap, number: int, new_sources: list[dict[str, Any]]) -> None:
        """The Government's addresses and pages; a kept address keeps the
        reviewer's title (and locator, when the pages are the same)."""
        kept = {_source_key(s): s for s in old.get("sources") or []}
        merged = CommentedSeq()
        for source in new_sources:
            previous = kept.get(_source_key(source))
            if previous is None:
                merged.append(CommentedMap(source))
                continue
            if _pages(previous.get("locator")) != _pages(source.get("locator")):
                if source.get("locator"):
                    previous["locator"] = source["locator"]
                else:
                    previous.pop("locator", None)
            merged.append(previous)
        added = [s["url"] for s in new_sources if _source_key(s) not in kept]
        removed = [str(s.get("url")) for key, s in kept.items() if key not in {_source_key(n) for n in new_sources}]
        if merged:
            old["sources"] = merged
        else:
            old.pop("sources", None)
        parts = [f"+ {u}" for u in added] + [f"- {u}" for u in removed] or ["pages changed"]
        self.report.change(number, f"sources: {', '.join(parts)}")
        self.changed_details.add(number)

    def _flag_reviewer_fields(self, old: CommentedMap, number: int) -> None:
        """The reviewer's summary, period or budget describe the old text:
        kept, and flagged for a look."""
        fields = [name for name in ("summary", "period", "budget") if name in old]
        if fields:
            self._flag(old, f"the Government changed this answer: check the {', '.join(fields)}")

    # -- values --

    def _value(self, answers: CommentedMap, item: Item, new: dict[str, Any] | None) -> None:
        new = new or {}
        old = answers.get(item.number)
        new_value, evidence = new.get("value"), new.get("inferred")
        old_value = _value(old)
        if item.kind == Kind.CONTACT:  # a name or an address: text, with its repairs
            if new_value is not None and _compare_text(old_value, new_value) == "changed":
                self._put_value(answers, item.number, new_value, None, "changed in the export")
            return
        if new_value is None or (new_value == old_value and not evidence):
            return
        details_changed = bool({item.number, *(f.number for f in self.q.follow_ups(item.number))}
                               & self.changed_evidence)
        unconfirmed = bool(old and old.get("inferred") is not None and not old.get("reviewed"))
        if evidence is None:  # marked in the export: the Government's word
            self._put_value(answers, item.number, new_value, None, "marked in the export")
        elif details_changed or unconfirmed:
            if old_value != new_value or (old or {}).get("inferred") != evidence:
                self._put_value(answers, item.number, new_value, evidence,
                                "read from the changed details" if details_changed else "read from the details")
        elif old_value != new_value:  # the reviewer's decision, "no value" (not stated) included
            kept = repr(old_value) if old_value is not None else "no value"
            self.report.note(item.number, f"kept the reviewer's {kept}; the unchanged details read as "
                                          f"{new_value!r} ({_shown(evidence)})")

    def _put_value(self, answers: CommentedMap, number: int, value: str, evidence: str | None, why: str) -> None:
        old = self._ensure_map(answers, number)
        before = _value(old)
        old["value"] = value
        if evidence is None:
            old.pop("inferred", None)
        else:
            if "inferred" not in old:
                old.insert(list(old).index("value") + 1, "inferred", evidence)
            old["inferred"] = evidence
        if "reviewed" in old:
            old["reviewed"] = False  # kept with the reviewer's comment on it: to confirm again
        shown = f": {_shown(evidence)}" if evidence else ""
        if before == value:
            self.report.change(number, f"value {value} {why}{shown}; confirm it again")
        else:
            self.report.change(number, f"value {before or '(none)'} -> {value} ({why}{shown})")

    @staticmethod
    def _flag(answer: CommentedMap, why: str) -> None:
        flags = answer.setdefault("flags", CommentedMap())
        existing = flags.get("needs_review")
        flags["needs_review"] = f"{existing}; {why}" if existing else why
