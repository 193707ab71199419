"""The site index (reportgen build --site-index): every country and language in
the output folder, linked to the files that exist, read back with html.parser."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from click.testing import CliRunner

from reportgen.site import index_html, profiles, write_index


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.h1 = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.append(dict(attrs)["href"] or "")
        self.h1 += tag == "h1"


def touch(out: Path, *names: str) -> None:
    for name in names:
        path = out / name[:3] / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")


def test_index_links_every_file_present(tmp_path: Path) -> None:
    touch(tmp_path, "PRY-profile-en.html", "PRY-profile-en.pdf", "PRY-profile-es.docx", "URY-profile-es.pdf",
          "URY-notes.txt")
    page = write_index(tmp_path).read_text(encoding="utf-8")
    parser = Links()
    parser.feed(page)
    assert parser.links == ["PRY/PRY-profile-en.html", "PRY/PRY-profile-en.pdf", "PRY/PRY-profile-es.docx",
                            "URY/URY-profile-es.pdf"]
    assert parser.h1 == 1
    assert "Paraguay (PRY)" in page and "Uruguay (URY)" in page and "español" in page
    assert [(p.code, p.lang) for p in profiles(tmp_path)] == [("PRY", "en"), ("PRY", "es"), ("URY", "es")]


def test_index_escapes_and_says_when_empty(tmp_path: Path) -> None:
    assert "No profiles have been built yet." in index_html([])
    assert "<script>" not in index_html([], title="<script>")


def test_cli_writes_the_index(tmp_path: Path) -> None:
    from reportgen.cli import cli

    result = CliRunner().invoke(cli, ["build", "PRY", "--lang", "en", "--format", "html", "--out", str(tmp_path),
                                       "--jobs", "0", "--site-index"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'href="PRY/PRY-profile-2024-en-draft.html"' in page
