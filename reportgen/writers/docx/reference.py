"""Reading a reference.docx safely: bounded, and only the parts a profile needs.

A reference document is a ZIP a user may bring from anywhere. It is read with
limits on its number of parts and on their expanded size (both as declared in
the ZIP directory and as actually inflated, since a directory can lie), and
rebuilt in memory from whitelisted parts only: the main document (emptied but
for its page setup), styles, numbering, settings, theme and font table. What
else it may carry (an ``attachedTemplate`` fetched from a server, macros,
custom XML, headers with images, document properties naming its author)
never reaches a profile.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from reportgen.errors import WriterError

if TYPE_CHECKING:
    from reportgen.limits import Limits

_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"

# relationship type (last segment) -> content type of the part it names
WHITELIST = {
    "styles": f"{_WML}.styles+xml",
    "numbering": f"{_WML}.numbering+xml",
    "settings": f"{_WML}.settings+xml",
    "theme": "application/vnd.openxmlformats-officedocument.theme+xml",
    "fontTable": f"{_WML}.fontTable+xml",
}
_MAIN = f"{_WML}.document.main+xml"
_APP = ("application/vnd.openxmlformats-officedocument.extended-properties+xml",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties")
_APP_XML = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            b"<Application>reportgen</Application><DocSecurity>0</DocSecurity>"
            b"<LinksUpToDate>false</LinksUpToDate></Properties>")


def sanitized_reference(path: Path, limits: Limits) -> bytes:
    """The reference document at ``path`` rebuilt from whitelisted parts; any
    problem is a one-line WriterError naming the file."""
    try:
        with zipfile.ZipFile(path) as archive:
            return _Reader(path, archive, limits).rebuild()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise WriterError(f"{path}: not a usable DOCX reference document ({exc})") from None
    except etree.XMLSyntaxError as exc:
        raise WriterError(f"{path}: not a usable DOCX reference document (malformed XML: {exc})") from None


class _Reader:
    def __init__(self, path: Path, archive: zipfile.ZipFile, limits: Limits):
        self.path, self.archive, self.limits = path, archive, limits
        entries = archive.infolist()
        if len(entries) > limits.reference_docx_parts:
            self.refuse(f"{len(entries)} parts (limit: reference_docx_parts = {limits.reference_docx_parts})")
        declared = sum(entry.file_size for entry in entries)
        if declared > limits.reference_docx_bytes:
            self.refuse(f"expands to {declared:,} bytes (limit: reference_docx_bytes = "
                        f"{limits.reference_docx_bytes:,})")
        self.budget = limits.reference_docx_bytes

    def refuse(self, why: str) -> None:
        raise WriterError(f"{self.path}: refused as a reference document: {why}")

    def read(self, name: str) -> bytes:
        """One part, inflated no further than what is left of the budget."""
        try:
            with self.archive.open(name) as stream:
                data = stream.read(self.budget + 1)
        except KeyError:
            raise WriterError(f"{self.path}: not a usable DOCX reference document (no part {name})") from None
        if len(data) > self.budget:
            self.refuse(f"its parts expand beyond {self.limits.reference_docx_bytes:,} bytes "
                        "(limit: reference_docx_bytes)")
        self.budget -= len(data)
        return data

    def xml(self, name: str) -> etree._Element:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        return etree.fromstring(self.read(name), parser)

    def rebuild(self) -> bytes:
        main = self.main_part()
        folder = posixpath.dirname(main)
        rels_name = posixpath.join(folder, "_rels", posixpath.basename(main) + ".rels")
        kept: dict[str, bytes] = {main: _page_setup_only(self.xml(main))}
        types = {main: _MAIN}
        rels = etree.Element(f"{{{_PKG_RELS}}}Relationships", nsmap={None: _PKG_RELS})
        for rel in self.xml(rels_name) if rels_name in self.archive.namelist() else []:
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            if kind not in WHITELIST or rel.get("TargetMode") == "External":
                continue
            target = posixpath.normpath(posixpath.join(folder, rel.get("Target", "")))
            if target in kept or target.startswith("../"):
                continue
            kept[target] = _without_relationships(self.xml(target))
            types[target] = WHITELIST[kind]
            etree.SubElement(rels, f"{{{_PKG_RELS}}}Relationship", Id=rel.get("Id", ""), Type=rel.get("Type", ""),
                             Target=rel.get("Target", ""))
        kept[rels_name] = _serialize(rels)
        kept["docProps/app.xml"] = _APP_XML
        types["docProps/app.xml"] = _APP[0]
        kept["_rels/.rels"] = _package_rels(main)
        return _zip({"[Content_Types].xml": _content_types(types), **kept})

    def main_part(self) -> str:
        for rel in self.xml("_rels/.rels"):
            if rel.get("Type") == _OFFICE_DOCUMENT:
                return posixpath.normpath(rel.get("Target", "").lstrip("/"))
        raise WriterError(f"{self.path}: not a usable DOCX reference document (no main document part)")


def _without_relationships(root: etree._Element) -> bytes:
    """A part with every element that points elsewhere removed: in settings
    ``attachedTemplate`` (a template fetched when the document opens),
    ``mailMerge`` data sources, in numbering picture bullets."""
    for element in list(root.iter()):
        parent = element.getparent()
        if parent is not None and (
                element.tag == f"{{{_W}}}attachedTemplate"
                or any(name.startswith(f"{{{_R}}}") for name in element.attrib)):
            parent.remove(element)
    return _serialize(root)


def _page_setup_only(root: etree._Element) -> bytes:
    """The main document with an empty body but for its last section
    properties (page size, margins), without header or footer references."""
    body = root.find(f"{{{_W}}}body")
    if body is None:
        # code 0: no libxml2 error code applies (nothing reads it)
        raise etree.XMLSyntaxError("the main document has no body", 0, 0, 0, None)
    sections = body.findall(f"{{{_W}}}sectPr")
    for child in list(body):
        body.remove(child)
    if sections:
        body.append(sections[-1])
    return _without_relationships(root)


def _package_rels(main: str) -> bytes:
    rels = etree.Element(f"{{{_PKG_RELS}}}Relationships", nsmap={None: _PKG_RELS})
    etree.SubElement(rels, f"{{{_PKG_RELS}}}Relationship", Id="rId1", Type=_OFFICE_DOCUMENT, Target=main)
    etree.SubElement(rels, f"{{{_PKG_RELS}}}Relationship", Id="rId2", Type=_APP[1], Target="docProps/app.xml")
    return _serialize(rels)


def _content_types(types: dict[str, str]) -> bytes:
    root = etree.Element(f"{{{_CT}}}Types", nsmap={None: _CT})
    etree.SubElement(root, f"{{{_CT}}}Default", Extension="rels",
                     ContentType="application/vnd.openxmlformats-package.relationships+xml")
    etree.SubElement(root, f"{{{_CT}}}Default", Extension="xml", ContentType="application/xml")
    for name, content_type in sorted(types.items()):
        etree.SubElement(root, f"{{{_CT}}}Override", PartName=f"/{name}", ContentType=content_type)
    return _serialize(root)


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()
