"""One country's answers: the model, loading with line numbers, and validation.

The format is documented in docs/responses-format.md. ``check_file`` returns
every problem as a ``Problem`` (``FILE:LINE: Qnn: message``); ``load_responses``
is what the build uses: it raises on the first error.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import pycountry
from babel.numbers import list_currencies
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

from reportgen import inputchecks, questionnaire, urls, yamlsource
from reportgen.errors import InputError, Problem, ProblemsError
from reportgen.limits import Limits
from reportgen.questionnaire import Item, Kind, Questionnaire

if TYPE_CHECKING:
    from reportgen.config import Config

# A long answer without a `summary` shows its first sentences up to this in
# the profile body; `check` asks for a summary beyond it.
SUMMARY_CHARS = 320

# --- the model --------------------------------------------------------------

# Characters XML (and so DOCX, HTML and PDF) cannot hold; YAML escapes such as
# "\x01" would otherwise reach the writers.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _printable(text: str) -> str:
    found = _CONTROL.search(text)
    if found:
        raise ValueError(f"control character U+{ord(found.group()):04X} is not allowed")
    return text


Text = Annotated[str, AfterValidator(_printable)]
_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def _language(tag: str) -> str:
    if not _LANGUAGE_TAG.fullmatch(tag):
        raise ValueError(f"{tag!r} is not a language tag (BCP 47: en, es, fr, ru, ar, zh)")
    return tag


# A BCP 47 language tag ("en", "es", "zh-Hans"): the language answers or a
# quoted title are written in.
Language = Annotated[str, AfterValidator(_language)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceRef(_Strict):
    url: str
    title: Text | None = None
    lang: Language | None = None  # a title quoted as given, in another language than the answers
    locator: Text | None = None  # "p. 31", "pp. 32, 95"


class RegistrySource(_Strict):
    """One title for an address that several answers cite."""

    url: str
    title: Text
    lang: Language | None = None  # a title quoted as given, in another language than the answers


class Flags(_Strict):
    needs_review: str | None = None

    @property
    def unresolved(self) -> bool:
        return bool(self.needs_review)


class Period(_Strict):
    start: int = Field(ge=1900, le=2100)
    end: int = Field(ge=1900, le=2100)


class Amount(_Strict):
    amount: Decimal = Field(ge=0)
    currency: str
    usd: Decimal | None = Field(default=None, ge=0)  # the answer's own USD equivalent

    @field_validator("currency")
    @classmethod
    def _iso_4217(cls, code: str) -> str:
        if code not in list_currencies():
            raise ValueError(f"unknown ISO 4217 currency code {code!r}")
        return code


class Budget(_Strict):
    national: Amount | None = None  # national government expenditure
    dedicated: Amount | None = None  # the budget dedicated to digital government
    share_percent: Decimal | None = Field(default=None, ge=0, le=100)
    # What the Government counts as its budget for digital government, in its
    # own words ("the budget of the Ministry of ..."), so the profile can say
    # whose budget the figure is.
    basis: Text | None = None


def _yes_no(value: Any) -> Any:
    """YAML 1.1 reads ``yes``/``no`` as booleans; the format means the words."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, (int, float)):
        return str(value)
    return value


class Answer(_Strict):
    value: Text | list[str] | None = None
    # The export marked no option and the value was read from the follow-up:
    # the phrase that decided it ("It is contemplated in the National Plan ...").
    inferred: Text | None = None
    reviewed: bool = False  # a reviewer confirmed the inferred value (or, with no value: "not stated")
    # For a legal-framework item: the law, decree or plan the answer names,
    # with number and year where the answer gives them.
    instrument: Text | None = None
    text: Text | None = None
    summary: Text | None = None
    sources: list[SourceRef] = Field(default_factory=list)
    flags: Flags = Field(default_factory=Flags)
    period: Period | None = None
    budget: Budget | None = None

    _normalize_value = field_validator("value", mode="before")(classmethod(lambda cls, v: _yes_no(v)))

    @property
    def is_empty(self) -> bool:
        return (self.value in (None, [], "") and not self.text and not self.sources and not self.summary
                and self.budget is None and self.period is None and self.instrument is None)

    @property
    def has_details(self) -> bool:
        return bool(self.text or self.sources or self.summary)

    @property
    def unconfirmed(self) -> bool:
        """An inferred value no reviewer has confirmed yet."""
        return self.inferred is not None and not self.reviewed

    @property
    def unresolved(self) -> bool:
        return self.unconfirmed or self.flags.unresolved


class Respondent(_Strict):
    name: str | None = None
    title: str | None = None
    organization: str | None = None
    email: str | None = None


class Responses(_Strict):
    country: str
    questionnaire: str
    language: Language = "en"  # the language the Government answered in
    submitted: date | None = None
    respondent: Respondent = Field(default_factory=Respondent)
    consent: str | None = None
    sources: list[RegistrySource] = Field(default_factory=list)
    answers: dict[int, Answer | None] = Field(default_factory=dict)

    _normalize_consent = field_validator("consent", mode="before")(classmethod(lambda cls, v: _yes_no(v)))

    def answer(self, number: int) -> Answer | None:
        """The answer to an item, or None when it was not given or left empty."""
        answer = self.answers.get(number)
        return None if answer is None or answer.is_empty else answer

    @cached_property
    def registry(self) -> dict[str, RegistrySource]:
        """The registered sources by normalised address (the first of a repeat),
        made once: the narrative looks up a title for every reference."""
        found: dict[str, RegistrySource] = {}
        for source in self.sources:
            found.setdefault(urls.normalize(source.url), source)
        return found

    def source_title(self, url: str) -> str | None:
        source = self.registry.get(urls.normalize(url))
        return source.title if source else None

    def source_lang(self, url: str) -> str | None:
        """The language of a registered source's title when it is quoted in another language."""
        source = self.registry.get(urls.normalize(url))
        return source.lang if source else None

    @property
    def consents(self) -> bool:
        return self.consent == "yes"


# --- loading and checking ---------------------------------------------------


def load_responses(path: Path, strict: bool = False, limits: Limits | None = None) -> tuple[Responses, list[Problem]]:
    """Load a responses file for building: errors raise InputError (the first
    one), warnings are returned."""
    responses, problems = check_file(path, strict=strict, limits=limits)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ProblemsError(errors)
    assert responses is not None
    return responses, problems


def check_file(path: Path, strict: bool = False, limits: Limits | None = None,
               build: Config | None = None) -> tuple[Responses | None, list[Problem]]:
    """Every problem of one responses file. Unusable input raises InputError.
    With ``build`` (the build's settings: languages, templates, catalogs) it
    also runs the build's glyph check (``glyphs.answers_problems``)."""
    limits = limits or Limits()
    located = yamlsource.load(path, limits.max_file_bytes, limits.yaml_depth)
    if not isinstance(located.data, dict):
        kind = type(located.data).__name__.replace("str", "text").replace("list", "a list")
        raise InputError(path, 1, f"expected a mapping of keys (country, answers, ...), found {kind}")
    checker = _Checker(path, located, strict, build)
    return checker.run(), checker.problems


class _Checker:
    def __init__(self, path: Path, located: yamlsource.Located, strict: bool, build: Config | None = None):
        self.path = path
        self.located = located
        self.strict = strict
        self.build = build  # the settings of the build to check for (the glyph check)
        self.problems: list[Problem] = []

    # -- reporting --

    def error(self, where: tuple[Any, ...], message: str, item: int | None = None) -> None:
        self.problems.append(Problem(self.path, self.located.line(where), message, item))

    def warn(self, where: tuple[Any, ...], message: str, item: int | None = None) -> None:
        severity = "error" if self.strict else "warning"
        self.problems.append(Problem(self.path, self.located.line(where), message, item, severity))

    # -- the checks --

    def run(self) -> Responses | None:
        for where, line in self.located.duplicates:
            item = where[1] if len(where) >= 2 and where[0] == "answers" else None
            problem = Problem(self.path, line, f"duplicate key {where[-1]!r}", _as_item(item))
            self.problems.append(problem)
        self._check_writable_input()
        try:
            responses = Responses.model_validate(self.located.data)
        except ValidationError as exc:
            for error in exc.errors():
                self._report_schema_error(error)
            self.problems = inputchecks.deduplicate(sorted(self.problems, key=lambda p: p.line))
            return None
        self._check_printable_values(responses)
        catalog = self._catalog(responses)
        self._check_country(responses)
        self._check_header(responses, catalog)
        for source_index, source in enumerate(responses.sources):
            self._check_url(("sources", source_index, "url"), source.url, None)
        self._check_titles(responses)
        if catalog is not None:
            self._check_answers(responses, catalog)
            self._check_glyphs(responses, catalog)
        self.problems = inputchecks.deduplicate(sorted(self.problems, key=lambda p: p.line))
        return responses

    def _check_writable_input(self) -> None:
        """What no writer can hold: see ``inputchecks``."""
        for problem in (inputchecks.text_problems(self.path, self.located)
                        + inputchecks.leading_zero_problems(self.path, self.located)
                        + inputchecks.registry_problems(self.path, self.located)):
            if problem.severity == "warning":
                self.warn(("sources",), problem.message)
                self.problems[-1].line = problem.line
            else:
                self.problems.append(problem)

    def _check_glyphs(self, responses: Responses, catalog: Questionnaire) -> None:
        """What the build's glyph check would refuse (``glyphs.answers_problems``)."""
        if self.build is not None:
            from reportgen import glyphs  # fontTools: only when asked

            self.problems += glyphs.answers_problems(self.path, self.located, responses, catalog, self.build)

    def _check_printable_values(self, responses: Responses) -> None:
        """Amounts and dates the writers can format and record."""
        self.problems += inputchecks.number_problems(self.path, self.located, responses.answers)
        self.problems += inputchecks.date_problems(self.path, self.located, responses.submitted)

    def _report_schema_error(self, error: ErrorDetails) -> None:
        loc = tuple(p for p in error["loc"] if p != "[key]")
        item = _as_item(loc[1]) if len(loc) >= 2 and loc[0] == "answers" else None
        if len(loc) >= 2 and loc[0] == "answers" and item is None:
            self.error(loc, f"unknown item {loc[1]!r}: answers are keyed by item number")
            return
        field = ".".join(str(p) for p in loc[2:] if not isinstance(p, int) or p != item) if item else ""
        field = field or ".".join(str(p) for p in loc)
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}"
        elif error["type"] == "missing":
            message = f"missing key {loc[-1]!r}"
        else:
            message = f"{field}: {message}"
        self.error(loc, message, item)

    def _catalog(self, responses: Responses) -> Questionnaire | None:
        try:
            return questionnaire.load(responses.questionnaire)
        except InputError as exc:
            self.error(("questionnaire",), exc.problem.message)
            return None

    def _check_country(self, responses: Responses) -> None:
        code = responses.country
        if pycountry.countries.get(alpha_3=code) is None or code != code.upper():
            self.error(("country",), f"unknown country code {code!r} (expected ISO 3166-1 alpha-3, e.g. PRY)")
        elif self.path.stem.upper() != code and self.path.suffix in (".yaml", ".yml"):
            # The build names outputs and finds translations by the file name.
            self.error(("country",), f"country {code} does not match the file name {self.path.name} "
                       f"(name it {code}.yaml)")

    def _check_titles(self, responses: Responses) -> None:
        """Every cited address needs a real title before a Final build; the
        profile would otherwise name it after its site ("Web page of ...")."""
        seen: set[str] = set()
        for number, answer in responses.answers.items():
            for index, ref in enumerate(answer.sources if answer else []):
                key = urls.normalize(ref.url)
                if key in seen:
                    continue
                seen.add(key)
                title = ref.title or responses.source_title(ref.url)
                if title is None or _is_placeholder_title(title, ref.url):
                    what = "without a title" if title is None else f"with a placeholder title {title!r}"
                    self.warn(("answers", number, "sources", index, "url"),
                              f"source {what}: {ref.url} (give it its real name under `sources:`)",
                              _as_item(number))

    def _check_header(self, responses: Responses, catalog: Questionnaire | None) -> None:
        if responses.submitted is None:
            self.warn(("submitted",), "submission date unknown")
        if responses.consent not in (None, "yes", "no"):
            self.error(("consent",), f"consent must be yes or no, not {responses.consent!r}")
        elif responses.consent is None:
            self.warn(("consent",), "consent to publish unknown", catalog.consent_item if catalog else None)

    def _check_answers(self, responses: Responses, catalog: Questionnaire) -> None:
        outside = catalog.header_items()
        for number, answer in responses.answers.items():
            where = ("answers", number)
            if not catalog.has_item(number):
                self.error(where, f"unknown item (the {catalog.id} questionnaire has items 1-"
                           f"{len(catalog.items)})", number)
            elif number in outside:
                self.error(where, "this item belongs in the file header (country, respondent, consent)",
                           number)
            elif answer is not None:
                self._check_answer(responses, catalog, catalog.item(number), answer)
        for item in catalog.items:
            if item.required and item.number not in outside and item.number not in responses.answers:
                self.error(("answers",), f"missing required answer ({item.label.en}); write "
                           f"`{item.number}: null` if the country left it empty", item.number)

    def _check_answer(self, responses: Responses, catalog: Questionnaire, item: Item, answer: Answer) -> None:
        where = ("answers", item.number)
        label = item.label.en
        self._check_value(item, answer)
        for index, source in enumerate(answer.sources):
            self._check_url((*where, "sources", index, "url"), source.url, item.number)
        if item.follow_up_of is not None and not answer.is_empty:
            self._check_follow_up(responses, item, answer)
        if answer.flags.needs_review:
            self.warn((*where, "flags"), f"{label}: needs review: {answer.flags.needs_review}", item.number)
        if answer.inferred is not None and answer.value is None:
            self.error((*where, "inferred"), f"{label}: `inferred` explains a value, but there is none",
                       item.number)
        elif answer.unconfirmed:
            self.warn((*where, "inferred"), f"{label}: {answer.value!r} was inferred from "
                      f"\"{_clip(answer.inferred or '')}\"; confirm it with `reviewed: true`", item.number)
        if answer.text and not answer.summary and len(answer.text) > SUMMARY_CHARS:
            self.warn((*where, "text"), f"{label}: {len(answer.text)} characters of text without a "
                      "`summary` for the profile body", item.number)
        if answer.period and answer.period.end < answer.period.start:
            self.error((*where, "period"), "period ends before it starts", item.number)

    def _check_follow_up(self, responses: Responses, item: Item, answer: Answer) -> None:
        """Details need their question. A question without a value whose
        details a reviewer judged undecided (``reviewed: true``) is "not stated"."""
        where = ("answers", item.number)
        parent = responses.answers.get(item.follow_up_of or 0)
        if parent is not None and parent.value == "no":
            self.error(where, f"details given but Q{item.follow_up_of} is answered No", item.number)
        elif parent is None:
            self.error(where, f"follow-up answered without its question Q{item.follow_up_of}", item.number)
        elif parent.value is None and not parent.reviewed:
            self.warn(("answers", item.follow_up_of), f"details given (Q{item.number}) but no value: set one, or "
                      "confirm \"not stated\" with `reviewed: true`", item.follow_up_of)

    def _check_value(self, item: Item, answer: Answer) -> None:
        where = ("answers", item.number, "value")
        value = answer.value
        if value is None:
            return
        allowed = _allowed_values(item)
        if item.kind == Kind.MULTIPLE_CHOICE:
            values = value if isinstance(value, list) else [value]
            bad = [v for v in values if v not in allowed]
            if bad:
                self.error(where, f"{bad[0]!r} is not an option ({', '.join(allowed)})", item.number)
        elif isinstance(value, list):
            self.error(where, f"a {item.kind.value} item takes one value, not a list", item.number)
        elif allowed and value not in allowed:
            self.error(where, f"{value!r} is not a valid {item.kind.value} value ({', '.join(allowed)})",
                       item.number)
        elif item.kind in (Kind.TEXT, Kind.LINKS):
            self.error(where, f"a {item.kind.value} item has no value; put the answer in `text` or "
                       "`sources`", item.number)

    def _check_url(self, where: tuple[Any, ...], url: str, item: int | None) -> None:
        if not urls.is_web_url(url):
            self.error(where, f"not an absolute http(s) address: {url!r}", item)


def _allowed_values(item: Item) -> list[str]:
    if item.kind == Kind.YES_NO:
        return ["yes", "no", "planned"]
    if item.kind == Kind.YES_NO_OTHER:
        return ["yes", "no", "planned", "other"]
    return [option.value for option in item.options]


def _clip(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_PLACEHOLDER = re.compile(r"\b(todo|tbd|fixme|xxx|untitled|placeholder)\b|^\W*$", re.IGNORECASE)


def _is_placeholder_title(title: str, url: str) -> bool:
    """A title that names nothing: the address or its domain, or a marker left to fill in."""
    plain = title.strip().lower()
    return (plain in (url.lower(), urls.domain(url).lower(), urls.normalize(url).lower())
            or bool(_PLACEHOLDER.search(plain)))


def _as_item(key: Any) -> int | None:
    if isinstance(key, int):
        return key
    if isinstance(key, str) and re.fullmatch(r"\d+", key):
        return int(key)
    return None
