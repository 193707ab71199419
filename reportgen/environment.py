"""The sandboxed Jinja2 environment templates render in, and its filters."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from reportgen import housestyle, templatecheck, templating, urls
from reportgen.escaping import (
    Md,
    Phrase,
    Sentence,
    escape_md,
    finalize,
    is_fallback,
    make_md,
    phrase,
    sentence,
    source_of,
)
from reportgen.i18n import SOURCE_LANG, Locale, list_style
from reportgen.labels import ABOUT, CAPITALISED, LABELS, NUMBER_WORDS
from reportgen.limits import Limits
from reportgen.views import md_link

# --- the environment --------------------------------------------------------


def make_environment(templates: Path, locale: Locale, limits: Limits | None = None) -> SandboxedEnvironment:
    """The sandbox templates render in: it loads only files really under
    templates/ and renders within ``limits`` (see ``templating``)."""
    env = templating.LimitedSandbox(
        limits=limits or Limits(),
        loader=templating.ConfinedLoader(templates / "sections", templates),
        bytecode_cache=templating.compiled_templates(),
        undefined=templatecheck.AuthorUndefined,
        extensions=["jinja2.ext.i18n"],
        finalize=finalize,
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
    env.filters.update(templating.runtime_filters(filters(locale)))
    return env


def load_templates(templates: Path) -> None:
    """Every section template of ``templates`` into the process's cache of
    compiled templates, from the cache folder or compiled there (the same
    code serves every language: templating.compiled_templates)."""
    environment = make_environment(templates, Locale(SOURCE_LANG))
    for name in environment.list_templates(extensions=["j2"]):
        environment.get_template(name)


# What each filter does, for docs/templates.md (a test keeps it in step with ``filters``).
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


def filters(locale: Locale) -> dict[str, Callable[..., Any]]:
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
        return make_md(locale.list([escape_md(i) for i in items], pattern),
                   Md(english.list([escape_md(source_of(i)) for i in items], pattern)),
                   fallback=any(is_fallback(i) for i in items))

    def commas(items: Any) -> Md:
        items = list(items)
        comma = housestyle.enumeration_comma(locale.lang)
        return make_md(comma.join(escape_md(i) for i in items), Md(", ".join(escape_md(source_of(i)) for i in items)),
                   fallback=any(is_fallback(i) for i in items))

    # Proper nouns that keep their capital, from each language's catalog (data, not code).
    keep_here, keep_there = capitalised(locale.gettext(CAPITALISED)), capitalised(english.gettext(CAPITALISED))

    def lower_first(value: Any) -> Any:
        result = phrase(_lower_first(str(value), keep_here), _lower_first(str(source_of(value)), keep_there),
                        is_fallback(value))
        return Md(result) if isinstance(value, Md) else result

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
        "lower_first": lower_first,
        "link": lambda url, text=None: md_link(url, text or urls.domain(url)),
    }


def capitalised(words: str) -> frozenset[str]:
    """The catalog's words that keep their capital ("Internet"; "-": none)."""
    return frozenset(word for word in words.split() if word != "-")


def _lower_first(text: str, keep: frozenset[str] = frozenset()) -> str:
    """A label inside a sentence: "Ethical use of AI" -> "ethical use of AI";
    a leading acronym ("CIO", "IoT") or a proper noun of ``keep`` ("Internet
    des objets") keeps its capitals."""
    words = str(text).split()
    if not words:
        return str(text)
    first, rest = words[0], words[1:]
    if first in keep:
        return str(text)
    acronym = len(first) > 1 and any(c.isupper() for c in first[1:])
    # "Sustainable Development Goals", "Internet of Things": a name, not a phrase.
    name = any(w[:1].isupper() and w[1:2].islower() for w in rest)
    if acronym or name:
        return str(text)
    return first[:1].lower() + str(text)[1:]
