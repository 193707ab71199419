"""Narrate one country's answers in one language into the document model.

Templates (``templates/sections/*.md.j2``) are Markdown + Jinja2, rendered in a
sandbox with StrictUndefined. Everything a template interpolates is escaped for
Markdown by ``finalize`` unless it is ``Md`` (markup this module made itself,
such as citation calls), so answer text can never become markup. The Markdown
is parsed into model blocks (``markup.py``), completed once by the transforms
(``transforms.py``), and the result goes to the writers.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import yaml
from jinja2.sandbox import SandboxedEnvironment

from reportgen import figures, housestyle, markup, templatecheck, templating, transforms, urls
from reportgen import model as m
from reportgen.citations import Source, SourceRegistry, keep_locator
from reportgen.citations import entry as source_entry
from reportgen.errors import Problem, ReportgenError, TemplateError
from reportgen.i18n import SOURCE_LANG, Locale, list_style
from reportgen.limits import Limits
from reportgen.policy import Policy
from reportgen.prose import collapse_spaces, join_sentences, joins_without_space, prose_paragraphs, sentences
from reportgen.questionnaire import Kind, Localized, Questionnaire
from reportgen.responses import SUMMARY_CHARS, Answer, Responses
from reportgen.settings import source_date_epoch
from reportgen.writers import TEMPLATES

BRIEF_CHARS = 220  # the concise body shows an answer's first whole sentences up to about this

TRANSLATED_FIELDS = ("title", "organization")  # contact fields offered to translators
QUESTIONNAIRE_DOMAIN = "questionnaire"  # labels for languages the questionnaire YAML lacks
SOURCE_TITLE = "source title"  # msgctxt of the sources registry's titles in responses catalogs


def N_(message: str) -> str:
    """Mark a fixed word for extraction; it is translated where it is used."""
    return message


# Fixed words the writers need (pandoc's closed list of translated terms).
LABELS: dict[str, str] = {
    "title": N_("E-Government Country Profile"),
    "contents": N_("Contents"),
    # Translators: the page footer; keep both placeholders ("第%(page)s页，共%(pages)s页")
    "page_of": N_("Page %(page)s of %(pages)s"),
    "source": N_("Source"),
    "sources": N_("Sources"),
    "further_sources": N_("Further sources"),
    "accessed": N_("response of"),
    "organisation": N_("United Nations Department of Economic and Social Affairs"),
    "items": N_("Items"),
    # Translators: the name of the page with the publication details (imprint).
    "imprint": N_("Imprint"),
    # Translators: the letter before a questionnaire item's number ("Q7"); Spanish "P".
    "item_prefix": N_("Q"),
    "in_english": N_("(in English)"),
    "not_for_publication": N_("Not for publication"),
    "draft": N_("Draft"),
    "final": N_("Final"),
    "untitled_source": N_("Web page of %(domain)s"),
    # Document keywords (PDF and DOCX metadata), in the profile's language.
    "keyword_egov": N_("e-government"),
    "keyword_survey": N_("United Nations E-Government Survey"),
    "table": N_("Table"),  # alt text title of a table without caption: "Table 2"
}

# The imprint's default wording (settings `disclaimer` and `copyright` replace it).
DISCLAIMER = N_(
    "The designations employed and the presentation of the material in this publication do not imply the "
    "expression of any opinion whatsoever on the part of the Secretariat of the United Nations concerning the "
    "legal status of any country, territory, city or area or of its authorities, or concerning the delimitation "
    "of its frontiers or boundaries. This profile presents the information reported by the Government in its "
    "response to the Member States Questionnaire; the United Nations has not verified it."
)
# Translators: %(year)s is the year of the build.
COPYRIGHT = N_("© United Nations, %(year)s. All rights reserved worldwide.")

# Numbers under ten are written in words in running text (the ``count`` filter).
NUMBER_WORDS: tuple[str, ...] = (
    N_("zero"), N_("one"), N_("two"), N_("three"), N_("four"),
    N_("five"), N_("six"), N_("seven"), N_("eight"), N_("nine"),
)
# Translators: a rounded conversion after an amount, "(about $46.0 million)".
ABOUT = N_("about %(amount)s")

# Words of the figures made from the data (figures.py); translated where used.
CHART_WORDS: dict[str, str] = {
    "in_place": N_("In place"),
    "adopted": N_("Adopted"),
    "planned": N_("Planned"),
    "not_in_place": N_("Not in place"),
    "not_adopted": N_("Not adopted"),
    "not_stated": N_("Not stated"),
    "with_address": N_("Address given"),
    "without_address": N_("No address given"),
    "yes": N_("Yes"),
    "no": N_("No"),
    "legislation": N_("Legislation areas by status"),
    "principles": N_("Principles of the national e-government strategy"),
    "sectors": N_("Sectors with and without the address of a responsible ministry or agency"),
    "overview": N_("Legislation, strategy principles and sectoral agencies at a glance"),
    "bar_legislation": N_("Legislation areas"),
    "bar_principles": N_("Strategy principles"),
    "bar_sectors": N_("Sectoral agencies"),
}

# The columns of each status chart: (status kind, word).
CHART_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "legislation": (("positive", "in_place"), ("planned", "planned"), ("negative", "not_in_place"),
                    ("not_stated", "not_stated")),
    "principles": (("positive", "adopted"), ("planned", "planned"), ("negative", "not_adopted"),
                   ("not_stated", "not_stated")),
    "sectors": (("positive", "with_address"), ("negative", "without_address")),
    "overview": (("positive", "yes"), ("planned", "planned"), ("negative", "no"), ("not_stated", "not_stated")),
}


class Md(str):
    """Markdown made by this module or written in a template (trusted):
    ``finalize`` leaves it alone. Formatting an Md (``_("... %(x)s", x=...)``)
    escapes the values it takes in, so a translated sentence can hold answer
    text and citation calls side by side.

    Like ``Phrase``, an Md may carry its English ``source`` and a ``fallback``
    flag (it is that English, for want of a translation): see ``Sentence``."""

    source: Any = None
    fallback: bool = False
    marker: str | None = None  # "(in English)" in the profile's language, for a fallen-back sentence

    def __mod__(self, values: Any) -> Md:
        return Md(str.__mod__(self, _map_values(values, _escape_value)))


class Phrase(str):
    """Plain text in the profile's language that remembers its English
    ``source`` (a country name, a formatted amount, a questionnaire label),
    and whether it *is* that English for want of a translation (``fallback``).
    A sentence that takes in a fallen-back phrase falls back as a whole."""

    source: Any = None
    fallback: bool = False


def phrase(text: str, source: str, fallback: bool = False) -> Phrase:
    value = Phrase(text)
    value.source, value.fallback = source, fallback
    return value


def _md(text: str, source: Any = None, fallback: bool = False, marker: str | None = None) -> Md:
    value = Md(text)
    value.source, value.fallback, value.marker = source, fallback, marker
    return value


def source_of(value: Any) -> Any:
    """The English form of a value (itself when it has none)."""
    source = getattr(value, "source", None)
    return value if source is None else source


def is_fallback(value: Any) -> bool:
    return bool(getattr(value, "fallback", False))


def _map_values(values: Any, function: Callable[[Any], Any]) -> Any:
    if isinstance(values, dict):
        return {key: function(v) for key, v in values.items()}
    if isinstance(values, tuple):
        return tuple(function(v) for v in values)
    return function(values)


def _values(values: Any) -> list[Any]:
    if isinstance(values, dict):
        return list(values.values())
    return list(values) if isinstance(values, tuple) else [values]


class Sentence(Md):
    """A template sentence from the catalog (``_()``, ``{% trans %}``): the
    translation, or the English ``source`` when there is none. Formatted as a
    whole: if it or any value it takes in is English for want of a
    translation, the whole sentence is the English one with English values,
    so no sentence mixes languages; ``finalize`` then tags it as English and
    marks it "(in English)"."""

    def __mod__(self, values: Any) -> Md:
        english = str.__mod__(str(self.source), _map_values(values, lambda v: _escape_value(source_of(v))))
        if self.fallback or any(is_fallback(v) for v in _values(values)):
            return _md(english, english, fallback=True, marker=self.marker)
        return _md(str.__mod__(self, _map_values(values, _escape_value)), english)


def sentence(translated: str | None, english: str, marker: str | None) -> Sentence:
    value = Sentence(english if translated is None else translated)
    value.source, value.fallback, value.marker = english, translated is None, marker
    return value


def _escape_value(value: Any) -> Any:
    return value if isinstance(value, (int, float, Decimal)) else escape_md(value)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~^@&:\"'=$%])")


def escape_md(value: Any) -> Md:
    """Text as literal Markdown: every ASCII punctuation that could start
    markup is backslash-escaped (CommonMark allows escaping any of them) and
    line breaks become spaces so text cannot open a new block."""
    if isinstance(value, Md):
        return value
    raw = str(value)
    text = collapse_spaces(raw)
    if text and raw[0].isspace():
        text = " " + text
    if text and raw[-1].isspace() and raw.strip():
        text += " "
    return Md(_MD_SPECIAL.sub(r"\\\1", text))


# A sentence ends the text; a lead-in ending with ":" is followed by what it introduces.
_SENTENCE_END = re.compile(r"[.!?…][\W]*$")


def in_english(text: Md, marker: str | None, lang: str = SOURCE_LANG) -> Md:
    """English text in a profile of another language: tagged as English (so
    hyphenation follows it) and, when it is a sentence, marked "(in English)".
    Headings, labels and table cells are tagged, not marked. ``lang`` tags
    text in another language still (answers given in Spanish), for which the
    caller gives no marker."""
    tagged = in_language(text, lang)
    if marker and _SENTENCE_END.search(text):
        return Md(f"{tagged} _{escape_md(marker)}_")
    return tagged


def in_language(text: Md, lang: str) -> Md:
    """Markdown text tagged with its language: a ``model.Span`` once parsed,
    which the writers mark (lang) and isolate (dir) in the document."""
    return Md(f"[{text}]{{lang={lang}}}")


def _finalize(value: Any) -> Any:
    if value is None:
        raise TemplateError("a template printed None; test the answer with `answered` first")
    if is_fallback(value):  # shown in its English form (a joined list: with "and", not "e")
        return in_english(escape_md(source_of(value)), getattr(value, "marker", None))
    return value if isinstance(value, Md) else escape_md(value)


@dataclass(frozen=True)
class Options:
    templates: Path = TEMPLATES
    status: str = "draft"  # draft | final
    organisation: str = "United Nations Department of Economic and Social Affairs"
    edition: str | None = None  # None: the questionnaire's edition
    disclaimer: str | None = None  # the imprint's; None: DISCLAIMER, translated
    copyright: str | None = None  # None: COPYRIGHT, translated
    annex: bool = False
    internal: bool = False
    strict: bool = False
    limits: Limits = field(default_factory=Limits)  # template_seconds, template_chars

    @property
    def policy(self) -> Policy:
        return Policy.of(self.status, self.strict, self.internal)


@dataclass
class Result:
    document: m.Document
    warnings: list[str] = field(default_factory=list)
    # Seconds spent rendering templates ("narrative") and parsing + numbering
    # ("model"), for the benchmark.
    timings: dict[str, float] = field(default_factory=dict)


# --- what templates see -----------------------------------------------------


class SourceView:
    def __init__(self, id: str, url: str, title: str, locator: str, titled: bool = True):
        self.id, self.url, self.title, self.locator = id, url, title, locator
        self.titled = titled  # False: the answers give no title; ``title`` names the site

    @property
    def cite(self) -> Md:
        # The citation rule reads the call verbatim up to "]", so the locator
        # only needs its brackets removed, not Markdown escaping.
        locator = " ".join(self.locator.replace("[", "(").replace("]", ")").replace("|", "/").split())
        return Md(f"[@{self.id}, {locator}]" if locator else f"[@{self.id}]")

    @property
    def link(self) -> Md:
        return md_link(self.url, urls.domain(self.url))


def md_link(url: str, text: str) -> Md:
    """A Markdown link whose text is escaped and whose address cannot break out."""
    # "|" would end a table cell even inside the link's address.
    safe = url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20").replace("|", "%7C")
    return Md(f"[{escape_md(text)}](<{safe}>)")


@dataclass(frozen=True)
class MostCited:
    source: SourceView
    count: int


class AnswerView:
    """One item's answer as templates use it."""

    def __init__(self, profile: ProfileView, number: int):
        self._profile = profile
        self.number = number
        self._item = profile._catalog.item(number)
        self._answer: Answer | None = profile._responses.answer(number)

    @property
    def key(self) -> str:
        """The item's stable key, e.g. "ethical_ai_law"."""
        return self._item.key

    @property
    def label(self) -> str:
        return self._profile.localized(self._item.label)

    @property
    def answered(self) -> bool:
        return self._answer is not None

    @property
    def value(self) -> str | list[str] | None:
        return self._answer.value if self._answer else None

    @property
    def yes(self) -> bool:
        return self.value == "yes"

    @property
    def no(self) -> bool:
        return self.value == "no"

    @property
    def planned(self) -> bool:
        return self.value == "planned"

    @property
    def status(self) -> str:
        """One of the four states a profile keeps apart: yes (in place), no,
        planned, not_stated (a closed item with no option marked and nothing
        that decides it); an open item is answered or not_reported."""
        if self._item.kind in (Kind.YES_NO, Kind.YES_NO_OTHER):
            value = self.value
            return value if isinstance(value, str) and value in ("yes", "no", "planned", "other") else "not_stated"
        return "answered" if self.answered else "not_reported"

    @property
    def inferred(self) -> bool:
        """The value was read from the details given (the export marked no option)."""
        return bool(self._answer and self._answer.inferred is not None)

    @property
    def original(self) -> str:
        """The summary or text in the answer's own language, for comparisons
        in templates (printing it would skip translation)."""
        if not self._answer:
            return ""
        return self._answer.summary or self._answer.text or ""

    @property
    def value_text(self) -> Md:
        """A contact item's text: titles and organisations in the profile's
        language (they are in the responses catalog), names as given."""
        value = self.value
        if not isinstance(value, str):
            return Md("")
        if self._item.field not in TRANSLATED_FIELDS:
            return escape_md(value)
        return self._profile.free_text(value, context=f"Q{self.number} {self._item.field}")

    @property
    def option(self) -> str:
        """The label of the chosen option of a choice item."""
        value = self.value
        for option in self._item.options:
            if option.value == value:
                return self._profile.localized(option.label)
        return str(value or "")

    @property
    def kind(self) -> str:
        """yes_no, yes_no_other, single_choice, multiple_choice, text, links, contact, consent."""
        return self._item.kind.value

    @property
    def field(self) -> str:
        """For a contact item: name, title, organization or email."""
        return self._item.field or ""

    @property
    def chosen(self) -> list[str]:
        """The labels of the chosen options of a choice item."""
        values = self.value if isinstance(self.value, list) else [self.value]
        return [self._profile.localized(o.label) for o in self._item.options if o.value in values]

    @property
    def follow_ups(self) -> list[AnswerView]:
        return [self._profile._at(item.number) for item in self._profile._catalog.follow_ups(self.number)]

    @property
    def follow_up(self) -> AnswerView:
        """The "If yes, please provide link and detail" item of a yes/no item."""
        follow_ups = self._profile._catalog.follow_ups(self.number)
        if not follow_ups:
            raise TemplateError(f"Q{self.number} has no follow-up item")
        return self._profile._at(follow_ups[0].number)

    @property
    def instrument(self) -> Md:
        """The law, decree or plan a legal-framework answer names (translated), or ""."""
        instrument = self._answer.instrument if self._answer else None
        return self._profile.free_text(instrument or "", context=f"Q{self.number} instrument")

    @property
    def has_text(self) -> bool:
        return bool(self._answer and (self._answer.text or self._answer.summary))

    @property
    def text(self) -> Md:
        """The full free text, translated (for the annex)."""
        text = self._answer.text if self._answer else None
        return self._profile.free_text(text or "", context=f"Q{self.number} text")

    @property
    def summary(self) -> Md:
        """The short form for the body: the summary, else the first sentences
        of the (translated) text."""
        if not self._answer:
            return Md("")
        if self._answer.summary:
            return self._profile.free_text(self._answer.summary, context=f"Q{self.number} summary")
        return self._profile.free_text(self._answer.text or "", shorten=SUMMARY_CHARS, context=f"Q{self.number} text")

    @property
    def brief(self) -> Md:
        """The summary's first whole sentences up to about BRIEF_CHARS, for
        the concise body; never a sentence cut in two (a cut could drop the
        "is planned" that qualifies it). The annex has the full text."""
        if not self._answer:
            return Md("")
        field, text = ("summary", self._answer.summary) if self._answer.summary else ("text", self._answer.text)
        return self._profile.free_text(text or "", shorten=BRIEF_CHARS, context=f"Q{self.number} {field}", whole=True)

    @property
    def sources(self) -> list[SourceView]:
        if not self._answer:
            return []
        return [self._profile.source_view(ref.url, ref.locator or "") for ref in self._answer.sources]

    @property
    def cite(self) -> Md:
        """Citation calls for every source of the answer (and of its follow-up)."""
        views = list(self.sources)
        if self._item.kind in (Kind.YES_NO, Kind.YES_NO_OTHER):
            for item in self._profile._catalog.follow_ups(self.number):
                views.extend(self._profile._at(item.number).sources)
        return Md("".join(v.cite for v in views))

    @property
    def links(self) -> Md:
        return Md(", ".join(v.link for v in self.sources))

    @property
    def period(self) -> Any:
        return self._answer.period if self._answer else None

    @property
    def budget_basis(self) -> Md:
        """What the Government counts as its budget (``budget.basis``), translated, or ""."""
        basis = self._answer.budget.basis if self._answer and self._answer.budget else None
        return self._profile.free_text(basis or "", context=f"Q{self.number} budget basis")

    @property
    def budget(self) -> Any:
        return self._answer.budget if self._answer else None


class ProfileView:
    """The whole profile as templates use it: ``p.q(62).budget``, ``p.country``."""

    def __init__(self, responses: Responses, catalog: Questionnaire, locale: Locale,
                 registry: SourceRegistry, options: Options):
        # Private: the sandbox refuses "_" attributes, so templates cannot
        # reach the respondent, the file system (Path objects) or the options.
        self._responses = responses
        self._catalog = catalog
        self._locale = locale
        self._registry = registry
        self._options = options
        self.untranslated: set[str] = set()  # answer texts shown in English
        self.charts: dict[str, tuple[m.Chart, str]] = {}  # name -> (chart, alt text), placed by templates

    @property
    def country(self) -> Phrase:
        english = Locale(SOURCE_LANG, self._locale.locales_dir).territory(self._responses.country)
        return phrase(self._locale.territory(self._responses.country), english)

    @property
    def code(self) -> str:
        return self._responses.country

    @property
    def submitted(self) -> date | None:
        return self._responses.submitted

    @property
    def has_sources(self) -> bool:
        """Whether any answer gives an address (so the sources list can have entries)."""
        return len(self._registry) > 0

    @property
    def edition(self) -> str:
        """The survey edition: the settings' value, else the questionnaire's."""
        return self._options.edition or str(self._catalog.edition)

    @property
    def final(self) -> bool:
        return self._options.policy.final

    def with_locale(self, locale: Locale) -> ProfileView:
        """The same profile in another locale (a cover re-rendered in English)."""
        return ProfileView(self._responses, self._catalog, locale, self._registry, self._options)

    @property
    def organisation(self) -> str:
        """The publisher, translated when it is the default organisation."""
        default = self._options.organisation == LABELS["organisation"]
        return self._locale.gettext(LABELS["organisation"]) if default else self._options.organisation

    @property
    def built(self) -> date:
        """The date of this build: SOURCE_DATE_EPOCH, else today (for the imprint)."""
        return build_date()

    @property
    def disclaimer(self) -> str:
        """The imprint's disclaimer: the setting's text as written, else the UN wording translated."""
        return self._options.disclaimer or self._locale.gettext(DISCLAIMER)

    @property
    def copyright(self) -> str:
        """The imprint's copyright line: the setting's text, else "© United Nations, <year of the build>"."""
        if self._options.copyright:
            return self._options.copyright
        return self._locale.gettext(COPYRIGHT) % {"year": self.built.year}

    @property
    def values_inferred(self) -> bool:
        """Whether any Yes/No value was read from the details given (the export
        marked no option): the profile then says so once."""
        return any(a is not None and a.inferred is not None for a in self._responses.answers.values())

    def with_status(self, status: str, section_id: str | None = None) -> list[AnswerView]:
        """The closed items of a section (or of the whole questionnaire) in one
        status: yes, no, planned or not_stated."""
        closed = (Kind.YES_NO, Kind.YES_NO_OTHER)
        items = self._catalog.section_items(section_id) if section_id else self._catalog.items
        views = [self._at(item.number) for item in items if item.kind in closed]
        return [view for view in views if view.status == status]

    def localized(self, text: Localized) -> Phrase:
        """A questionnaire label in the profile's language: from the catalog
        when it has the language, else from ``locales/<lang>/.../questionnaire.po``
        (English, counted as untranslated, when missing)."""
        own = getattr(text, self._locale.lang, None)
        if isinstance(own, str):
            return phrase(own, text.en)
        found = self._locale.translate(text.en, QUESTIONNAIRE_DOMAIN)
        return phrase(found or text.en, text.en, fallback=found is None)

    def q(self, key: str) -> AnswerView:
        """An item's answer by its stable key (``p.q("ethical_ai_law")``), so
        that templates serve every edition of the questionnaire."""
        item = self._catalog.by_key(key) if isinstance(key, str) else None
        if item is None:
            nearest = self._catalog.nearest_keys(str(key))
            hint = f"; did you mean {' or '.join(repr(k) for k in nearest)}?" if nearest else ""
            raise TemplateError(f"template asks for item {key!r}, which {self._catalog.id} does not have{hint}")
        return AnswerView(self, item.number)

    def _at(self, number: int) -> AnswerView:
        return AnswerView(self, number)

    def group(self, group_id: str) -> list[AnswerView]:
        return [self._at(n) for n in self._catalog.group(group_id).items]

    def items(self, section_id: str) -> list[AnswerView]:
        return [self._at(item.number) for item in self._catalog.section_items(section_id)]

    def section_title(self, section_id: str) -> str:
        return self.localized(self._catalog.section(section_id).title)

    def source_view(self, url: str, locator: str) -> SourceView:
        from reportgen.citations import source_id

        return self._view(self._registry.get(source_id(url)), locator)

    def _view(self, source: Source, locator: str = "") -> SourceView:
        return SourceView(source.id, source.url, self.source_phrase(source), locator, source.title is not None)

    def chart(self, name: str, *groups: list[tuple[str, str]]) -> Md:
        """Place a figure made from the data, with its caption; one template line:

            {{ p.chart("legislation", d.legal_areas) }}     (C) areas by status
            {{ p.chart("principles", d.principles) }}       (D) principles adopted or not
            {{ p.chart("sectors") }}                        (A) sectoral agencies with an address
            {{ p.chart("overview", d.legal_areas, d.principles) }}   (at a glance) all three as bars

        ``groups`` are the template's (item, translated name) pairs; the chart's
        alt text lists every row by status, in the profile's language."""
        if name not in CHART_COLUMNS:
            raise TemplateError(f"unknown chart {name!r} (known: {', '.join(CHART_COLUMNS)})")
        words = {key: self._locale.gettext(text) for key, text in CHART_WORDS.items()}
        columns = [figures.Column(kind, words[word]) for kind, word in CHART_COLUMNS[name]]
        fonts = chart_fonts(self._options.templates)
        if name == "overview":
            bars = self._overview_bars(groups, words)
            canvas = figures.stacked_bars(bars, columns, fonts, self._locale.number)
            alt = _bars_alt(words[name], bars, columns, self._locale)
        else:
            rows = self._sector_rows(*groups) if name == "sectors" else self._status_rows(groups[0] if groups else [])
            canvas = figures.status_matrix(rows, columns, fonts)
            alt = _matrix_alt(words[name], rows, columns, self._locale)
        self.charts[name] = (figures.render(name, canvas, fonts, words[name], m.direction(self._locale.lang)), alt)
        return Md(f'\n\n{{.figure src="chart:{name}"}}\n{escape_md(words[name])}\n\n')

    def _status_rows(self, pairs: list[tuple[str, str]]) -> list[figures.Row]:
        return [figures.Row(_sentence_case(str(label)), STATUS_KIND.get(self.q(n).status, "not_stated"))
                for n, label in pairs]

    def _sector_rows(self, names: Sequence[object] | None = None) -> list[figures.Row]:
        """The sectoral agencies (group "ministries"), named by ``names`` in order when
        the template gives them; with an address when the answer gives one."""
        items = self.group("ministries")
        labels = [str(n) for n in names or []] + [q.label for q in items][len(names or []):]
        # "Other sectoral agencies" is not a sector: shown only when answered
        return [figures.Row(label, "positive" if q.sources else "negative")
                for label, q in zip(labels, items, strict=False) if q.answered or not q.key.startswith("other")]

    def _overview_bars(self, groups: tuple[list[tuple[str, str]], ...], words: dict[str, str]) -> list[figures.Bar]:
        names = ("bar_legislation", "bar_principles")
        bars = [figures.Bar(words[key], _count(self._status_rows(pairs))) for key, pairs in zip(names, groups,
                                                                                            strict=False)]
        # A sector without an address is not reported, not "no": the overview's key
        # keeps "No" for answers that say no.
        sectors = [figures.Row(r.label, "not_stated" if r.kind == "negative" else r.kind) for r in self._sector_rows()]
        bars.append(figures.Bar(words["bar_sectors"], _count(sectors)))
        return bars

    def most_cited(self, section_id: str) -> MostCited | None:
        """The source that most answers of a section give (e.g. the strategy
        document for section D), with how many answers give it."""
        numbers = {item.number for item in self._catalog.section_items(section_id)}
        best: tuple[int, Source] | None = None
        for source in self._registry.sources.values():
            count = sum(item in numbers for item in source.items)
            if count and (best is None or count > best[0]):
                best = (count, source)
        return MostCited(self._view(best[1]), best[0]) if best else None

    def free_text(self, text: str, shorten: int | None = None, context: str | None = None,
                  whole: bool = False) -> Md:
        """Answer text in the profile's language, escaped, optionally cut to its
        first sentences; English text in a non-English profile is marked
        visibly and counted. ``context`` is its msgctxt (``Q13 summary``)."""
        if not text:
            return Md("")
        translated, ok = self._locale.answer_text(text, context)
        if shorten:
            lang = self._locale.lang if ok else self.answers_lang
            translated = first_sentences(translated, shorten, whole=whole, lang=lang)
        if ok:
            return escape_md(translated)
        self.untranslated.add(text)
        marker = self._locale.gettext(LABELS["in_english"]) if self.answers_lang == SOURCE_LANG else None
        return in_english(escape_md(translated), marker, self.answers_lang)

    def source_title(self, source: Source) -> str:
        """A source's title in the profile's language; an untitled source is
        named after its site ("Web page of mitic.gov.py"), never by its bare address.
        A quoted title is as given (its entry carries the language: ``_entry_lang``)."""
        if self._quoted_lang(source) and source.title:
            return source.title
        if source.title:
            return self.plain_text(source.title)
        return self._locale.gettext(LABELS["untitled_source"]) % {"domain": urls.domain(source.url)}

    @property
    def answers_lang(self) -> str:
        """The language the Government answered in (``language:`` in the responses)."""
        return self._responses.language

    def _quoted_lang(self, source: Source) -> str | None:
        """The language of a source title quoted as the Government gave it (a
        Spanish law's name in English answers): never translated, always
        shown as given; None for a title in the answers' language."""
        return source.lang if source.title and source.lang and source.lang != self.answers_lang else None

    def source_phrase(self, source: Source) -> Phrase | Md:
        """A source's title for templates: in the profile's language, or the English
        one flagged as a fallback (a sentence that quotes it then falls back whole).
        A title quoted in another language is itself, tagged with that language
        unless it is the profile's (the same in the English form of a sentence)."""
        quoted = self._quoted_lang(source)
        if quoted and source.title:
            tagged = in_language(escape_md(source.title), quoted)
            if quoted == self._locale.lang:  # untagged here, tagged in an English fallback
                return phrase(source.title, tagged)
            return _md(tagged, tagged)
        if source.title:
            translated, ok = self._locale.answer_text(source.title, SOURCE_TITLE)
            if not ok:
                self.untranslated.add(source.title)
            return phrase(translated, source.title, fallback=not ok)
        values = {"domain": urls.domain(source.url)}
        found = self._locale.translate(LABELS["untitled_source"])
        return phrase((found or LABELS["untitled_source"]) % values, LABELS["untitled_source"] % values,
                      fallback=found is None)

    def _entry_lang(self, source: Source) -> str:
        """The language of a sources-list entry's title when it is not the
        profile's (model.SourceEntry.lang), else ""."""
        quoted = self._quoted_lang(source)
        return quoted if quoted and quoted != self._locale.lang else ""

    def plain_text(self, text: str) -> str:
        """Like ``free_text`` for places that take plain text (source titles)."""
        translated, ok = self._locale.answer_text(text, SOURCE_TITLE)
        if ok:
            return translated
        self.untranslated.add(text)
        return f"{translated} {self._locale.gettext(LABELS['in_english'])}"


def first_sentences(text: str, limit: int, whole: bool = False, lang: str = SOURCE_LANG) -> str:
    """The first prose paragraph's sentences that fit in ``limit`` characters
    (at least one sentence; a single over-long sentence is cut at a word with
    "…"). Headings, titles and source labels ("Presidential decree N° 8942",
    "3.1.2. MAIN ACTORS") are never run into the sentences. A text of one
    short line is its own summary (a name, a title, "2022-2030"); several
    heading lines and nothing else give none rather than a made-up sentence.
    ``lang`` is the text's language: how its sentences end and join (Chinese:
    at 。 with no space; a long sentence is cut at a character, not a word)."""
    paragraphs = prose_paragraphs(text)
    if not paragraphs:
        lines = [line for line in text.splitlines() if line.strip()]
        return collapse_spaces(lines[0]) if len(lines) == 1 and len(lines[0]) <= limit else ""
    out = ""
    for sentence in sentences(paragraphs[0], lang):
        if out and len(out) + 1 + len(sentence) > limit:
            break
        out = join_sentences([out, sentence], lang).strip() if out else sentence
    if len(out) > limit * 1.5 and not whole:
        cut = out[: limit] if joins_without_space(lang) else out[: limit].rsplit(" ", 1)[0]
        out = cut.rstrip(",;:，；：、،؛") + "…"
    return out


# An item's status (AnswerView.status) -> the chart's status kind.
STATUS_KIND = {"yes": "positive", "planned": "planned", "no": "negative"}


@cache
def chart_fonts(templates: Path) -> figures.Fonts:
    """The bundled fonts the charts are drawn and measured with."""
    return figures.Fonts(templates / "fonts" / "NotoSans-Regular.ttf", templates / "fonts" / "NotoSans-Bold.ttf")


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def _count(rows: list[figures.Row]) -> dict[str, int]:
    return {kind: sum(r.kind == kind for r in rows) for kind in figures.KINDS}


def _matrix_alt(title: str, rows: list[figures.Row], columns: list[figures.Column], locale: Locale) -> str:
    """ "Legislation areas by status. In place (7): Access to information, ...; Planned (1): ..." """
    parts = []
    for column in columns:
        names = [r.label for r in rows if r.kind == column.kind]
        if names:
            parts.append(f"{column.label} ({locale.number(len(names))}): {locale.list(names)}")
    return f"{title}. " + "; ".join(parts) + "."


def _bars_alt(title: str, bars: list[figures.Bar], columns: list[figures.Column], locale: Locale) -> str:
    """ "... at a glance. Legislation areas: Yes 7, Planned 1, No 2, Not stated 1; ..." """
    parts = []
    for bar in bars:
        counts = [f"{c.label} {locale.number(bar.counts.get(c.kind, 0))}" for c in columns if bar.counts.get(c.kind)]
        parts.append(f"{bar.label}: " + ", ".join(counts))
    return f"{title}. " + "; ".join(parts) + "."


# "p. 31", "pp. 32, 95" as the answers give page locators (in English).
_PAGES = re.compile(r"^(pp?)\.\s*(\d[\d\s,–-]*)$")


def page_locator(locator: str, locale: Locale) -> str:
    """A page locator in the document's language: "p. 31" stays in English,
    "pág. 31" in Spanish, "第31页" in Chinese; any other locator as given."""
    found = _PAGES.match(locator.strip())
    if not found or locale.lang == SOURCE_LANG:
        return keep_locator(locator)
    numbers = [n.strip() for n in found.group(2).split(",") if n.strip()]
    if found.group(1) == "pp":
        # Translators: page numbers of a source in a reference: "[19, pp. 32, 95]"
        template = locale.pgettext("page locator", "pp. %(pages)s")
    else:
        # Translators: a page number of a source in a reference: "[19, p. 31]"
        template = locale.pgettext("page locator", "p. %(pages)s")
    return keep_locator(template % {"pages": housestyle.enumeration_comma(locale.lang).join(numbers)})


# --- the environment --------------------------------------------------------


def make_environment(templates: Path, locale: Locale, limits: Limits | None = None) -> SandboxedEnvironment:
    """The sandbox templates render in: it loads only files really under
    templates/ and renders within ``limits`` (see ``templating``)."""
    env = templating.LimitedSandbox(
        limits=limits or Limits(),
        loader=templating.ConfinedLoader(templates / "sections", templates),
        bytecode_cache=templating.compiled_templates(locale.lang),
        undefined=templatecheck.AuthorUndefined,
        extensions=["jinja2.ext.i18n"],
        finalize=_finalize,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.policies["ext.i18n.trimmed"] = True
    marker = locale.gettext(LABELS["in_english"]) if locale.lang != SOURCE_LANG else None

    def plural(singular: str, plural_: str, n: int, context: str | None = None) -> Sentence:
        english = singular if n == 1 else plural_
        found = locale.translate_plural(singular, plural_, n, context)
        return sentence(found, english, marker)

    # Template sentences (and their translations) are Markdown like the rest of
    # the template; the values formatted into them are escaped by Sentence.__mod__.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: sentence(locale.translate(message), message, marker),
        plural,
        newstyle=True,
        pgettext=lambda context, message: sentence(locale.translate(message, context=context), message, marker),
        npgettext=lambda context, singular, plural_, n: plural(singular, plural_, n, context),
    )
    env.filters.update(_filters(locale))
    return env


# What each filter does, for docs/templates.md (a test keeps it in step with ``_filters``).
FILTER_HELP = {
    "money": '`b.dedicated.amount|money(b.dedicated.currency)`: "PYG 326,688,810,687" in the locale\'s order',
    "compact": '`usd|compact`: a rounded reading, "46 million"',
    "currency_name": '`"USD"|currency_name`: "US dollars" (`count` chooses the plural)',
    "percent": '`share|percent`: "0.31%" from 0.31 (`digits`, default 2)',
    "number": '`n|number`: "1,234" in the locale\'s digits (`digits` for decimals)',
    "date": '`p.submitted|date`: "28 November 2024"',
    "join_list": '`names|join_list`: "a, b and c" in the language (`style="or"` for "or")',
    "commas": '`names|commas`: "a, b, c"',
    "lower": "lower case (Jinja's, keeping the English form for a sentence that falls back)",
    "lower_first": '`label|lower_first`: a label inside a sentence, "ethical use of AI" (acronyms and names kept)',
    "md": "escape a string for Markdown (values are escaped anyway; for building Md by hand)",
    "link": '`url|link` or `url|link("text")`: a safe link, by site name unless text is given',
    # UN house style for running text (housestyle.py)
    "percent_text": '`share|percent_text`: "0.31 per cent" in English, "0,31 %" in Spanish (tables keep `percent`)',
    "amount": '`amount|amount("PYG", usd)`: "PYG 326.7 billion (about $46.0 million)", "326.688 millones de '
              'guaraníes (unos 46,0 millones de dólares de los Estados Unidos)"',
    "count": '`n|count`: numbers under ten in words in running text ("seven", "siete"), else figures',
    "item": '`7|item`: an item number in the profile\'s language, "Q7", "P7"',
}


def _filters(locale: Locale) -> dict[str, Callable[..., Any]]:
    """The filters templates may use. Never hand-format numbers, dates or lists.
    Every filter gives its result in the profile's language and remembers the
    English one, for a sentence that falls back as a whole.

    Formatting (Babel, the profile's language):
      money(currency)      "PYG 326,688,810,687" — the exact amount, for tables
      compact              "46 million"
      currency_name(count) "US dollars", "dólares estadounidenses" (CLDR)
      percent(digits=2)    "0.31%", "0,31 %" — for tables and figures
      number(digits)       "1,250", "1250"
      date                 "28 November 2026", "28 de noviembre de 2026", "2026年11月28日",
                           "28 تشرين الثاني/نوفمبر 2026" (UN Arabic months, Western digits)
      join_list(style)     "a, b and c", "a, b y c", "a、b和c" (Babel's list patterns)
      commas               "a, b, c"; "a、b、c" in Chinese, "a، b" in Arabic
    UN house style for running text (housestyle.py):
      percent_text(digits=2)   "0.31 per cent" (English), "0,31 %" (Spanish, French: no-break space),
                               "0,31 процента" (Russian), "0.31 في المائة" (Arabic), "0.31%" (Chinese)
      amount(currency, usd)    "PYG 326.7 billion (about $46.0 million)",
                               "326.688 millones de guaraníes (unos 46,0 millones de dólares de los
                               Estados Unidos)"; ``usd`` optional
      count                    numbers under ten in words ("seven", "siete"), else figures
      item                     an item number in the profile's language: "Q7", "P7"
    Text:
      md       escape for Markdown;   link(text)  a link showing the domain or ``text``
    """
    english = locale if locale.lang == SOURCE_LANG else Locale(SOURCE_LANG, locale.locales_dir)

    def as_decimal(value: Any) -> Decimal:
        return value if isinstance(value, Decimal) else Decimal(str(value))

    def house(loc: Locale) -> dict[str, Callable[..., str]]:
        """The house-style helpers in one language (housestyle.py)."""
        def number(value: Any, digits: int | None = None) -> str:
            return loc.number(as_decimal(value), digits)

        def amount(value: Any, currency: str, usd: Any = None) -> str:
            dollars = None if usd is None else as_decimal(usd)
            return housestyle.amount_with_dollars(as_decimal(value), currency, dollars, loc.lang, number,
                                                  lambda code: loc.currency_name(code, 2), loc.gettext(ABOUT),
                                                  lambda value, code: loc.money(value, code, whole=True))

        words = [loc.gettext(word) for word in NUMBER_WORDS]
        return {
            "percent_text": lambda value, digits=2: housestyle.percent_text(
                as_decimal(value) / 100, loc.lang, loc.percent, digits),
            "amount": amount,
            "count": lambda value: housestyle.count_text(value, words, number),
            "item": lambda value: f"{loc.gettext(LABELS['item_prefix'])}{int(value)}",
        }

    here, there = house(locale), house(english)

    def styled(name: str) -> Callable[..., Phrase]:
        return lambda *args: phrase(here[name](*args), there[name](*args))

    def both(method: str, *args: Any) -> Phrase:
        return phrase(getattr(locale, method)(*args), getattr(english, method)(*args))

    def join(items: Any, style: str = "standard") -> Md:
        items = list(items)
        pattern = list_style(style)
        return _md(locale.list([escape_md(i) for i in items], pattern),
                   Md(english.list([escape_md(source_of(i)) for i in items], pattern)),
                   fallback=any(is_fallback(i) for i in items))

    def commas(items: Any) -> Md:
        items = list(items)
        comma = housestyle.enumeration_comma(locale.lang)
        return _md(comma.join(escape_md(i) for i in items), Md(", ".join(escape_md(source_of(i)) for i in items)),
                   fallback=any(is_fallback(i) for i in items))

    def lower(value: Any) -> Any:
        result = phrase(str(value).lower(), str(source_of(value)).lower(), is_fallback(value))
        return Md(result) if isinstance(value, Md) else result

    return {
        "money": lambda amount, currency: both("money", as_decimal(amount), currency),
        "compact": lambda value: both("compact", as_decimal(value)),
        "currency_name": lambda code, count=2: both("currency_name", code, count),
        "percent": lambda value, digits=2: both("percent", as_decimal(value) / 100, digits),
        "number": lambda value, digits=None: both("number", as_decimal(value), digits),
        "date": lambda value: both("date", value),
        "join_list": join,
        "commas": commas,
        "lower": lower,
        "percent_text": styled("percent_text"),
        "amount": styled("amount"),
        "count": styled("count"),
        "item": styled("item"),
        "md": escape_md,
        "lower_first": lambda value: _keep_source(value, _lower_first),
        "link": lambda url, text=None: md_link(url, text or urls.domain(url)),
    }


def _keep_source(value: Any, function: Callable[[str], str]) -> Any:
    """``function`` applied to a value and to its English form alike (fallback kept)."""
    result = phrase(function(str(value)), function(str(source_of(value))), is_fallback(value))
    return Md(result) if isinstance(value, Md) else result


def _lower_first(text: str) -> str:
    """A label inside a sentence: "Ethical use of AI" -> "ethical use of AI";
    a leading acronym ("CIO", "IoT") keeps its capitals."""
    words = str(text).split()
    if not words:
        return str(text)
    first, rest = words[0], words[1:]
    acronym = len(first) > 1 and any(c.isupper() for c in first[1:])
    # "Sustainable Development Goals", "Internet of Things": a name, not a phrase.
    name = any(w[:1].isupper() and w[1:2].islower() for w in rest)
    if acronym or name:
        return str(text)
    return first[:1].lower() + str(text)[1:]


# --- the profile ------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    id: str
    kind: str
    template: str | None = None
    only_with_annex: bool = False


def read_parts(templates: Path) -> list[Part]:
    """The profile's parts in order, from ``templates/sections/profile.yaml``."""
    data = yaml.safe_load((templates / "sections" / "profile.yaml").read_text(encoding="utf-8"))
    return [Part(**entry) for entry in data["parts"]]


def build_document(responses: Responses, catalog: Questionnaire, locale: Locale,
                   options: Options = Options()) -> Result:
    """Narrate, parse and number one profile in one language."""
    options.policy.require_consent(responses.country, responses.consents)
    registry = SourceRegistry(responses)
    profile = ProfileView(responses, catalog, locale, registry, options)
    env = make_environment(options.templates, locale, options.limits)
    check_static(env, options.templates)
    start = time.perf_counter()
    parts = [part for part in read_parts(options.templates) if options.annex or not part.only_with_annex]
    texts = _render_parts(env, parts, profile, options.limits)
    english_parts = _english_units(parts, texts, locale, options, profile)
    narrated = time.perf_counter()
    labels, labels_in_english = fixed_labels(locale)
    sections = [_to_section(part, text, labels, SOURCE_LANG if part.id in english_parts else None)
                for part, text in zip(parts, texts, strict=True)]
    _place_charts(sections, profile.charts)
    meta_locale = Locale(SOURCE_LANG, locale.locales_dir) if labels_in_english else locale
    # Every source that may be cited, in the answers' order; the transforms
    # number them, make the markers, fill the lists and set the house style.
    sources = [source_entry(source, responses.submitted, profile.source_title(source), profile._entry_lang(source))
               for source in registry.sources.values()]
    document = m.Document(_meta(responses, locale, meta_locale, labels, options, profile.edition), sections, sources)
    transforms.apply(document, transforms.Context(pages=lambda locator: page_locator(locator, locale)))
    timings = {"narrative": narrated - start, "model": time.perf_counter() - narrated}
    return Result(document, _warnings(profile, locale, options), timings)


# Parts that are one unit of language: if any of their words is untranslated, the
# whole part is shown in English (a cover never mixes an English title with a
# translated country name).
UNIT_KINDS = ("cover",)


def _english_units(parts: list[Part], texts: list[str | None], locale: Locale, options: Options,
                   profile: ProfileView) -> set[str]:
    """Re-render in English the unit parts (the cover) that have an untranslated
    template word; returns their ids (their blocks are tagged English)."""
    if locale.lang == SOURCE_LANG:
        return set()
    english: set[str] = set()
    for index, part in enumerate(parts):
        if part.kind not in UNIT_KINDS or part.template is None:
            continue
        probe = Locale(locale.lang, locale.locales_dir, country=locale.country)
        _render_part(make_environment(options.templates, probe, options.limits), part, profile.with_locale(probe),
                     options.limits)
        if not any(miss.domain in ("messages", QUESTIONNAIRE_DOMAIN) for miss in probe.missing):
            continue
        source = Locale(SOURCE_LANG, locale.locales_dir, country=locale.country)
        texts[index] = _render_part(make_environment(options.templates, source, options.limits), part,
                                    profile.with_locale(source), options.limits)
        english.add(part.id)
    return english


def fixed_labels(locale: Locale) -> tuple[dict[str, str], bool]:
    """The fixed words (``LABELS``) in the profile's language, as a unit: if any
    is untranslated they are all English ("Page 3 of 9", never "Página 3 of 9"),
    and the flag says so."""
    found = {key: locale.translate(value) for key, value in LABELS.items()}
    if all(value is not None for value in found.values()):
        return _with_page_parts({key: str(value) for key, value in found.items()}), False
    return _with_page_parts(dict(LABELS)), locale.lang != SOURCE_LANG


_PAGE_OF = re.compile(r"^(?P<page>.*)%\(page\)s(?P<of>.*)%\(pages\)s(?P<end>.*)$", re.DOTALL)


def _with_page_parts(labels: dict[str, str]) -> dict[str, str]:
    """The footer pattern cut around its two numbers, for writers that put a
    page counter or field between words: "Page ", " of ", "" in English,
    "第", "页，共", "页" in Chinese (a catalog check keeps both placeholders)."""
    found = _PAGE_OF.match(labels["page_of"]) or _PAGE_OF.match(LABELS["page_of"])
    assert found is not None
    return {**labels, "page": found["page"], "of": found["of"], "page_end": found["end"]}


def _render_parts(env: SandboxedEnvironment, parts: list[Part], profile: ProfileView,
                  limits: Limits) -> list[str | None]:
    """Every part's Markdown; the problems of all parts at once if any fails
    (a limit exceeded stops at once: its message names the template)."""
    texts: list[str | None] = []
    problems: list[Problem] = []
    for part in parts:
        try:
            texts.append(_render_part(env, part, profile, limits))
        except TemplateError as exc:
            if not exc.problems:
                raise
            problems.extend(exc.problems)
    if problems:
        raise TemplateError("\n".join(str(p) for p in problems), problems)
    return texts


def _render_part(env: SandboxedEnvironment, part: Part, profile: ProfileView, limits: Limits) -> str | None:
    """The part's Markdown, or None for a part without a template (contents).
    Any failure becomes a TemplateError at the template line that caused it."""
    if part.template is None:
        return None
    templates = profile._options.templates
    limits = env.limits if isinstance(env, templating.LimitedSandbox) else Limits()
    try:
        return templating.render(env.get_template(part.template), {"p": profile, "labels": LABELS}, limits)
    except templating.LimitExceeded as exc:
        problem = templatecheck.located(exc, templates, part.template, str(exc))
    except (RecursionError, MemoryError) as exc:
        problem = Problem(templatecheck.display_path(templates, part.template), 1,
                          f"{type(exc).__name__} (a template that includes or calls itself, or builds a huge value)")
    except jinja2.TemplateSyntaxError as exc:
        name = exc.name or part.template
        problem = Problem(templatecheck.display_path(templates, name), exc.lineno or 1,
                          templatecheck._syntax_message(exc))
    except jinja2.UndefinedError as exc:
        problem = templatecheck.located(exc, templates, part.template, exc.message or "undefined")
    except jinja2.exceptions.SecurityError as exc:
        problem = templatecheck.located(exc, templates, part.template, f"refused by the sandbox: {exc}")
    except (jinja2.TemplateError, ReportgenError) as exc:
        problem = templatecheck.located(exc, templates, part.template, str(exc))
    except (TypeError, ValueError, KeyError, AttributeError, ArithmeticError) as exc:
        # Typically a translation whose %-placeholders do not match the template's,
        # or a filter given the wrong kind of value.
        problem = templatecheck.located(
            exc, templates, part.template,
            f"{type(exc).__name__}: {exc} (check the values given to filters, and the placeholders "
            "of its translations with `reportgen i18n check`)")
    raise TemplateError(str(problem), [problem])


def check_static(env: SandboxedEnvironment, templates: Path) -> None:
    """Refuse templates with syntax or block-attribute problems, listing every one."""
    problems = templatecheck.static_problems(env, templates)
    if problems:
        raise TemplateError("\n".join(str(p) for p in problems), problems)


def _to_section(part: Part, text: str | None, labels: dict[str, str], lang: str | None = None) -> m.Section:
    """The part's blocks; ``lang`` tags all their text (a unit shown in English)."""
    if text is None:
        return m.Section(part.id, part.kind, [m.Contents(labels["contents"])])
    blocks = markup.parse(text)
    if lang:
        for block in blocks:
            _tag(block, lang)
    return m.Section(part.id, part.kind, blocks)


def _place_charts(sections: list[m.Section], charts: dict[str, tuple[m.Chart, str]]) -> None:
    """Give each ``chart:NAME`` figure its drawing and alt text."""
    for section in sections:
        for block in section.blocks:
            if isinstance(block, m.Figure) and block.src.startswith("chart:"):
                name = block.src.removeprefix("chart:")
                if name not in charts:
                    raise TemplateError(f"figure {block.src!r} was not made with p.chart({name!r})")
                block.chart, block.alt = charts[name]


def _tag(block: m.Block, lang: str) -> None:
    """Wrap every inline run of a block in a span of ``lang``."""
    if isinstance(block, (m.Heading, m.Paragraph, m.Figure)):
        attr = "caption" if isinstance(block, m.Figure) else "children"
        setattr(block, attr, [m.Span(lang, getattr(block, attr))])
    elif isinstance(block, m.Table):
        block.caption = [m.Span(lang, block.caption)] if block.caption else []
    for inner in m.child_blocks(block):  # list items, quotes and table cells
        _tag(inner, lang)


def _meta(responses: Responses, locale: Locale, words: Locale, labels: dict[str, str], options: Options,
          edition: str) -> m.Meta:
    """The document's metadata; ``words`` names the country in the language of
    the fixed labels (English when they fell back), ``locale`` is the document's."""
    title = labels["title"]
    country = words.territory(responses.country)
    return m.Meta(
        title=title,
        country=country,
        country_code=responses.country,
        lang=locale.lang,
        subject=f"{title}: {country}",
        # The default organisation is one of the fixed words, so it is translated.
        author=labels["organisation"] if options.organisation == LABELS["organisation"] else options.organisation,
        keywords=[country, labels["keyword_egov"], labels["keyword_survey"], edition],
        edition=edition,
        status=labels[options.policy.status],
        date=document_date(responses),
        internal=options.internal,
        internal_label=labels["not_for_publication"],
        labels=labels,
    )


def document_date(responses: Responses) -> date:
    """The answers' date, else SOURCE_DATE_EPOCH, else today (not reproducible)."""
    return responses.submitted or build_date()


def build_date() -> date:
    """SOURCE_DATE_EPOCH's date, else today (not reproducible)."""
    epoch = source_date_epoch()
    if epoch is not None:
        return datetime.fromtimestamp(epoch, UTC).date()
    return datetime.now(UTC).date()


def _warnings(profile: ProfileView, locale: Locale, options: Options) -> list[str]:
    """A summary per kind, then one warning per missing string at its catalog entry."""
    warnings: list[str] = []
    template_missing = {(miss.msgid, miss.context) for miss in locale.missing
                        if miss.domain in ("messages", QUESTIONNAIRE_DOMAIN)}
    if template_missing:
        warnings.append(f"{locale.lang}: {len(template_missing)} template strings untranslated "
                        "(shown in English, whole sentences)")
    if profile.untranslated:
        warnings.append(f"{locale.lang}: {len(profile.untranslated)} answer texts untranslated in "
                        f"responses-{profile.code}.po (shown in English, marked)")
    options.policy.refuse_warnings(warnings)
    seen = dict.fromkeys((miss.domain, miss.msgid, miss.context) for miss in locale.missing)
    for domain, msgid, context in seen:
        where = locale.where(domain, msgid, context)
        warnings.append(f"{where}: {locale.lang}: untranslated, shown in English: {_quote(msgid)}")
    return warnings


def _quote(text: str, limit: int = 80) -> str:
    """Text for a one-line message: whole words, "…" when cut."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + "…"
    return repr(text)
