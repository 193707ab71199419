"""The answers as data: one row per country and questionnaire item (``reportgen export``).

For data teams who analyse answers across countries rather than read profiles.
Each row says what the Government answered (``status``: yes, no, planned,
other, answered, or "not stated"), the value and texts, and the sources with
their titles. Contact items (the respondent's name, title, e-mail) are left
out: they are personal data, not answers; so is the item naming the country
(it is every row's ``country``).

CSV cells that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) are prefixed with ``'``; JSON
carries the text unchanged.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportgen import questionnaire
from reportgen.errors import Problem
from reportgen.limits import Limits
from reportgen.questionnaire import Item, Kind
from reportgen.responses import Answer, Budget, Responses, check_file

COLUMNS = ("country", "questionnaire", "item", "key", "section", "kind", "question", "status", "value",
           "instrument", "summary", "text", "period_start", "period_end",
           "budget_national", "budget_national_currency", "budget_national_usd",
           "budget_dedicated", "budget_dedicated_currency", "budget_dedicated_usd",
           "budget_share_percent", "budget_basis",
           "sources", "inferred", "reviewed", "needs_review", "consent")
YES_NO_STATUSES = ("yes", "no", "planned")
NOT_STATED = "not stated"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def status(item: Item, answer: Answer | None) -> str:
    """yes / no / planned / other for yes-no items; answered otherwise; or not stated."""
    if answer is None or answer.is_empty:
        return NOT_STATED
    if item.kind in (Kind.YES_NO, Kind.YES_NO_OTHER):
        if answer.value in (None, "", []):
            return NOT_STATED
        value = answer.value
        return value if isinstance(value, str) and value in YES_NO_STATUSES else "other"
    return "answered"


def _sources(responses: Responses, answer: Answer | None) -> list[dict[str, str | None]]:
    if answer is None:
        return []
    return [{"url": ref.url, "title": ref.title or responses.source_title(ref.url), "locator": ref.locator}
            for ref in answer.sources]


def _budget(budget: Budget | None) -> dict[str, str | None]:
    """The structured budget figures, exact (decimals as written, never floats)."""
    def number(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    cells: dict[str, str | None] = {}
    for part in ("national", "dedicated"):
        amount = getattr(budget, part) if budget else None
        cells[f"budget_{part}"] = number(amount.amount) if amount else None
        cells[f"budget_{part}_currency"] = amount.currency if amount else None
        cells[f"budget_{part}_usd"] = number(amount.usd) if amount else None
    cells["budget_share_percent"] = number(budget.share_percent) if budget else None
    cells["budget_basis"] = budget.basis if budget else None
    return cells


def rows(responses: Responses) -> Iterable[dict[str, Any]]:
    """One row per item of the country's questionnaire, contact items left out."""
    catalog = questionnaire.load(responses.questionnaire)
    for item in catalog.items:
        if item.kind == Kind.CONTACT or item.key == questionnaire.COUNTRY_KEY:  # the country is the row's key
            continue
        answer = responses.answer(item.number)
        value = None if answer is None else answer.value
        # The consent is kept in the file's header (``consent:``), not under answers.
        consent = item.kind == Kind.CONSENT
        yield {
            "country": responses.country, "questionnaire": responses.questionnaire, "item": item.number,
            "key": item.key, "section": item.section, "kind": str(item.kind), "question": item.label.en,
            "status": (responses.consent or NOT_STATED) if consent else status(item, answer),
            "value": responses.consent if consent else "; ".join(value) if isinstance(value, list) else value,
            "instrument": answer.instrument if answer else None,
            "summary": answer.summary if answer else None,
            "text": answer.text if answer else None,
            "period_start": answer.period.start if answer and answer.period else None,
            "period_end": answer.period.end if answer and answer.period else None,
            **_budget(answer.budget if answer else None),
            "sources": _sources(responses, answer),
            "inferred": bool(answer and answer.inferred is not None),
            # Also for an answer left empty on purpose: a reviewer decided "not stated".
            "reviewed": bool((given := responses.answers.get(item.number)) and given.reviewed),
            "needs_review": bool(answer and answer.unresolved),
            "consent": responses.consent or NOT_STATED,
        }


def load_all(paths: list[Path], limits: Limits | None = None) -> tuple[list[Responses], list[Problem]]:
    """Every file's answers, read within the project's ``limits`` as a build
    reads them; the errors of those that cannot be read (FILE:LINE: Qnn: ...)."""
    loaded: list[Responses] = []
    errors: list[Problem] = []
    for path in paths:
        responses, problems = check_file(path, limits=limits)
        found = [p for p in problems if p.severity == "error"]
        errors.extend(found)
        if responses is not None and not found:
            loaded.append(responses)
    return loaded, errors


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(table: list[dict[str, Any]]) -> str:
    """Sources as one cell: ``title <url> (locator)`` per line."""
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in table:
        sources = "\n".join(f"{s['title'] or ''} <{s['url']}>" + (f" ({s['locator']})" if s["locator"] else "")
                            for s in row["sources"])
        writer.writerow([_cell(sources if column == "sources" else row[column]) for column in COLUMNS])
    return stream.getvalue()


def to_json(table: list[dict[str, Any]]) -> str:
    return json.dumps(table, indent=1, ensure_ascii=False, default=str) + "\n"
