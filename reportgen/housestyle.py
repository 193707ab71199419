"""UN house style: typography applied to the whole document model, and the
helpers the template filters use (``narrative._filters``).

Typography (``apply``) runs once on the model after parsing, on every text
run (answers included: house style is not markup), never on code or addresses:

- curly apostrophes ("Government’s", "States’");
- a no-break space after "No." / "N.º" before a number ("Law No. 5282",
  "Ley N.º 5282") and, in Spanish, before "%" ("0,31 %");
- no double punctuation ("?." -> "?", "!." -> "!", ".." -> "." but "..." stays).

The helpers put numbers into words the way the UN Editorial Manual and its
Spanish counterpart ask: "per cent" in English running text ("%" stays in
tables and figures), numbers under ten in words, large amounts a reader can
take in ("PYG 326.7 billion (about $46.0 million)", "326.688 millones de
guaraníes (unos 46,0 millones de dólares de los Estados Unidos)").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_DOWN, Decimal

from reportgen import model as m

# --- typography ---------------------------------------------------------------

_APOSTROPHE = re.compile(r"(?<=[A-Za-zÀ-ÿ])'(?=[A-Za-zÀ-ÿ])|(?<=s)'(?=\s|[,.;:)]|$)")
_NUMBER_SIGN = re.compile(r"\b(No\.|Nos\.|N\.º|N\.°|Nº|núm\.) (?=\d)")
_DOUBLE = re.compile(r"([?!…])\.(?!\.)|(?<!\.)\.\.(?!\.)")
_SPANISH_PERCENT = re.compile(r"(?<=\d) ?%")


def typography(text: str, lang: str) -> str:
    """One text run in house style (see the module docstring)."""
    text = _APOSTROPHE.sub("\u2019", text)
    text = _NUMBER_SIGN.sub("\\1\u00a0", text)
    text = _DOUBLE.sub(lambda match: match[1] or ".", text)
    if lang == "es":
        text = _SPANISH_PERCENT.sub("\u00a0%", text)
    return text


def apply(document: m.Document) -> None:
    """House-style typography on every text run of the document (in place)."""
    lang = document.meta.lang
    for block in document.blocks():
        for run in m.block_inlines(block):
            _apply_run(run, lang)
        if isinstance(block, m.Figure):
            block.alt = typography(block.alt, lang)
    for entry in document.sources:
        entry.title = typography(entry.title, lang)


def span_lang(node: m.Inline, lang: str) -> str:
    """The language of a node's text: a Span's own (English shown for want of a translation)."""
    return node.lang if isinstance(node, m.Span) else lang


def _apply_run(run: list[m.Inline], lang: str) -> None:
    for index, node in enumerate(run):
        if isinstance(node, m.Text):
            run[index] = m.Text(typography(node.text, lang))
        elif isinstance(node, (m.Strong, m.Emph, m.Link, m.Span)):
            _apply_run(node.children, span_lang(node, lang))


# --- numbers in words -----------------------------------------------------------

# The words for 0-9 are translated through the catalogs (narrative.NUMBER_WORDS).
SMALL_LIMIT = 10


def count_text(value: int, words: list[str], number: Callable[[int], str]) -> str:
    """A count in running text: under ten in words ("seven", "siete"), else
    in figures through Babel ("11", "1,250" / "1250")."""
    if isinstance(value, int) and 0 <= value < SMALL_LIMIT and len(words) == SMALL_LIMIT:
        return words[value]
    return number(value)


def percent_text(fraction: Decimal, lang: str, percent: Callable[[Decimal, int], str], digits: int = 2) -> str:
    """A share in running text: "0.31 per cent" in English, "0,31 %" in Spanish."""
    shown = percent(fraction, digits)
    if lang == "en":
        return shown.replace("%", "").strip() + " per cent"
    return _SPANISH_PERCENT.sub("\u00a0%", shown) if lang == "es" else shown


# Currency names in UN style where Babel's (CLDR) differ: "dólares de los
# Estados Unidos", not "dólares estadounidenses"; "guaraníes", not
# "guaraníes paraguayos".
UN_CURRENCY_NAMES: dict[str, dict[str, str]] = {
    "es": {"USD": "dólares de los Estados Unidos", "PYG": "guaraníes"},
}

_SCALES_EN = ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))


def amount_words(amount: Decimal, currency: str, lang: str, number: Callable[[Decimal, int | None], str],
                 currency_name: Callable[[str], str]) -> str:
    """A large amount a reader can take in.

    English (UN style): "$46.0 million" for US dollars, "PYG 326.7 billion"
    for other currencies, one decimal. Spanish: in millions with thousands
    separators, "326.688 millones de guaraníes", one decimal under 100 millions.
    Amounts under a million are written in full."""
    if lang == "en":
        for scale, word in _SCALES_EN:
            if abs(amount) >= scale:
                figure = f"{number(amount / scale, 1)} {word}"
                return f"${figure}" if currency == "USD" else f"{currency} {figure}"
        whole = number(amount, 0)
        return f"${whole}" if currency == "USD" else f"{currency} {whole}"
    name = UN_CURRENCY_NAMES.get(lang, {}).get(currency) or currency_name(currency)
    millions = amount / Decimal(10) ** 6
    if abs(millions) >= 1:
        # whole millions from 100 up, cut rather than rounded up ("326.688
        # millones" for 326.688.810.687): the figure never overstates the amount
        digits = 0 if abs(millions) >= 100 else 1
        shown = millions.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_DOWN)
        return f"{number(shown, digits)} millones de {name}"
    return f"{number(amount, 0)} {name}"


def amount_with_dollars(amount: Decimal, currency: str, usd: Decimal | None, lang: str,
                        number: Callable[[Decimal, int | None], str], currency_name: Callable[[str], str],
                        about: str) -> str:
    """ "PYG 326.7 billion (about $46.0 million)"; ``about`` is the translated
    pattern with ``%(amount)s`` ("about %(amount)s", "unos %(amount)s")."""
    main = amount_words(amount, currency, lang, number, currency_name)
    if usd is None or currency == "USD":
        return main
    dollars = amount_words(usd, "USD", lang, number, currency_name)
    return f"{main} ({about % {'amount': dollars}})"
