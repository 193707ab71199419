"""One PDF per language with every country's profile (``reportgen combine``).

For a publication team that prints, proofs or circulates a whole edition: the
PDFs the last build recorded in ``run.json`` (built or already current), in
the order of the countries' UN names in that language, each country a
bookmark with its own sections under it; ``plan`` decides what a file holds
(and refuses an edition that would silently leave countries out), ``write``
joins the pages.

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


@dataclass(frozen=True)
class Edition:
    """What one combined file holds, decided before anything is written."""

    out: Path  # the build's output folder
    lang: str
    profiles: list[Profile]
    left_out: list[str]  # "URY (failed in the last build)", one per country not in it
    target: Path


def plan(out: Path, lang: str, partial: bool = False) -> Edition:
    """The combined file of ``lang``: every PDF the last build recorded. A
    country the folder holds that the edition would leave out (failed in the
    last build, or not part of it: a build of one country after the batch) is
    an error unless ``partial``: a combined edition is not silently short."""
    record = out / "run.json"
    try:
        run = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportgenError(f"{record}: no readable run record ({exc}); run reportgen build first") from None
    profiles = recorded_pdfs(run, out, lang)
    if not profiles:
        raise ReportgenError(f"{record}: no PDF in {lang!r} was built (build with --format pdf --lang {lang})")
    left_out = _left_out(run, out, lang, {p.country for p in profiles})
    if run.get("interrupted"):
        left_out.append("any country the interrupted build did not reach")
    if left_out and not partial:
        raise ReportgenError(f"{record}: the {lang!r} edition would leave out {', '.join(left_out)}; "
                             "build them with the others, or combine --partial")
    for profile in profiles:  # every file as recorded, before any combined file is written
        _recorded_bytes(profile, out)
    # What a printer must not confuse is in the name, as in each country's (docs/batches.md).
    internal = run.get("settings", {}).get("internal") in (True, "True")
    suffix = ("" if run.get("status") == "Final" else "-draft") + ("-internal" if internal else "")
    return Edition(out, lang, profiles, left_out, out / COMBINED_FOLDER / f"profiles-{lang}{suffix}.pdf")


def recorded_pdfs(run: dict[str, Any], out: Path, lang: str) -> list[Profile]:
    """The current PDFs of ``lang`` that the run record holds, by UN name."""
    profiles = []
    for document in run.get("documents", []):
        if document.get("language") != lang or document.get("result") not in ("built", "skipped"):
            continue
        for output in document.get("outputs", []):
            if output.get("format") == "pdf":
                country = str(document["country"])
                profiles.append(Profile(country, un_name(country, lang) or country, out / output["path"],
                                        str(output.get("sha256", ""))))
    return sorted(profiles, key=lambda p: _sort_key(p.name))


def _left_out(run: dict[str, Any], out: Path, lang: str, combined: set[str]) -> list[str]:
    """Each country of the folder with no PDF in the edition, and why."""
    from reportgen.build import COUNTRY_CODE, read_manifest

    reasons: dict[str, str] = {}
    in_run = set()
    for document in run.get("documents", []):
        country = str(document.get("country", ""))
        if document.get("language") != lang or country in combined:
            continue
        in_run.add(country)
        reasons[country] = "failed in the last build" if document.get("result") == "failed" else "no PDF built"
    for folder in sorted(out.iterdir()) if out.is_dir() else []:
        country = folder.name
        if country in combined or country in in_run or not COUNTRY_CODE.fullmatch(country) or not folder.is_dir():
            continue
        outputs = read_manifest(out, country)["outputs"].values()
        if any(isinstance(e, dict) and e.get("language") == lang and e.get("format") == "pdf" for e in outputs):
            reasons[country] = "not in the last build"
    return [f"{country} ({reason})" for country, reason in sorted(reasons.items())]


def _sort_key(name: str) -> str:
    """Alphabetical as a reader looks names up: accents and case do not count."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def write(edition: Edition) -> Path:
    """Join the edition's PDFs into ``edition.target``."""
    profiles, lang = edition.profiles, edition.lang
    combined = pikepdf.new()
    title = ""
    outline_items: list[OutlineItem] = []
    for profile in profiles:
        first_page = len(combined.pages)
        try:
            source = pikepdf.open(io.BytesIO(_recorded_bytes(profile, edition.out)))
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
    edition.target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(edition.target, _saved(combined))
    return edition.target


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
