"""Narrate one country's answers in one language into the document model.

Templates (``templates/sections/*.md.j2``) are Markdown + Jinja2, rendered in a
sandbox with StrictUndefined. Everything a template interpolates is escaped for
Markdown by ``finalize`` unless it is ``Md`` (markup this module made itself,
such as citation calls), so answer text can never become markup. The Markdown
is parsed into model blocks (``markup.py``), citations are numbered once
(``citations.py``), and the result goes to the writers.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
import yaml
from jinja2.sandbox import SandboxedEnvironment

from reportgen import markup, templating, urls
from reportgen import model as m
from reportgen.citations import Source, SourceRegistry, number_citations
from reportgen.errors import PublicationError, TemplateError
from reportgen.i18n import Locale
from reportgen.limits import Limits
from reportgen.prose import prose_paragraphs, sentences
from reportgen.questionnaire import Kind, Localized, Questionnaire
from reportgen.responses import SUMMARY_CHARS, Answer, Responses
from reportgen.settings import source_date_epoch
from reportgen.writers import TEMPLATES

BRIEF_CHARS = 280  # the concise body shows an answer's first whole sentences up to about this

TRANSLATED_FIELDS = ("title", "organization")  # contact fields offered to translators
QUESTIONNAIRE_DOMAIN = "questionnaire"  # labels for languages the questionnaire YAML lacks


def N_(message: str) -> str:
    """Mark a fixed word for extraction; it is translated where it is used."""
    return message


# Fixed words the writers need (pandoc's closed list of translated terms).
LABELS: dict[str, str] = {
    "title": N_("E-Government Country Profile"),
    "contents": N_("Contents"),
    "page": N_("Page"),
    "of": N_("of"),
    "source": N_("Source"),
    "sources": N_("Sources"),
    "further_sources": N_("Further sources"),
    "accessed": N_("response of"),
    "organisation": N_("United Nations Department of Economic and Social Affairs"),
    "items": N_("Items"),
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


class Md(str):
    """Markdown made by this module or written in a template (trusted):
    ``finalize`` leaves it alone. Formatting an Md (``_("... %(x)s", x=...)``)
    escapes the values it takes in, so a translated sentence can hold answer
    text and citation calls side by side."""

    def __mod__(self, values: Any) -> Md:
        if isinstance(values, dict):
            return Md(str.__mod__(self, {key: _escape_value(v) for key, v in values.items()}))
        if isinstance(values, tuple):
            return Md(str.__mod__(self, tuple(_escape_value(v) for v in values)))
        return Md(str.__mod__(self, _escape_value(values)))


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
    text = " ".join(raw.split())
    if text and raw[0].isspace():
        text = " " + text
    if text and raw[-1].isspace() and raw.strip():
        text += " "
    return Md(_MD_SPECIAL.sub(r"\\\1", text))


def _finalize(value: Any) -> Any:
    if value is None:
        raise TemplateError("a template printed None; test the answer with `answered` first")
    return value if isinstance(value, Md) else escape_md(value)


@dataclass(frozen=True)
class Options:
    templates: Path = TEMPLATES
    status: str = "draft"  # draft | final
    organisation: str = "United Nations Department of Economic and Social Affairs"
    edition: str | None = None  # None: the questionnaire's edition
    annex: bool = False
    internal: bool = False
    strict: bool = False
    limits: Limits = field(default_factory=Limits)


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
            return self.value if self.value in ("yes", "no", "planned", "other") else "not_stated"
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
        return self._profile.free_text(value) if self._item.field in TRANSLATED_FIELDS else escape_md(value)

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
        return self._profile.free_text(self._answer.instrument or "") if self._answer else Md("")

    @property
    def has_text(self) -> bool:
        return bool(self._answer and (self._answer.text or self._answer.summary))

    @property
    def text(self) -> Md:
        """The full free text, translated (for the annex)."""
        return self._profile.free_text(self._answer.text if self._answer else "")

    @property
    def summary(self) -> Md:
        """The short form for the body: the summary, else the first sentences
        of the (translated) text."""
        if not self._answer:
            return Md("")
        if self._answer.summary:
            return self._profile.free_text(self._answer.summary)
        return self._profile.free_text(self._answer.text or "", shorten=SUMMARY_CHARS)

    @property
    def brief(self) -> Md:
        """The summary's first whole sentences up to about BRIEF_CHARS, for
        the concise body; never a sentence cut in two (a cut could drop the
        "is planned" that qualifies it). The annex has the full text."""
        if not self._answer:
            return Md("")
        if self._answer.summary:
            return self._profile.free_text(self._answer.summary, shorten=BRIEF_CHARS, whole=True)
        return self._profile.free_text(self._answer.text or "", shorten=BRIEF_CHARS, whole=True)

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

    @property
    def country(self) -> str:
        return self._locale.territory(self._responses.country)

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
        return self._options.status == "final"

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

    def localized(self, text: Localized) -> str:
        """A questionnaire label in the profile's language: from the catalog
        when it has the language, else from ``locales/<lang>/.../questionnaire.po``
        (English, counted as untranslated, when missing)."""
        own = getattr(text, self._locale.lang, None)
        if isinstance(own, str):
            return own
        return self._locale.translate(text.en, QUESTIONNAIRE_DOMAIN) or text.en

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
        return SourceView(source.id, source.url, self.source_title(source), locator, source.title is not None)

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

    def free_text(self, text: str, shorten: int | None = None, whole: bool = False) -> Md:
        """Answer text in the profile's language, escaped, optionally cut to its
        first sentences; English text in a non-English profile is marked
        visibly and counted."""
        if not text:
            return Md("")
        translated, ok = self._locale.answer_text(text)
        if shorten:
            translated = first_sentences(translated, shorten, whole=whole)
        if ok:
            return escape_md(translated)
        self.untranslated.add(text)
        marker = self._locale.gettext(LABELS["in_english"])
        return Md(f"{escape_md(translated)} _{escape_md(marker)}_")

    def source_title(self, source: Source) -> str:
        """A source's title in the profile's language; an untitled source is
        named after its site ("Web page of mitic.gov.py"), never by its bare address."""
        if source.title:
            return self.plain_text(source.title)
        return self._locale.gettext(LABELS["untitled_source"]) % {"domain": urls.domain(source.url)}

    def plain_text(self, text: str) -> str:
        """Like ``free_text`` for places that take plain text (source titles)."""
        translated, ok = self._locale.answer_text(text)
        if ok:
            return translated
        self.untranslated.add(text)
        return f"{translated} {self._locale.gettext(LABELS['in_english'])}"


def first_sentences(text: str, limit: int, whole: bool = False) -> str:
    """The first prose paragraph's sentences that fit in ``limit`` characters
    (at least one sentence; a single over-long sentence is cut at a word with
    "…"). Headings, titles and source labels ("Presidential decree N° 8942",
    "3.1.2. MAIN ACTORS") are never run into the sentences. A text of one
    short line is its own summary (a name, a title, "2022-2030"); several
    heading lines and nothing else give none rather than a made-up sentence."""
    paragraphs = prose_paragraphs(text)
    if not paragraphs:
        lines = [line for line in text.splitlines() if line.strip()]
        return " ".join(lines[0].split()) if len(lines) == 1 and len(lines[0]) <= limit else ""
    out = ""
    for sentence in sentences(paragraphs[0]):
        if out and len(out) + 1 + len(sentence) > limit:
            break
        out = f"{out} {sentence}".strip()
    if len(out) > limit * 1.5 and not whole:
        out = out[: limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return out


# --- the environment --------------------------------------------------------


def make_environment(templates: Path, locale: Locale, limits: Limits | None = None) -> SandboxedEnvironment:
    env = templating.LimitedSandbox(
        max_chars=(limits or Limits()).template_chars,
        loader=templating.ConfinedLoader(templates / "sections", templates),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        finalize=_finalize,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.policies["ext.i18n.trimmed"] = True
    # Template sentences (and their translations) are Markdown like the rest of
    # the template; the values formatted into them are escaped by Md.__mod__.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: Md(locale.gettext(message)),
        lambda singular, plural, n: Md(locale.ngettext(singular, plural, n)),
        newstyle=True,
    )
    env.filters.update(_filters(locale))
    return env


def _filters(locale: Locale) -> dict[str, Callable[..., Any]]:
    def as_decimal(value: Any) -> Decimal:
        return value if isinstance(value, Decimal) else Decimal(str(value))

    return {
        "money": lambda amount, currency: locale.money(as_decimal(amount), currency),
        "compact": lambda value: locale.compact(as_decimal(value)),
        "currency_name": lambda code, count=2: locale.currency_name(code, count),
        "percent": lambda value, digits=2: locale.percent(as_decimal(value) / 100, digits),
        "number": lambda value, digits=None: locale.number(as_decimal(value), digits),
        "date": lambda value: locale.date(value),
        "join_list": lambda items, style="standard": Md(locale.list([escape_md(i) for i in items], style)),
        "commas": lambda items: Md(", ".join(escape_md(i) for i in items)),
        "md": escape_md,
        "lower_first": _lower_first,
        "link": lambda url, text=None: md_link(url, text or urls.domain(url)),
    }


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
    if not responses.consents and not options.internal:
        raise PublicationError(
            f"{responses.country}: consent to publish is not Yes; "
            "build with --internal for a copy marked 'Not for publication'"
        )
    registry = SourceRegistry(responses)
    profile = ProfileView(responses, catalog, locale, registry, options)
    env = make_environment(options.templates, locale, options.limits)
    start = time.perf_counter()
    parts = [part for part in read_parts(options.templates) if options.annex or not part.only_with_annex]
    texts = [_render_part(env, part, profile, options.limits) for part in parts]
    narrated = time.perf_counter()
    sections = [_to_section(part, text, locale) for part, text in zip(parts, texts, strict=True)]
    document = m.Document(_meta(responses, locale, options, profile.edition), sections)
    number_citations(document, registry, responses.submitted, profile.source_title)
    for entry in document.sources:
        entry.details = _source_details(entry, locale)
    timings = {"narrative": narrated - start, "model": time.perf_counter() - narrated}
    return Result(document, _warnings(profile, locale, options), timings)


def _render_part(env: SandboxedEnvironment, part: Part, profile: ProfileView, limits: Limits) -> str | None:
    """The part's Markdown, or None for a part without a template (contents)."""
    if part.template is None:
        return None
    try:
        return templating.render(env.get_template(part.template), {"p": profile, "labels": LABELS}, limits)
    except templating.LimitExceeded as exc:
        raise TemplateError(f"templates/sections/{part.template}: {exc}") from None
    except (RecursionError, MemoryError) as exc:
        raise TemplateError(f"templates/sections/{part.template}: {type(exc).__name__} (a template that "
                            "calls itself or builds a huge value)") from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"templates/sections/{exc.name}:{exc.lineno}: {exc.message}") from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"templates/sections/{part.template}: {exc.message}") from None
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(f"templates/sections/{part.template}: refused by the sandbox: {exc}") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"templates/sections/{part.template}: {exc}") from None
    except (TypeError, ValueError, KeyError) as exc:
        # Typically a translation whose %-placeholders do not match the template's.
        raise TemplateError(f"templates/sections/{part.template}: {type(exc).__name__}: {exc} "
                            "(check the placeholders of its translations with `reportgen i18n check`)") from None


def _to_section(part: Part, text: str | None, locale: Locale) -> m.Section:
    if text is None:
        return m.Section(part.id, part.kind, [m.Contents(locale.gettext(LABELS["contents"]))])
    blocks = markup.parse(text)
    _assign_heading_ids(part.id, blocks)
    return m.Section(part.id, part.kind, blocks)


def _source_details(entry: m.SourceEntry, locale: Locale) -> str:
    details = []
    if entry.items:
        items = ", ".join(f"Q{item}" for item in entry.items)
        details.append(f"{locale.gettext(LABELS['items'])}: {items}")
    if entry.accessed:
        details.append(f"{locale.gettext(LABELS['accessed'])} {locale.date(entry.accessed)}")
    return "; ".join(details)


def _assign_heading_ids(section_id: str, blocks: list[m.Block]) -> None:
    first = True
    for index, block in enumerate(blocks):
        if isinstance(block, m.Heading) and not block.id:
            block.id = section_id if first else f"{section_id}-{index}"
            first = False


def _meta(responses: Responses, locale: Locale, options: Options, edition: str) -> m.Meta:
    title = locale.gettext(LABELS["title"])
    country = locale.territory(responses.country)
    labels = {key: locale.gettext(value) for key, value in LABELS.items()}
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
        status=labels["final" if options.status == "final" else "draft"],
        date=document_date(responses),
        internal=options.internal,
        internal_label=labels["not_for_publication"],
        labels=labels,
    )


def document_date(responses: Responses) -> date:
    """The answers' date, else SOURCE_DATE_EPOCH, else today (not reproducible)."""
    if responses.submitted:
        return responses.submitted
    epoch = source_date_epoch()
    if epoch is not None:
        return datetime.fromtimestamp(epoch, UTC).date()
    return datetime.now(UTC).date()


def _warnings(profile: ProfileView, locale: Locale, options: Options) -> list[str]:
    warnings: list[str] = []
    template_missing = sorted({m.msgid for m in locale.missing if m.domain in ("messages", QUESTIONNAIRE_DOMAIN)})
    if template_missing:
        warnings.append(f"{locale.lang}: {len(template_missing)} template strings untranslated "
                        f"(shown in English), e.g. {template_missing[0][:60]!r}")
    if profile.untranslated:
        warnings.append(f"{locale.lang}: {len(profile.untranslated)} answer texts untranslated in "
                        f"responses-{profile.code}.po (shown in English, marked)")
    if warnings and options.strict:
        raise PublicationError("; ".join(warnings) + " (--strict)")
    return warnings
