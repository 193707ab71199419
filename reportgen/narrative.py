"""Narrate one country's answers in one language into the document model.

The assembly: the parts of ``templates/sections/profile.yaml`` are rendered
(Markdown + Jinja2) in the sandbox of ``environment.py``, which sees the
answers through ``views.py`` and escapes what it interpolates with the rules
of ``escaping.py``; the Markdown is parsed into model blocks (``markup.py``),
completed once by the transforms (``transforms.py``: citation numbers, sources
lists, heading ids ...), and the result goes to the writers. A part whose
sentences lack translations falls back to English here.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import jinja2
import yaml
from jinja2.sandbox import SandboxedEnvironment

from reportgen import markup, templatecheck, templating, transforms
from reportgen import model as m
from reportgen.citations import SourceRegistry
from reportgen.citations import entry as source_entry
from reportgen.environment import make_environment
from reportgen.errors import Problem, ReportgenError, TemplateError
from reportgen.i18n import SOURCE_LANG, Locale
from reportgen.labels import LABELS, QUESTIONNAIRE_DOMAIN
from reportgen.questionnaire import Questionnaire
from reportgen.responses import Responses
from reportgen.views import ProfileView, document_date, page_locator

if TYPE_CHECKING:
    from reportgen.limits import Limits
    from reportgen.policy import Policy


class NarrativeConfig(Protocol):
    """What the narrative reads of the run's configuration (read-only):
    :class:`reportgen.config.Config` is one; typed here without importing it."""

    @property
    def templates(self) -> Path: ...
    @property
    def organisation(self) -> str: ...
    @property
    def edition(self) -> str | None: ...  # None: the questionnaire's edition
    @property
    def disclaimer(self) -> str | None: ...  # the imprint's; None: DISCLAIMER, translated
    @property
    def copyright(self) -> str | None: ...  # None: COPYRIGHT, translated
    @property
    def annex(self) -> bool: ...
    @property
    def internal(self) -> bool: ...
    @property
    def limits(self) -> Limits: ...  # template_seconds, template_chars
    @property
    def source_date_epoch(self) -> int | None: ...  # the build date, resolved once
    @property
    def policy(self) -> Policy: ...  # status, --strict, --internal


@dataclass
class Result:
    document: m.Document
    warnings: list[str] = field(default_factory=list)
    # Seconds spent rendering templates ("narrative") and parsing + numbering
    # ("model"), for the benchmark.
    timings: dict[str, float] = field(default_factory=dict)


# --- the profile ------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    id: str
    kind: str
    template: str | None = None
    only_with_annex: bool = False
    classes: tuple[str, ...] = ()  # the HTML <section>'s classes besides its kind


def read_parts(templates: Path) -> list[Part]:
    """The profile's parts in order, from ``templates/sections/profile.yaml``."""
    data = yaml.safe_load((templates / "sections" / "profile.yaml").read_text(encoding="utf-8"))
    return [Part(**entry) for entry in data["parts"]]


def build_document(responses: Responses, catalog: Questionnaire, locale: Locale,
                   options: NarrativeConfig | None = None) -> Result:
    """Narrate, parse and number one profile in one language (``options``:
    the run's :class:`reportgen.config.Config`; None: the defaults)."""
    if options is None:
        from reportgen.config import Config

        options = Config()
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
    keys = heading_keys(options.templates, locale)
    transforms.apply(document, transforms.Context(pages=lambda locator: page_locator(locator, locale),
                                                  heading_key=lambda text: keys.get(" ".join(text.split()))))
    timings = {"narrative": narrated - start, "model": time.perf_counter() - narrated}
    return Result(document, _warnings(profile, locale, options), timings)


# A template heading's sentence: "## {{ _("Portals") }}" (the msgid in either quotes).
_HEADING_MESSAGE = re.compile(r"""^#{1,6}[ \t].*?\b_\(\s*(["'])(.+?)\1\s*\)""", re.MULTILINE)


def _heading_msgids(templates: Path) -> list[str]:
    """The msgids the section templates make headings of, in file order."""
    found: list[str] = []
    for path in sorted((templates / "sections").glob("*.md.j2")):
        found += [match.group(2) for match in _HEADING_MESSAGE.finditer(path.read_text(encoding="utf-8"))]
    return found


def heading_keys(templates: Path, locale: Locale) -> dict[str, str]:
    """A heading's text in ``locale`` -> the English msgid it was translated
    from, for the headings that are one template sentence: the heading ids
    are made from the msgid, so the same section has the same anchor in every
    language (``transforms.heading_ids``). Untranslated sentences read as
    their msgid. A text two msgids translate to is left out (its heading gets
    a positional id) rather than guessed."""
    keys: dict[str, str] = {}
    ambiguous: set[str] = set()
    for msgid in _heading_msgids(templates):
        for text in {" ".join(locale.gettext(msgid).split()), msgid}:
            if keys.setdefault(text, msgid) != msgid:
                ambiguous.add(text)
    return {text: msgid for text, msgid in keys.items() if text not in ambiguous}


# Parts that are one unit of language: if any of their words is untranslated, the
# whole part is shown in English (a cover never mixes an English title with a
# translated country name).
UNIT_KINDS = ("cover",)


def _english_units(parts: list[Part], texts: list[str | None], locale: Locale, options: NarrativeConfig,
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


def _default_limits() -> Limits:
    from reportgen.limits import Limits  # here: typing the narrative needs no pydantic

    return Limits()


def _render_part(env: SandboxedEnvironment, part: Part, profile: ProfileView, limits: Limits) -> str | None:
    """The part's Markdown, or None for a part without a template (contents).
    Any failure becomes a TemplateError at the template line that caused it."""
    if part.template is None:
        return None
    templates = profile._options.templates
    limits = env.limits if isinstance(env, templating.LimitedSandbox) else _default_limits()
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
    attr = m.Attr(classes=list(part.classes))
    if text is None:
        return m.Section(part.id, part.kind, [m.Contents(labels["contents"])], attr)
    blocks = markup.parse(text)
    if lang:
        for block in blocks:
            _tag(block, lang)
    return m.Section(part.id, part.kind, blocks, attr)


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


def _meta(responses: Responses, locale: Locale, words: Locale, labels: dict[str, str], options: NarrativeConfig,
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
        date=document_date(responses, options.source_date_epoch),
        internal=options.internal,
        internal_label=labels["not_for_publication"],
        labels=labels,
    )


def _warnings(profile: ProfileView, locale: Locale, options: NarrativeConfig) -> list[str]:
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
