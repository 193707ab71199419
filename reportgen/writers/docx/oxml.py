"""Raw OOXML for what python-docx 1.2 has no API for.

This is the only module of the DOCX writer (and of ``scripts/make_reference_docx.py``)
that builds or edits WordprocessingML elements by hand: hyperlinks, the (empty) footnotes part,
fields (TOC, PAGE, NUMPAGES, PAGEREF), bookmarks, ``w:lang``, repeated header rows,
``w:cantSplit``, ``w:updateFields``, borders, table-style conditional formatting,
numbering and the font table. Everything else goes through python-docx's API, so
that the odd corners of the format live in one place.

Child elements are inserted in schema order (Word refuses files whose ``pPr``,
``rPr``, ``tblPr`` ... children are out of order), using the sequences below.
"""

from __future__ import annotations

import re
from typing import TypeAlias, TypeVar, cast

from docx.document import Document as DocxDocument
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.text.paragraph import CT_P
from docx.oxml.text.run import CT_R
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section, _Footer, _Header
from docx.shape import InlineShape
from docx.shared import Length
from docx.styles.style import BaseStyle
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

# --- schema order of the children we touch (ECMA-376 part 1, §17) ---------

RPR_ORDER = (
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
    "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
    "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz",
    "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
    "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
)
PPR_ORDER = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
    "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
    "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
    "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
    "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
    "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
    "w:sectPr", "w:pPrChange",
)
TBLPR_ORDER = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
)
TRPR_ORDER = (
    "w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter",
    "w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden",
)
TCPR_ORDER = (
    "w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders", "w:shd",
    "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
)
STYLE_ORDER = (
    "w:name", "w:aliases", "w:basedOn", "w:next", "w:link", "w:autoRedefine", "w:hidden",
    "w:uiPriority", "w:semiHidden", "w:unhideWhenUsed", "w:qFormat", "w:locked", "w:personal",
    "w:personalCompose", "w:personalReply", "w:rsid", "w:pPr", "w:rPr", "w:tblPr", "w:trPr",
    "w:tcPr", "w:tblStylePr",
)
TBLSTYLEPR_ORDER = ("w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:tcPr")
SECTPR_ORDER = (
    "w:headerReference", "w:footerReference", "w:footnotePr", "w:endnotePr", "w:type", "w:pgSz",
    "w:pgMar", "w:paperSrc", "w:pgBorders", "w:lnNumType", "w:pgNumType", "w:cols", "w:formProt",
    "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter",
    "w:docGrid", "w:printerSettings", "w:sectPrChange",
)
SETTINGS_ORDER = (
    "w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation", "w:removeDateAndTime",
    "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape", "w:printPostScriptOverText",
    "w:printFractionalCharacterWidth", "w:printFormsData", "w:embedTrueTypeFonts",
    "w:embedSystemFonts", "w:saveSubsetFonts", "w:saveFormsData", "w:mirrorMargins",
    "w:alignBordersAndEdges", "w:bordersDoNotSurroundHeader", "w:bordersDoNotSurroundFooter",
    "w:gutterAtTop", "w:hideSpellingErrors", "w:hideGrammaticalErrors", "w:activeWritingStyle",
    "w:proofState", "w:formsDesign", "w:attachedTemplate", "w:linkStyles",
    "w:stylePaneFormatFilter", "w:stylePaneSortMethod", "w:documentType", "w:mailMerge",
    "w:revisionView", "w:trackRevisions", "w:doNotTrackMoves", "w:doNotTrackFormatting",
    "w:documentProtection", "w:autoFormatOverride", "w:styleLockTheme", "w:styleLockQFSet",
    "w:defaultTabStop", "w:autoHyphenation", "w:consecutiveHyphenLimit", "w:hyphenationZone",
    "w:doNotHyphenateCaps", "w:showEnvelope", "w:summaryLength", "w:clickAndTypeStyle",
    "w:defaultTableStyle", "w:evenAndOddHeaders", "w:bookFoldRevPrinting", "w:bookFoldPrinting",
    "w:bookFoldPrintingSheets", "w:drawingGridHorizontalSpacing", "w:drawingGridVerticalSpacing",
    "w:displayHorizontalDrawingGridEvery", "w:displayVerticalDrawingGridEvery",
    "w:doNotUseMarginsForDrawingGridOrigin", "w:drawingGridHorizontalOrigin",
    "w:drawingGridVerticalOrigin", "w:doNotShadeFormData", "w:noPunctuationKerning",
    "w:characterSpacingControl", "w:printTwoOnOne", "w:strictFirstAndLastChars",
    "w:noLineBreaksAfter", "w:noLineBreaksBefore", "w:savePreviewPicture",
    "w:doNotValidateAgainstSchema", "w:saveInvalidXml", "w:ignoreMixedContent",
    "w:alwaysShowPlaceholderText", "w:doNotDemarcateInvalidXml", "w:saveXmlDataOnly",
    "w:useXSLTWhenSaving", "w:saveThroughXslt", "w:showXMLTags", "w:alwaysMergeEmptyNamespace",
    "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat",
    "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
    "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures",
    "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
    "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
    "w:listSeparator",
)

# What python-docx's OxmlElement and parse_xml give: its own element classes for the
# tags it knows (CT_P, CT_R ...), plain lxml elements for the others.
Element: TypeAlias = etree._Element
Story = TypeVar("Story", _Header, _Footer)


def child(parent: Element, tag: str, order: tuple[str, ...] = ()) -> Element:
    """The ``tag`` child of ``parent``, created at its schema position in ``order``
    (appended when ``tag`` is its parent's only kind of child) if missing."""
    found = parent.find(qn(tag))
    if found is not None:
        return found
    new = OxmlElement(tag)
    later = {qn(t) for t in order[order.index(tag) + 1:]} if tag in order else set()
    successor = next((c for c in parent if c.tag in later), None)
    if successor is None:
        parent.append(new)
    else:
        successor.addprevious(new)
    return new


def _set(element: Element, **attrs: str) -> Element:
    """Set ``w:``-namespaced attributes (keyword ``val`` -> ``w:val``)."""
    for name, value in attrs.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _element(tag: str, **attrs: str) -> Element:
    return _set(OxmlElement(tag), **attrs)


def _append(parent: Element, new: Element) -> None:
    """``parent.append(new)`` for a python-docx element (``CT_R`` ...): the lxml
    stubs type ``append`` as taking the parent's own class, which lxml does not
    require."""
    parent.append(new)


# --- the elements behind python-docx's proxies ------------------------------
# python-docx keeps the XML element of each proxy in a private attribute; these
# are the only places the writer reaches it, so a rename in python-docx is
# fixed here (tests/writers/test_docx_private.py keeps it so).


def paragraph_xml(paragraph: Paragraph) -> Element:
    """The ``w:p`` of a paragraph."""
    return paragraph._p


def run_xml(run: Run) -> CT_R:
    """The ``w:r`` of a run."""
    return run._r


_RUN_BREAKS = re.compile(r"[\t\r\n]")


def set_new_run_text(run: Run, text: str) -> None:
    """``run.text = text`` for a run that has no content yet. python-docx reads
    the text a character at a time, to make ``w:tab`` and ``w:br`` of tabs and
    line breaks: 15 % of the DOCX writer's time for Paraguay. Text without them
    becomes one ``w:t``, as python-docx would make it, at once."""
    if not text or _RUN_BREAKS.search(text):
        run.text = text
    else:
        run._r.add_t(text)


def set_style_id(element: Paragraph | Run, style_id: str | None) -> None:
    """``w:pStyle`` or ``w:rStyle``; None removes it (the default style).

    The schema puts the style first among a paragraph's or a run's properties,
    so a new one goes there at once; python-docx first looks for each of the
    ~35 elements that may follow it (a quarter of the DOCX writer's time)."""
    xml: CT_P | CT_R = element._p if isinstance(element, Paragraph) else element._r
    if style_id is None:
        xml.style = None
        return
    if isinstance(xml, CT_P):
        properties: Element = xml.get_or_add_pPr()
        tag = "w:pStyle"
    else:
        properties = xml.get_or_add_rPr()
        tag = "w:rStyle"
    style: Element | None = properties.find(qn(tag))
    if style is None:
        style = OxmlElement(tag)
        properties.insert(0, style)
    style.set(qn("w:val"), style_id)


def story_xml(story: _Header | _Footer) -> Element:
    """The ``w:hdr`` or ``w:ftr`` of a header or footer."""
    return story._element


def section_xml(section: Section) -> Element:
    """The ``w:sectPr`` of a section (its page setup)."""
    return section._sectPr


def set_list_level(paragraph: Paragraph, level: int, indent: Length) -> None:
    """Put a list paragraph at a deeper ``level`` (0-8) of its style's
    numbering (the bullets "•", "–", "·" of reference.docx); a style without
    numbering (a designer's reference) gets the paragraph indented instead."""
    style = paragraph.style
    num_id = None
    while style is not None and num_id is None:
        num_id = style.element.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        style = style.base_style
    if num_id is None:
        paragraph.paragraph_format.left_indent = indent
        return
    ppr = paragraph._p.get_or_add_pPr()
    numpr = child(ppr, "w:numPr", PPR_ORDER)
    _set(child(numpr, "w:ilvl", ("w:ilvl", "w:numId")), val=str(min(level, 8)))
    _set(child(numpr, "w:numId", ("w:ilvl", "w:numId")), val=num_id.get(qn("w:val")))


# --- document body, runs, hyperlinks, fields, bookmarks ---------------------


def clear_body(document: DocxDocument) -> None:
    """Empty the reference document's body but keep its ``w:sectPr`` (page setup).

    Links and images of the reference's sample text go too: nothing refers to them
    any more, yet python-docx would save them."""
    document.element.body.clear_content()
    drop_relationships(document.part, {RT.HYPERLINK, RT.IMAGE})


def append_run(parent: Element) -> CT_R:
    """A new empty ``w:r`` at the end of a paragraph or hyperlink element."""
    # OxmlElement is typed for any tag; python-docx registers CT_R for "w:r".
    run = cast(CT_R, OxmlElement("w:r"))
    parent.append(run)
    return run


def add_hyperlink(parent: Element, r_id: str = "", anchor: str = "") -> Element:
    """A ``w:hyperlink`` at the end of ``parent`` (a ``w:p``): external
    (``r_id``) or to a bookmark."""
    link = OxmlElement("w:hyperlink")
    if r_id:
        link.set(qn("r:id"), r_id)
    if anchor:
        link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    parent.append(link)
    return link


def _field_char(parent: Element, kind: str) -> None:
    run: Element = append_run(parent)
    run.append(_element("w:fldChar", fldCharType=kind))


def begin_field(parent: Element, instruction: str) -> None:
    """Open a complex field: what follows, up to :func:`end_field`, is its cached result.

    A complex field (rather than ``w:fldSimple``) because a TOC result spans
    several paragraphs and because Word and LibreOffice both show the cached result
    until the field is updated."""
    _field_char(parent, "begin")
    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {instruction} "
    run: Element = append_run(parent)
    run.append(instr)
    _field_char(parent, "separate")


def end_field(parent: Element) -> None:
    _field_char(parent, "end")


def add_field(parent: Element, instruction: str, cached: str) -> CT_R:
    """A whole field (e.g. ``PAGE``) with ``cached`` as its result; returns the result run."""
    begin_field(parent, instruction)
    result = append_run(parent)
    text = OxmlElement("w:t")
    text.text = cached
    _append(result, text)
    end_field(parent)
    return result


def add_bookmark(paragraph: Paragraph, bookmark_id: int, name: str) -> None:
    """Bookmark the whole paragraph: the cached TOC entries link to it, and so can
    cross-references an editor adds in Word."""
    p = paragraph_xml(paragraph)
    start = _element("w:bookmarkStart", id=str(bookmark_id), name=name)
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        p.insert(0, start)
    else:
        ppr.addnext(start)
    p.append(_element("w:bookmarkEnd", id=str(bookmark_id)))


# --- footnotes ---------------------------------------------------------------

_FOOTNOTES_XML = f"""<w:footnotes {nsdecls("w", "r")}>
  <w:footnote w:type="separator" w:id="-1">
    <w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
      <w:r><w:separator/></w:r></w:p>
  </w:footnote>
  <w:footnote w:type="continuationSeparator" w:id="0">
    <w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>
      <w:r><w:continuationSeparator/></w:r></w:p>
  </w:footnote>
</w:footnotes>"""


def footnotes_part(document: DocxDocument) -> XmlPart:
    """A fresh footnotes part related to the main document part.

    python-docx knows no footnotes part: one in the reference is loaded as an opaque
    blob. Its separator footnotes (which a designer may have styled) are kept, its
    notes dropped, and a new XML part takes its place; without one, Word's standard
    separator (id -1) and continuation separator (id 0) are created.
    """
    doc_part = document.part
    element = parse_xml(_FOOTNOTES_XML.encode())
    for r_id, rel in list(doc_part.rels.items()):
        if rel.reltype == RT.FOOTNOTES and not rel.is_external:
            kept = _separators_of(rel.target_part)
            if kept is not None:
                element = kept
            doc_part.rels.pop(r_id)
    part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, element, doc_part.package)
    doc_part.relate_to(part, RT.FOOTNOTES)
    _declare_footnote_separators(document)
    return part


def _separators_of(old: Part) -> BaseOxmlElement | None:
    try:
        element = parse_xml(old.blob)
    except etree.XMLSyntaxError:
        return None
    for note in element.findall(qn("w:footnote")):
        if note.get(qn("w:type")) in (None, "normal"):
            element.remove(note)
    return element


def _declare_footnote_separators(document: DocxDocument) -> None:
    """``w:footnotePr`` in settings names the separators, as Word writes it."""
    settings = document.settings.element
    pr = child(settings, "w:footnotePr", SETTINGS_ORDER)
    if pr.find(qn("w:footnote")) is None:
        pr.append(_element("w:footnote", id="-1"))
        pr.append(_element("w:footnote", id="0"))


# --- tables and pictures -----------------------------------------------------


def _tr_pr(row: _Row) -> Element:
    return row._tr.get_or_add_trPr()


def repeat_as_header(row: _Row) -> None:
    """The row repeats at the top of every page the table runs onto."""
    child(_tr_pr(row), "w:tblHeader", TRPR_ORDER)


def forbid_row_split(row: _Row) -> None:
    """A row is never broken across pages (answers are short; half rows read badly)."""
    child(_tr_pr(row), "w:cantSplit", TRPR_ORDER)


def set_table_width(table: Table, twips: int) -> None:
    """A fixed total width in twips (python-docx only sets column and cell widths)."""
    tbl_pr = table._tbl.tblPr
    _set(child(tbl_pr, "w:tblW", TBLPR_ORDER), w=str(twips), type="dxa")


def set_table_look(table: Table) -> None:
    """Apply the style's header-row and row-banding formats, not the column ones."""
    tbl_pr = table._tbl.tblPr
    look = child(tbl_pr, "w:tblLook", TBLPR_ORDER)
    look.attrib.clear()
    # val is the same choice as a bit mask for Word 2007: firstRow 0x20 | noVBand 0x400
    _set(look, val="0420", firstRow="1", lastRow="0", firstColumn="0", lastColumn="0",
         noHBand="0", noVBand="1")


def set_alt_text(shape: InlineShape, description: str, name: str, title: str = "") -> None:
    """Alt text for screen readers (``wp:docPr/@descr``), a title (``@title``,
    Word's "Title" of the alt text) and a stable shape name."""
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", description)
    doc_pr.set("name", name)
    if title:
        doc_pr.set("title", title)


def set_table_alt_text(table: Table, title: str, description: str) -> None:
    """A table's alt text title and description (``w:tblCaption``,
    ``w:tblDescription``), which Word's "Alt Text" pane and screen readers show."""
    tbl_pr = table._tbl.tblPr
    _set(child(tbl_pr, "w:tblCaption", TBLPR_ORDER), val=title)
    _set(child(tbl_pr, "w:tblDescription", TBLPR_ORDER), val=description)


# --- language and settings ---------------------------------------------------


def set_language(document: DocxDocument, slots: dict[str, str]) -> None:
    """``w:lang`` in the defaults and every style with run properties, so that Word
    proofs the text in the document's language rather than the reference's.

    ``slots`` maps ``w:lang`` attributes to tags: ``val`` (Latin, Cyrillic ...
    text), ``eastAsia`` (Chinese) and ``bidi`` (Arabic, right-to-left text); Word
    picks the slot by the script of each character, so the other slots keep the
    reference's tags."""
    styles = document.styles.element
    defaults = _doc_defaults(styles)
    rpr_default = child(defaults, "w:rPrDefault", ("w:rPrDefault", "w:pPrDefault"))
    rprs = [child(rpr_default, "w:rPr")]
    rprs += [s.find(qn("w:rPr")) for s in styles.findall(qn("w:style"))]
    for rpr in rprs:
        if rpr is not None:
            _set(child(rpr, "w:lang", RPR_ORDER), **slots)
    settings = document.settings.element
    _set(child(settings, "w:themeFontLang", SETTINGS_ORDER), **slots)


def _doc_defaults(styles: Element) -> Element:
    """The ``w:docDefaults`` of a styles part, created first if missing."""
    return _first_child(styles, "w:docDefaults")


def set_run_lang(run: CT_R, slots: dict[str, str]) -> None:
    """``w:lang`` on one run: text in another language than the document's
    (``slots`` as in :func:`set_language`)."""
    rpr = run.get_or_add_rPr()
    _set(child(rpr, "w:lang", RPR_ORDER), **slots)


def set_run_hint(run: CT_R, hint: str) -> None:
    """``w:rFonts/@w:hint``: which font slot draws the run's characters that
    belong to more than one script (the em dash, curly quotes); ``eastAsia``
    in Chinese text, so they take the CJK font's full-width forms."""
    rpr = run.get_or_add_rPr()
    _set(child(rpr, "w:rFonts", RPR_ORDER), hint=hint)


def drop_italics(document: DocxDocument) -> None:
    """No italic in any style or in the defaults (``w:i``, ``w:iCs``): for a
    language without italics (Chinese, Arabic), whose glyphs a word processor
    would otherwise slant."""
    for rpr in document.styles.element.iter(qn("w:rPr")):
        for tag in ("w:i", "w:iCs"):
            for found in rpr.findall(qn(tag)):
                rpr.remove(found)


def set_east_asian_spacing(document: DocxDocument) -> None:
    """``w:autoSpaceDE`` and ``w:autoSpaceDN`` off in the paragraph defaults:
    Word and LibreOffice otherwise put extra space between Han and Latin
    letters or digits ("2024 年"), which Chinese typesetting here does not want."""
    defaults = _doc_defaults(document.styles.element)
    ppr_default = child(defaults, "w:pPrDefault", ("w:rPrDefault", "w:pPrDefault"))
    ppr = child(ppr_default, "w:pPr")
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        _set(child(ppr, tag, PPR_ORDER), val="0")


def set_run_rtl(run: CT_R) -> None:
    """``w:rtl``: the run is right-to-left text. Word then formats it with the
    complex-script properties, so bold and italic are given as ``w:bCs``/``w:iCs``
    too (size comes from the styles' ``w:szCs``)."""
    rpr = run.get_or_add_rPr()
    for plain, complex_script in (("w:b", "w:bCs"), ("w:i", "w:iCs")):
        if rpr.find(qn(plain)) is not None:
            child(rpr, complex_script, RPR_ORDER)
    child(rpr, "w:rtl", RPR_ORDER)


def mirror(stories: list[Element], section: Element) -> None:
    """Right to left: ``w:bidi`` on every paragraph of ``stories`` (body,
    headers, footers), so alignment, indents and tab stops count from the right
    edge; ``w:bidiVisual`` on every table, so its first column is on the right;
    ``w:bidi`` on the section, so Word treats it as a right-to-left section
    (its page-number and column order)."""
    for story in stories:
        for p in story.iter(qn("w:p")):
            child(_first_child(p, "w:pPr"), "w:bidi", PPR_ORDER)
        for tbl in story.iter(qn("w:tbl")):
            child(_first_child(tbl, "w:tblPr"), "w:bidiVisual", TBLPR_ORDER)
    child(section, "w:bidi", SECTPR_ORDER)


def _first_child(parent: Element, tag: str) -> Element:
    """The ``tag`` child that the schema puts first (``w:pPr`` in ``w:p`` ...),
    created if missing."""
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.insert(0, found)
    return found


def drop_update_fields(document: DocxDocument) -> None:
    """No ``w:updateFields``: with it Word asks on every open whether to update
    the fields, which makes the document look unfinished."""
    settings = document.settings.element
    for element in settings.findall(qn("w:updateFields")):
        settings.remove(element)


# --- used by scripts/make_reference_docx.py to design the styles -------------


def reset_style(style: BaseStyle) -> None:
    """Drop a style's formatting, links and revision ids so that only ours remain."""
    for tag in ("w:link", "w:rsid", "w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr"):
        for found in style.element.findall(qn(tag)):
            style.element.remove(found)


def set_fonts(rpr_parent: Element, latin: str, east_asian: str | None = None,
              complex_script: str | None = None) -> None:
    """The fonts of a style or of the defaults, replacing theme fonts (which are
    Word's Calibri Light/Cambria and would win over an explicit ``w:ascii``).

    Word draws each character with the font of its script's slot: ``w:ascii``
    and ``w:hAnsi`` (Latin, Cyrillic, Greek), ``w:eastAsia`` (Chinese) and
    ``w:cs`` (complex scripts: Arabic, and any run marked ``w:rtl``). A slot
    left out inherits from the defaults."""
    rpr = child(rpr_parent, "w:rPr", STYLE_ORDER if rpr_parent.tag == qn("w:style") else ())
    fonts = child(rpr, "w:rFonts", RPR_ORDER)
    fonts.attrib.clear()
    _set(fonts, ascii=latin, hAnsi=latin)
    if east_asian:
        _set(fonts, eastAsia=east_asian)
    if complex_script:
        _set(fonts, cs=complex_script)


def set_doc_defaults(document: DocxDocument, fonts: tuple[str, str, str], half_points: int,
                     langs: dict[str, str]) -> None:
    """Document-wide run and paragraph defaults (no API for ``w:docDefaults``):
    ``fonts`` for the Latin, East Asian and complex-script slots, the size in
    half points for both ``w:sz`` and ``w:szCs`` (Arabic text is sized by the
    latter), and the ``w:lang`` slots."""
    defaults = _doc_defaults(document.styles.element)
    rpr_default = child(defaults, "w:rPrDefault", ("w:rPrDefault", "w:pPrDefault"))
    for old in list(rpr_default):
        rpr_default.remove(old)
    set_fonts(rpr_default, *fonts)
    rpr = child(rpr_default, "w:rPr")  # the one set_fonts made
    _set(child(rpr, "w:sz", RPR_ORDER), val=str(half_points))
    _set(child(rpr, "w:szCs", RPR_ORDER), val=str(half_points))
    _set(child(rpr, "w:lang", RPR_ORDER), **langs)
    ppr_default = child(defaults, "w:pPrDefault")
    for old in list(ppr_default):
        ppr_default.remove(old)
    _set(child(child(ppr_default, "w:pPr"), "w:spacing", PPR_ORDER),
         after="0", line="240", lineRule="auto")


def mirror_complex_script(style: BaseStyle) -> None:
    """The style's bold, italic and size for complex-script text too
    (``w:bCs``, ``w:iCs``, ``w:szCs``): Word and LibreOffice format Arabic with
    those, so without them an Arabic heading is neither bold nor large."""
    rpr = style.element.find(qn("w:rPr"))
    if rpr is None:
        return
    for plain, complex_script in (("w:b", "w:bCs"), ("w:i", "w:iCs"), ("w:sz", "w:szCs")):
        source = rpr.find(qn(plain))
        if source is None:
            continue
        target = child(rpr, complex_script, RPR_ORDER)
        target.attrib.clear()
        target.attrib.update(source.attrib)


def set_paragraph_border(style: BaseStyle, side: str, eighths: int, color: str, space: int) -> None:
    """A rule above or below a paragraph style (``side`` is "top" or "bottom")."""
    ppr = child(style.element, "w:pPr", STYLE_ORDER)
    borders = child(ppr, "w:pBdr", PPR_ORDER)
    _set(child(borders, f"w:{side}", ("w:top", "w:left", "w:bottom", "w:right", "w:between")),
         val="single", sz=str(eighths), space=str(space), color=color)


def set_outline_level(style: BaseStyle, level: int) -> None:
    """Outline level 0-8 puts a style in the TOC and navigation pane; 9 keeps it out."""
    ppr = child(style.element, "w:pPr", STYLE_ORDER)
    _set(child(ppr, "w:outlineLvl", PPR_ORDER), val=str(level))


def set_numbering(style: BaseStyle, num_id: int) -> None:
    ppr = child(style.element, "w:pPr", STYLE_ORDER)
    numpr = child(ppr, "w:numPr", PPR_ORDER)
    _set(child(numpr, "w:numId", ("w:ilvl", "w:numId")), val=str(num_id))


BULLETS = 1  # numId of the body's bullet list ("•", "–", "·")
QUOTE_BULLETS = 2  # numId of the same bullets moved in by a block quote's indent


def bullet_numbering_xml(bullet_font: str, color: str, quote_indent: int) -> bytes:
    """A numbering part with two bullet lists, "•" then "–" then "·" in colour:
    :data:`BULLETS` at the margin and :data:`QUOTE_BULLETS`, its levels moved
    in by ``quote_indent`` twips (a list inside a block quote).

    Replaces python-docx's template numbering, whose 9 legacy lists have odd indents."""
    def levels(offset: int) -> str:
        return "".join(
            f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
            f'<w:lvlText w:val="{char}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="{offset + left}" w:hanging="357"/></w:pPr>'
            f'<w:rPr><w:rFonts w:ascii="{bullet_font}" w:hAnsi="{bullet_font}"/>'
            f'<w:color w:val="{color}"/></w:rPr></w:lvl>'
            for level, (char, left) in enumerate((("•", 357), ("–", 714), ("·", 1071))))

    abstract = "".join(
        f'<w:abstractNum w:abstractNumId="{index}"><w:nsid w:val="{nsid}"/>'
        f'<w:multiLevelType w:val="hybridMultilevel"/>{levels(offset)}</w:abstractNum>'
        for index, (nsid, offset) in enumerate((("5A1B2C3D", 0), ("5A1B2C3E", quote_indent))))
    nums = "".join(f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{index}"/></w:num>'
                   for index, num_id in enumerate((BULLETS, QUOTE_BULLETS)))
    return f'<w:numbering {nsdecls("w")}>{abstract}{nums}</w:numbering>'.encode()


def replace_numbering(document: DocxDocument, xml: bytes) -> None:
    numbering = document.part.numbering_part.element
    for old in list(numbering):
        numbering.remove(old)
    for new in parse_xml(xml):
        numbering.append(new)
    # the abstractNum must not claim ListBullet as a numbering *style* link
    for link in numbering.iter(qn("w:styleLink")):
        link.getparent().remove(link)


def design_table_style(
    style: BaseStyle, *, rule: str, grid: str, header_fill: str, header_text: str, band_fill: str
) -> None:
    """The table look: coloured header row, hairlines between rows, light banding,
    no vertical lines (UN tables are open at the sides), comfortable cell padding."""
    tbl_pr = child(style.element, "w:tblPr", STYLE_ORDER)
    _set(child(tbl_pr, "w:tblStyleRowBandSize", TBLPR_ORDER), val="1")
    borders = child(tbl_pr, "w:tblBorders", TBLPR_ORDER)
    for side, color, size in (("top", rule, "8"), ("bottom", rule, "8"), ("insideH", grid, "4")):
        borders.append(_element(f"w:{side}", val="single", sz=size, space="0", color=color))
    margins = child(tbl_pr, "w:tblCellMar", TBLPR_ORDER)
    for side, width in (("top", "57"), ("left", "113"), ("bottom", "57"), ("right", "113")):
        margins.append(_element(f"w:{side}", w=width, type="dxa"))
    header = _table_condition(style, "firstRow")
    header_rpr = child(header, "w:rPr", TBLSTYLEPR_ORDER)
    child(header_rpr, "w:b", RPR_ORDER)
    child(header_rpr, "w:bCs", RPR_ORDER)
    _set(child(header_rpr, "w:color", RPR_ORDER), val=header_text)
    child(child(header, "w:trPr", TBLSTYLEPR_ORDER), "w:tblHeader", TRPR_ORDER)
    _shade_cells(header, header_fill)
    _shade_cells(_table_condition(style, "band2Horz"), band_fill)


def _table_condition(style: BaseStyle, kind: str) -> Element:
    condition = _element("w:tblStylePr", type=kind)
    style.element.append(condition)
    return condition


def _shade_cells(condition: Element, fill: str) -> None:
    tc_pr = child(condition, "w:tcPr", TBLSTYLEPR_ORDER)
    _set(child(tc_pr, "w:shd", TCPR_ORDER), val="clear", color="auto", fill=fill)


def describe_font(document: DocxDocument, font: str, alt: str = "", charset: str = "00",
                  family: str = "swiss") -> None:
    """A font-table entry: the family, character set and an alternative name, so
    that a machine without the font substitutes a similar one rather than Times."""
    fonts_part = document.part.part_related_by(RT.FONT_TABLE)
    element: Element = parse_xml(fonts_part.blob)
    for old in element.findall(qn("w:font")):
        if old.get(qn("w:name")) == font:
            element.remove(old)
    entry = _element("w:font", name=font)
    if alt:
        entry.append(_element("w:altName", val=alt))
    entry.append(_element("w:charset", val=charset))
    entry.append(_element("w:family", val=family))
    entry.append(_element("w:pitch", val="variable"))
    element.insert(0, entry)
    _replace_blob(fonts_part, etree.tostring(element, xml_declaration=True, encoding="UTF-8",
                                             standalone=True))


def _replace_blob(part: Part, blob: bytes) -> None:
    # python-docx loads the font table as an opaque part; only its blob can change.
    part._blob = blob


def tidy_settings(document: DocxDocument, compatibility_mode: int) -> None:
    """Word 2013+ layout (no "Compatibility Mode" banner) and no stale proofing state
    (``w:proofState clean`` would tell Word the text was already spell-checked)."""
    settings = document.settings.element
    for tag in ("w:proofState", "w:rsids", "w:attachedTemplate"):
        for found in settings.findall(qn(tag)):
            settings.remove(found)
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), str(compatibility_mode))


def drop_relationships(part: Part, reltypes: set[str]) -> None:
    """Forget related parts (thumbnail, customXml, stylesWithEffects): unreachable parts
    are not saved."""
    for r_id, rel in list(part.rels.items()):
        if rel.reltype in reltypes:
            part.rels.pop(r_id)


def replace_app_properties(document: DocxDocument, application: str) -> None:
    """A minimal ``docProps/app.xml`` naming our generator instead of "Microsoft Macintosh Word"."""
    app = document.part.package.part_related_by(RT.EXTENDED_PROPERTIES)
    _replace_blob(app, _app_properties_xml(application))


def _app_properties_xml(application: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>{application}</Application><DocSecurity>0</DocSecurity>"
        "<LinksUpToDate>false</LinksUpToDate></Properties>"
    ).encode()


def emptied(story: Story) -> Story:
    """A header or footer of its own (not linked to a previous section), emptied of
    whatever the reference document had in it."""
    story.is_linked_to_previous = False
    element = story._element
    for old in list(element):
        element.remove(old)
    return story
