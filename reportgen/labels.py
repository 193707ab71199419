"""The profile's fixed words, marked for translation with ``N_`` and
translated where they are used, and the catalog domains they live in."""

from __future__ import annotations

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
# Translators: the words (proper nouns) that keep their capital when a label
# beginning with one is put inside a sentence, e.g. a running list ("…and
# Internet of Things"): French "Internet", Russian "Интернет". Separate words
# with spaces; write "-" if there are none in your language.
CAPITALISED = N_("Internet")
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
