"""UN house style: typography applied to the whole document model, and the
helpers the template filters use (``environment.filters``).

Typography (``apply``) runs once on the model after parsing, on every text
run (answers included: house style is not markup), never on code or addresses:

- curly apostrophes ("Government’s", "States’");
- a no-break space after "No." / "N.º" before a number ("Law No. 5282",
  "Ley N.º 5282") and, in Spanish, before "%" ("0,31 %");
- no double punctuation ("?." -> "?", "!." -> "!", ".." -> "." but "..." stays);
- French: a no-break space before ":" and a narrow one before ";", "!", "?"
  and inside guillemets ("« oui »"), as French typography has it;
- Chinese: no space between Chinese characters or around full-width
  punctuation (an assembled "A; B" of Chinese titles becomes "A；B"), and a
  reference marker goes before the sentence's 。 ("……机构[3]。"), where English
  puts it after the full stop;
- Arabic: the Arabic comma and semicolon ("،" "؛") where ", " or "; " joins
  Arabic words.

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

import babel

from reportgen import model as m
from reportgen.linebreaks import NO_BREAK_SPACE
from reportgen.urls import WORD_JOINER

# --- typography ---------------------------------------------------------------

# Between two letters of any script ("Government's", "l'État", "Кот-д'Ивуар").
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])|(?<=s)'(?=\s|[,.;:)]|$)")
_NUMBER_SIGN = re.compile(r"\b(No\.|Nos\.|N\.º|N\.°|Nº|núm\.) (?=\d)")
_DOUBLE = re.compile(r"([?!…])\.(?!\.)|(?<!\.)\.\.(?!\.)")
_PERCENT_SIGN = re.compile(r"(?<=\d)[ \u00a0\u202f]?%")  # Spanish and French: "0,31 %"


# French: the space before a two-part mark, when the mark ends a phrase (not
# "https://", "10:30", "?q=").
_FRENCH_COLON = re.compile(r"(?<=\S)[ \u00a0\u202f]?:(?=\s|$)")
_FRENCH_TALL = re.compile(r"(?<=[^\s«])[ \u00a0\u202f]?([;!?])(?=\s|$|[»)])")
_SPANISH_OPENING = re.compile(r"[¡¿][^\s¡¿!?]*(?:\s+[^\s¡¿!?]+){0,6}$")


def _french_tall(match: re.Match[str]) -> str:
    """A thin no-break space before ; ! ?, except closing a Spanish name that
    opened with ¡ or ¿ ("¡Vamos!" stays as the Government wrote it)."""
    if match[1] in "!?" and _SPANISH_OPENING.search(match.string, 0, match.start()):
        return match[0].lstrip(" \u00a0\u202f")
    return "\u202f" + match[1]


_GUILLEMET_OPEN = re.compile(r"«[ \u00a0\u202f]?(?=\S)")
_GUILLEMET_CLOSE = re.compile(r"(?<=\S)[ \u00a0\u202f]?»")

# Chinese: Han characters, kana, CJK and full-width punctuation.
_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_FULL_WIDTH_PUNCTUATION = "\u3001\u3002\uff0c\uff1b\uff1a\uff01\uff1f\uff09\u300d\u300f\u300b\u3011"
_CJK_SPACE = re.compile(f"(?<=[{_CJK}])[ \u00a0]+(?=[{_CJK}])|(?<=[{_FULL_WIDTH_PUNCTUATION}])[ \u00a0]+"
                        f"|[ \u00a0]+(?=[{_FULL_WIDTH_PUNCTUATION}])")
_CJK_SEPARATOR = re.compile(f"(?<=\\S)([;,])[ \u00a0]*(?=[{_CJK}])|(?<=[{_CJK}])([;,:])(?:[ \u00a0]+|$)")
_CJK_FULL_STOP = re.compile(f"(?<=[{_CJK}])\\.(?=\\s|$)")
_FULL_WIDTH = {";": "\uff1b", ",": "\uff0c", ":": "\uff1a"}
# Arabic: the Arabic comma and semicolon between Arabic words.
_ARABIC_LETTER = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_ARABIC_SEPARATOR = {";": "\u061b ", ",": "\u060c "}
_ARABIC_INNER = re.compile(r"(?<=\S)[ \u00a0]*([;,])[ \u00a0]+(?=[\u0600-\u06ff])")

# A sentence-final mark a reference moves in front of.
_CJK_FINAL = ("\u3002", "\uff01", "\uff1f")


def is_cjk(char: str) -> bool:
    """A Chinese (or Japanese) character or full-width mark: no spaces around it."""
    return bool(char) and re.fullmatch(f"[{_CJK}]", char) is not None


def typography(text: str, lang: str) -> str:
    """One text run in house style (see the module docstring)."""
    text = _APOSTROPHE.sub("\u2019", text)
    text = _NUMBER_SIGN.sub("\\1\u00a0", text)
    text = _DOUBLE.sub(lambda match: match[1] or ".", text)
    if lang == "es":
        text = _PERCENT_SIGN.sub("\u00a0%", text)
    elif lang == "fr":
        text = _FRENCH_COLON.sub("\u00a0:", text)
        text = _FRENCH_TALL.sub(_french_tall, text)
        text = _GUILLEMET_OPEN.sub("«\u202f", text)
        text = _GUILLEMET_CLOSE.sub("\u202f»", text)
    elif lang.startswith("zh"):
        text = _CJK_SEPARATOR.sub(_full_width_separator, text)
        text = _CJK_FULL_STOP.sub("\u3002", text)
        text = _CJK_SPACE.sub("", text)
    elif lang == "ar":
        text = _ARABIC_INNER.sub(lambda match: _ARABIC_SEPARATOR[match[1]], text)
    return text


def _full_width_separator(match: re.Match[str]) -> str:
    """"；" "，" "：" for a Latin separator and the spaces after it; a
    no-break space among them ("问卷项目:\u00a0问题62") becomes a word joiner,
    so that what follows still never starts the next line on its own."""
    joiner = WORD_JOINER if NO_BREAK_SPACE in match[0] else ""
    return _FULL_WIDTH[match[1] or match[2]] + joiner


def apply(document: m.Document) -> None:
    """House-style typography on every text run of the document (in place)."""
    lang = document.meta.lang
    for block in document.blocks():
        for run in m.block_inlines(block):
            _apply_run(run, lang)
        if isinstance(block, m.Figure):
            block.alt = typography(block.alt, lang)
    for entry in document.sources:
        entry.title = typography(entry.title, entry.lang or lang)
        entry.details = typography(entry.details, lang)  # "Questions : Q62" in French


def span_lang(node: m.Inline, lang: str) -> str:
    """The language of a node's text: a Span's own (English shown for want of a translation)."""
    return node.lang if isinstance(node, m.Span) else lang


def _apply_run(run: list[m.Inline], lang: str) -> None:
    for index, node in enumerate(run):
        if isinstance(node, m.Text):
            run[index] = m.Text(typography(node.text, lang))
        elif isinstance(node, (m.Strong, m.Emph, m.Link, m.Span)):
            _apply_run(node.children, span_lang(node, lang))
    if lang.startswith("zh"):
        _assemble_chinese(run)
        _reference_before_full_stop(run)
    elif lang == "ar":
        _assemble_arabic(run)
    elif lang == "fr":
        _assemble_french(run)


_FRENCH_LEADING = re.compile(r"^([;!?:])(?=\s|$)")


def _assemble_french(run: list[m.Inline]) -> None:
    """The space before "; : ! ?" where the mark opens a text node after a
    reference marker or a bold label ("électronique[2] ; Paraguay")."""
    for index, node in enumerate(run):
        if index and isinstance(node, m.Text) and not isinstance(run[index - 1], m.LineBreak):
            node.text = _FRENCH_LEADING.sub(lambda match: ("\u00a0" if match[1] == ":" else "\u202f") + match[1],
                                            node.text)


def _visible(node: m.Inline) -> str:
    """A node's text as assembled next to its neighbours; reference markers
    are left out (a separator after "[3]" belongs to the text before it)."""
    if isinstance(node, (m.Text, m.Code)):
        return node.text
    return m.plain_text(node.children) if isinstance(node, (m.Strong, m.Emph, m.Link, m.Span)) else ""


def _neighbours(run: list[m.Inline], index: int) -> tuple[str, str]:
    """The last visible character before ``run[index]`` and the first after it."""
    before = "".join(_visible(node) for node in run[:index]).rstrip(" ")
    after = "".join(_visible(node) for node in run[index + 1:]).lstrip(" ")
    return before[-1:], after[:1]


_LEADING_SEPARATOR = re.compile(r"^[ \u00a0]*([;,])[ \u00a0]*")


def _assemble_chinese(run: list[m.Inline]) -> None:
    """Where template text meets Chinese answer text across nodes
    ("标题" [3] "; " "标题"): no space between Chinese characters,
    full-width "；" and "，" before Chinese text, "。" for a Latin full stop
    after a Chinese character."""
    for index, node in enumerate(run):
        if not isinstance(node, m.Text):
            continue
        before, after = _neighbours(run, index)
        text = _CJK_FULL_STOP.sub("\u3002", node.text)
        if text.startswith(".") and is_cjk(before):
            text = "\u3002" + text[1:]
        inner = text.strip(" ")
        first, last = (inner[:1] or after), (inner[-1:] or before)
        separator = _LEADING_SEPARATOR.match(text)
        if separator and (is_cjk(text[separator.end():separator.end() + 1] or after)):
            text = _FULL_WIDTH[separator[1]] + text[separator.end():]
        elif text.startswith(" ") and is_cjk(before) and (is_cjk(first) or before in _FULL_WIDTH_PUNCTUATION):
            # none after full-width punctuation either: "**版次：** 2024年" -> "版次：2024年"
            text = text.lstrip(" ")
        if text.endswith(" ") and is_cjk(last) and is_cjk(after):
            text = text.rstrip(" ")
        node.text = text


def _is_arabic(char: str) -> bool:
    return bool(char) and _ARABIC_LETTER.match(char) is not None


def _assemble_arabic(run: list[m.Inline]) -> None:
    """The Arabic comma and semicolon (، ؛) where a template's ", " or "; "
    joins Arabic text ("عنوان" [3] "; " "عنوان")."""
    for index, node in enumerate(run):
        if not isinstance(node, m.Text):
            continue
        before, after = _neighbours(run, index)
        text = node.text
        separator = _LEADING_SEPARATOR.match(text)
        if separator and (_is_arabic(before) or before == ")") and \
                _is_arabic(text[separator.end():separator.end() + 1] or after):
            text = _ARABIC_SEPARATOR[separator[1]] + text[separator.end():]
        node.text = text


def _reference_before_full_stop(run: list[m.Inline]) -> None:
    """Chinese puts a reference marker before the sentence's 。 ("机构[3]。");
    templates write it after the full stop as English does, also after a
    bold label ("**计划：一致。**[19]" -> "**计划：一致**[19]。")."""
    index = 1
    while index < len(run):
        last = _last_text(run[index - 1])
        if isinstance(run[index], m.Reference) and last is not None and last.text.endswith(_CJK_FINAL):
            mark = last.text[-1]
            last.text = last.text[:-1]
            after = run[index + 1] if index + 1 < len(run) else None
            if isinstance(after, m.Text):
                after.text = mark + after.text.lstrip(" ")
            else:
                run.insert(index + 1, m.Text(mark))
        index += 1


def _last_text(node: m.Inline) -> m.Text | None:
    """The Text a node ends with (inside bold or italics too), if it ends with one."""
    if isinstance(node, m.Text):
        return node
    if isinstance(node, (m.Strong, m.Emph)) and node.children:
        return _last_text(node.children[-1])
    return None


# --- numbers in words -----------------------------------------------------------

# The words for 0-9 are translated through the catalogs (labels.NUMBER_WORDS).
SMALL_LIMIT = 10


def count_text(value: int, words: list[str], number: Callable[[int], str]) -> str:
    """A count in running text: under ten in words ("seven", "siete"), else
    in figures through Babel ("11", "1,250" / "1250")."""
    if isinstance(value, int) and 0 <= value < SMALL_LIMIT and len(words) == SMALL_LIMIT:
        return words[value]
    return number(value)


# Russian "per cent" by the number's plural category (CLDR): "1 процент",
# "3 процента", "5 процентов", "0,31 процента" (a fraction takes the genitive singular).
_RUSSIAN_PERCENT = {"one": "процент", "few": "процента", "many": "процентов", "other": "процента"}


def percent_text(fraction: Decimal, lang: str, percent: Callable[[Decimal, int], str], digits: int = 2) -> str:
    """A share in running text, in words where UN documents write it so:
    "0.31 per cent" (English), "0.31 في المائة" (Arabic), "0,31 процента"
    (Russian); "0,31 %" in Spanish and French (no-break space), "0.31%" in Chinese."""
    shown = percent(fraction, digits)
    figure = shown.replace("%", "").strip(" \u00a0\u202f")
    if lang == "en":
        return figure + " per cent"
    if lang == "ar":
        return figure + " في المائة"
    if lang == "ru":
        value = (fraction * 100).quantize(Decimal(1).scaleb(-digits))
        return f"{figure}\u00a0{_RUSSIAN_PERCENT[babel.Locale('ru').plural_form(value)]}"
    return _PERCENT_SIGN.sub("\u00a0%", shown) if lang in ("es", "fr") else shown


# Currency names in UN style where Babel's (CLDR) differ: "dólares de los
# Estados Unidos", not "dólares estadounidenses"; "guaraníes", not
# "guaraníes paraguayos".
UN_CURRENCY_NAMES: dict[str, dict[str, str]] = {
    "es": {"USD": "dólares de los Estados Unidos", "PYG": "guaraníes"},
    "fr": {"USD": "dollars des États-Unis", "PYG": "guaranis"},
    "ru": {"USD": "долл. США", "PYG": "парагвайских гуарани"},
    "ar": {"USD": "دولار من دولارات الولايات المتحدة", "PYG": "غواراني"},
    "zh": {"USD": "美元", "PYG": "巴拉圭瓜拉尼"},
}

# Scales of a large amount as UN documents write them, with the pattern that
# puts figure, scale and currency name together: "326,7 milliards de guaranis",
# "326,7 млрд парагвайских гуарани", "326.7 بليون غواراني" (UN Arabic says
# بليون for 10^9), "3,266.9亿巴拉圭瓜拉尼" (Chinese counts in 万 and 亿).
_SCALES: dict[str, tuple[tuple[Decimal, str], ...]] = {
    "fr": ((Decimal(10) ** 12, "billions"), (Decimal(10) ** 9, "milliards"), (Decimal(10) ** 6, "millions")),
    "ru": ((Decimal(10) ** 12, "трлн"), (Decimal(10) ** 9, "млрд"), (Decimal(10) ** 6, "млн")),
    "ar": ((Decimal(10) ** 12, "تريليون"), (Decimal(10) ** 9, "بليون"), (Decimal(10) ** 6, "مليون")),
    "zh": ((Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万")),
}
_SCALED_PATTERN = {"fr": "{figure}\u00a0{scale} de {name}", "ru": "{figure}\u00a0{scale} {name}",
                   "ar": "{figure} {scale} {name}", "zh": "{figure}{scale}{name}"}
_WHOLE_PATTERN = {"fr": "{figure}\u00a0{name}", "ru": "{figure}\u00a0{name}", "ar": "{figure} {name}",
                  "zh": "{figure}{name}"}

_SCALES_EN = ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))


def amount_words(amount: Decimal, currency: str, lang: str, number: Callable[[Decimal, int | None], str],
                 currency_name: Callable[[str], str], money: Callable[[Decimal, str], str] | None = None) -> str:
    """A large amount a reader can take in.

    English (UN style): "$46.0 million" for US dollars, "PYG 326.7 billion"
    for other currencies, one decimal. Spanish: in millions with thousands
    separators, "326.688 millones de guaraníes", one decimal under 100 millions.
    Amounts under a million are written in full. French, Russian, Arabic and
    Chinese: one decimal of the largest scale their documents use, with the
    currency's UN name (``_SCALES``); a language without a table, the exact
    amount with its ISO code in the locale's order (``money``)."""
    base = lang.split("-")[0]
    if base in _SCALES:
        return _scaled(amount, currency, base, number, currency_name)
    if lang not in ("en", "es") and money is not None:
        return money(amount, currency)
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


def _scaled(amount: Decimal, currency: str, lang: str, number: Callable[[Decimal, int | None], str],
            currency_name: Callable[[str], str]) -> str:
    name = UN_CURRENCY_NAMES.get(lang, {}).get(currency) or currency_name(currency)
    for scale, word in _SCALES[lang]:
        if abs(amount) >= scale:
            return _SCALED_PATTERN[lang].format(figure=number(amount / scale, 1), scale=word, name=name)
    return _WHOLE_PATTERN[lang].format(figure=number(amount, 0), name=name)


def amount_with_dollars(amount: Decimal, currency: str, usd: Decimal | None, lang: str,
                        number: Callable[[Decimal, int | None], str], currency_name: Callable[[str], str],
                        about: str, money: Callable[[Decimal, str], str] | None = None) -> str:
    """ "PYG 326.7 billion (about $46.0 million)"; ``about`` is the translated
    pattern with ``%(amount)s`` ("about %(amount)s", "unos %(amount)s")."""
    main = amount_words(amount, currency, lang, number, currency_name, money)
    if usd is None or currency == "USD":
        return main
    dollars = amount_words(usd, "USD", lang, number, currency_name, money)
    if lang.startswith("zh"):  # full-width brackets, no space
        return f"{main}（{about % {'amount': dollars}}）"
    return f"{main} ({about % {'amount': dollars}})"


# --- joining ---------------------------------------------------------------------

# The comma of an enumeration: Chinese 、 with no space, Arabic ، .
_ENUMERATION_COMMA = {"zh": "\u3001", "ar": "\u060c "}


def enumeration_comma(lang: str) -> str:
    """What separates the items of a plain enumeration ("a, b, c")."""
    return _ENUMERATION_COMMA.get(lang.split("-")[0], ", ")
