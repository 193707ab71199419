"""A small hand-built document that exercises every node type, for writer tests."""

from __future__ import annotations

from datetime import date

from reportgen import figures, transforms
from reportgen import model as m
from reportgen.writers import TEMPLATES


def sample_document(lang: str = "en", internal: bool = False) -> m.Document:
    sources = [
        m.SourceEntry(1, "s1", "https://www.presidencia.gov.py/ver_decreto/31861",
                      "Presidential Decree No. 8942 (National ICT Plan 2022–2030)",
                      "presidencia.gov.py", [34, 56], date(2024, 3, 1), "Items: Q34, Q56",
                      "www.presidencia.gov.py/ver_decreto/31861"),
        m.SourceEntry(2, "s2", "https://informacionpublica.paraguay.gov.py/public/ley_5282.pdf",
                      "Law No. 5282/2014 on free citizen access to public information",
                      "informacionpublica.paraguay.gov.py", [38], date(2024, 3, 1), "Items: Q38",
                      "informacionpublica.paraguay.gov.py/public/ley_5282.pdf"),
    ]
    further = [m.SourceEntry(3, "s3", "https://www.datos.gov.py/", "Open data portal",
                             "datos.gov.py", [10], date(2024, 3, 1), "Items: Q10", "www.datos.gov.py")]
    t = m.Text
    cover = m.Section("cover", "cover", [
        m.Paragraph([t("United Nations Department of Economic and Social Affairs")], role="publisher"),
        m.Paragraph([t("Paraguay")], role="title"),
        m.Paragraph([t("E-Government Country Profile")], role="subtitle"),
        m.Paragraph([t("Based on the response to the United Nations E-Government Survey 2024 "
                       "Member States Questionnaire")], role="lead"),
        m.Paragraph([t("Draft · 1 March 2024")], role="status"),
    ])
    contents = m.Section("contents", "contents", [m.Contents("Contents")])
    glance = m.Section("at-a-glance", "body", [
        m.Heading(1, [t("At a glance")], "at-a-glance"),
        m.Table(header=[[t("Indicator")], [t("Answer")]],
                rows=[[[t("National portal")], [m.Link("https://www.paraguay.gov.py/", [t("paraguay.gov.py")])]],
                      [[t("Lead agency")], [t("Ministry of Information and Communication Technologies (MITIC)")]],
                      [[t("Strategy")], [t("National ICT Plan 2022–2030"),
                                         m.Citation("s1", "p. 31", 1)]]],
                caption=[t("Key facts")], widths=[1, 2]),
    ])
    body = m.Section("A", "body", [
        m.Heading(1, [t("A. Institutional framework")], "A"),
        m.Paragraph([t("The Ministry of Information and Communication Technologies ("),
                     m.Strong([t("MITIC")]), t(") leads e-government"),
                     m.Citation("s1", "p. 123", 1), t(". Answer text with "),
                     m.Emph([t("<b>markup</b> & {{ 7*7 }}")]), t(" shows literally.")]),
        m.Heading(2, [t("Portals")], "A-portals"),
        m.BulletList([[t("E-services: "), m.Link("https://www.paraguay.gov.py/", [t("paraguay.gov.py")])],
                      [t("Open data"), m.LineBreak(), t("second line")]]),
        m.Heading(3, [t("Legal instruments")], "A-legal"),
        m.Paragraph([t("Access to information is guaranteed by law"), m.Citation("s2", "", 2),
                     t(" and the decree"), m.Citation("s1", "p. 94", 1), t(".")]),
        m.Figure("html/un-emblem.svg", "United Nations emblem", [t("Figure caption")]),
        m.Figure("chart:legislation", "Legislation areas by status. In place (2): Cybersecurity and Digital "
                 "identity; Planned (1): Open government data.", [t("Legislation areas by status")],
                 chart=sample_chart()),
    ])
    src = m.Section("sources", "sources", [
        m.Heading(1, [t("Sources")], "sources"),
        m.SourceList(sources),
        m.Heading(2, [t("Further sources")], "further-sources"),
        m.SourceList(further, numbered=False),
    ])
    meta = m.Meta(
        title="E-Government Country Profile", country="Paraguay", country_code="PRY", lang=lang,
        subject="E-government in Paraguay", author="United Nations Department of Economic and Social Affairs",
        keywords=["e-government", "Paraguay"], edition="2024", status="Draft", date=date(2024, 3, 1),
        internal=internal, internal_label="Not for publication",
        labels={"contents": "Contents", "page": "Page ", "of": " of ", "source": "Source",
                "sources": "Sources", "further_sources": "Further sources", "accessed": "answer of",
                "items": "Items", "in_english": "(in English)", "draft": "Draft"},
    )
    document = m.Document(meta, [cover, contents, glance, body, src], sources=sources + further)
    transforms.apply(document)  # numbers, markers, lists, ids: as a built profile
    return document


def sample_chart() -> m.Chart:
    """A small status chart drawn with the bundled fonts."""
    fonts = figures.Fonts(TEMPLATES / "fonts" / "NotoSans-Regular.ttf", TEMPLATES / "fonts" / "NotoSans-Bold.ttf")
    rows = [figures.Row("Cybersecurity", "positive"), figures.Row("Digital identity", "positive"),
            figures.Row("Open government data", "planned")]
    columns = [figures.Column("positive", "In place"), figures.Column("planned", "Planned"),
               figures.Column("negative", "Not in place"), figures.Column("not_stated", "Not stated")]
    return figures.render("legislation", figures.status_matrix(rows, columns, fonts), fonts, "Legislation areas")


# Arabic words of the right-to-left sample ("At a glance", "Institutional
# framework", and a sentence citing a law by number and an address).
AR_GLANCE = "لمحة عامة"
AR_FRAMEWORK = "الإطار المؤسسي"


def arabic_document() -> m.Document:
    """The sample as an Arabic profile: Arabic headings, and a paragraph with
    what must stay left to right inside it (a law number with a slash, an
    address, a Spanish title in a Span, a Latin acronym)."""
    document = sample_document(lang="ar")
    t = m.Text
    blocks = document.sections[2].blocks + document.sections[3].blocks
    headings = [b for b in blocks if isinstance(b, m.Heading)]
    headings[0].children = [t(AR_GLANCE)]
    headings[1].children = [t(AR_FRAMEWORK)]
    document.sections[3].blocks.insert(1, m.Paragraph([
        t("ينظم القانون رقم 5189/2014 الوصول إلى المعلومات العامة ("), m.Strong([t("MITIC")]), t(")، انظر "),
        m.Link("https://www.paraguay.gov.py/", [t("www.paraguay.gov.py")]), t(" و"),
        m.Span("es", [t("Ley de Acceso a la Información Pública")]), t("."),
    ]))
    return document
