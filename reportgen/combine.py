"""One PDF per language with every country's profile (``reportgen combine``).

For a publication team that prints, proofs or circulates a whole edition: the
PDFs the last build recorded in ``run.json`` (built or already current), in
the order of the countries' UN names in that language, each country a
bookmark with its own sections under it.

The combined file is for printing and review, not for publication: pikepdf
joins pages, not structure trees, so it is not tagged and claims no PDF/UA
or PDF/A; the per-country files stay the accessible, archival ones.
"""

from __future__ import annotations

import hashlib
import io
import json
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Name, OutlineItem

from reportgen.config import source_date_epoch
from reportgen.countries import un_name
from reportgen.errors import ReportgenError
from reportgen.files import write_atomic

COMBINED_FOLDER = "combined"


@dataclass(frozen=True)
class Profile:
    country: str  # alpha-3
    name: str  # UN short name in the language (the code when the table has none)
    path: Path
    sha256: str = ""  # as run.json records it


def recorded_pdfs(out: Path, lang: str) -> list[Profile]:
    """The current PDFs of ``lang`` that ``out/run.json`` records, by UN name."""
    record = out / "run.json"
    try:
        run = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportgenError(f"{record}: no readable run record ({exc}); run reportgen build first") from None
    profiles = []
    for document in run.get("documents", []):
        if document.get("language") != lang or document.get("result") not in ("built", "skipped"):
            continue
        for output in document.get("outputs", []):
            if output.get("format") == "pdf":
                country = str(document["country"])
                profiles.append(Profile(country, un_name(country, lang) or country, out / output["path"],
                                        str(output.get("sha256", ""))))
    if not profiles:
        raise ReportgenError(f"{record}: no PDF in {lang!r} was built (build with --format pdf --lang {lang})")
    return sorted(profiles, key=lambda p: _sort_key(p.name))


def _sort_key(name: str) -> str:
    """Alphabetical as a reader looks names up: accents and case do not count."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def combine(out: Path, lang: str) -> tuple[Path, int]:
    """Write ``out/combined/profiles-<lang>.pdf``; its path and how many countries it holds."""
    profiles = recorded_pdfs(out, lang)
    combined = pikepdf.new()
    title = ""
    outline_items: list[OutlineItem] = []
    for profile in profiles:
        first_page = len(combined.pages)
        try:
            source = pikepdf.open(io.BytesIO(_recorded_bytes(profile, out)))
        except pikepdf.PdfError as exc:
            raise ReportgenError(f"{profile.path}: not a readable PDF ({exc}); run reportgen build again") from None
        with source:
            pages = {page.obj.objgen: number for number, page in enumerate(source.pages)}
            with source.open_outline() as outline:
                children = [_copy_item(item, pages, first_page) for item in outline.root]
            if not title:  # the profiles' own title, in their language
                title = str(source.docinfo.get(Name.Title, "")).partition(":")[0]
            # add_pages_from carries the named destinations the contents' and the
            # references' links point to (pages.extend would leave them dangling).
            combined.add_pages_from(source)
        item = OutlineItem(profile.name, first_page)
        item.children.extend(children)
        outline_items.append(item)
    with combined.open_outline() as outline:
        # add_pages_from carries each source's bookmarks to the top level;
        # they are replaced by one bookmark per country with them underneath.
        outline.root.clear()
        outline.root.extend(outline_items)
    _describe(combined, lang, title)
    target = out / COMBINED_FOLDER / f"profiles-{lang}.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, _saved(combined))
    return target, len(profiles)


def _recorded_bytes(profile: Profile, out: Path) -> bytes:
    """The PDF run.json records, as it recorded it: a file that is missing,
    outside the folder or changed since is a one-line error, not a stale page."""
    if out.resolve() not in profile.path.resolve().parents:
        raise ReportgenError(f"{out / 'run.json'}: {profile.path} is outside the output folder")
    try:
        data = profile.path.read_bytes()
    except OSError as exc:
        raise ReportgenError(f"{profile.path}: cannot read it ({exc.strerror or exc}); "
                             "run reportgen build again") from None
    if profile.sha256 and hashlib.sha256(data).hexdigest() != profile.sha256:
        raise ReportgenError(f"{profile.path}: changed since the build that recorded it in run.json; "
                             "run reportgen build again")
    return data


def _copy_item(item: OutlineItem, pages: dict[tuple[int, int], int], offset: int) -> OutlineItem:
    """A bookmark of a country's PDF, pointing at the same page of the combined one."""
    copy = OutlineItem(str(item.title), offset + _page_number(item, pages))
    copy.children.extend(_copy_item(child, pages, offset) for child in item.children)
    return copy


def _page_number(item: OutlineItem, pages: dict[tuple[int, int], int]) -> int:
    """The page an explicit destination ([page /XYZ ...]) names; 0 otherwise."""
    destination: Any = item.destination
    if isinstance(destination, pikepdf.Array) and len(destination) and isinstance(destination[0], pikepdf.Dictionary):
        return pages.get(destination[0].objgen, 0)
    return 0


def _describe(pdf: pikepdf.Pdf, lang: str, title: str) -> None:
    epoch = source_date_epoch()
    moment = datetime.fromtimestamp(epoch, UTC) if epoch is not None else None
    pdf.Root.Lang = pikepdf.String(lang)
    pdf.Root.PageMode = Name.UseOutlines
    pdf.docinfo[Name.Title] = pikepdf.String(title)
    if moment is not None:
        stamp = moment.strftime("D:%Y%m%d%H%M%SZ")
        pdf.docinfo[Name.CreationDate] = pikepdf.String(stamp)
        pdf.docinfo[Name.ModDate] = pikepdf.String(stamp)


def _saved(pdf: pikepdf.Pdf) -> bytes:
    buffer = io.BytesIO()
    # The same inputs and SOURCE_DATE_EPOCH give the same bytes.
    pdf.save(buffer, deterministic_id=True, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()
