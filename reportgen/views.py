"""What templates see: the profile, its answers and sources as read-only
views (``ProfileView``, ``AnswerView``, ``SourceView``). docs/templates.md
documents this API (``reportgen dev template-docs`` regenerates it)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen import figures, housestyle, urls
from reportgen import model as m
from reportgen.citations import Source, SourceRegistry, keep_locator
from reportgen.errors import TemplateError
from reportgen.escaping import Md, Phrase, escape_md, in_english, in_language, make_md, phrase
from reportgen.i18n import SOURCE_LANG, Locale
from reportgen.labels import (
    CHART_COLUMNS,
    CHART_WORDS,
    COPYRIGHT,
    DISCLAIMER,
    LABELS,
    QUESTIONNAIRE_DOMAIN,
    SOURCE_TITLE,
    TRANSLATED_FIELDS,
)
from reportgen.prose import collapse_spaces, join_sentences, joins_without_space, prose_paragraphs, sentences
from reportgen.questionnaire import Kind, Localized, Questionnaire
from reportgen.responses import SUMMARY_CHARS, Answer, Responses

if TYPE_CHECKING:
    from reportgen.narrative import NarrativeConfig

BRIEF_CHARS = 220  # the concise body shows an answer's first whole sentences up to about this


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
                 registry: SourceRegistry, options: NarrativeConfig):
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
        return build_date(self._options.source_date_epoch)

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
            return make_md(tagged, tagged)
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




def document_date(responses: Responses, epoch: int | None) -> date:
    """The answers' date, else the build date (SOURCE_DATE_EPOCH), else today (not reproducible)."""
    return responses.submitted or build_date(epoch)


def build_date(epoch: int | None) -> date:
    """The build date (SOURCE_DATE_EPOCH, resolved once in the configuration), else today (not reproducible)."""
    if epoch is not None:
        return datetime.fromtimestamp(epoch, UTC).date()
    return datetime.now(UTC).date()
