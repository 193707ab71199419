"""``reportgen serve`` in a real browser (Debian's headless Chromium, driven
by chromedriver through Selenium): edit a template and the page changes by
itself; break it and an overlay names FILE:LINE; fix it and the overlay goes."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reportgen.serve import Preview, Server, start
from tests.chromium import chrome_driver
from tests.responses_factory import minimal_yaml

ROOT = Path(__file__).resolve().parents[1]


class Browser:
    """A headless Chromium page (Selenium), as an author's browser shows the preview."""

    def __init__(self) -> None:
        self.driver = chrome_driver()

    def open(self, url: str) -> None:
        self.driver.get(url)

    def evaluate(self, expression: str) -> Any:
        return self.driver.execute_script(f"return {expression}")

    def close(self) -> None:
        self.driver.quit()


def wait_for(condition: Callable[[], Any], what: str, seconds: float = 30.0) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = condition()
        except Exception:  # the page is reloading: its context went away
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    for folder in ("templates", "locales"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    (tmp_path / "responses").mkdir()
    shutil.copy(ROOT / "responses" / "PRY.yaml", tmp_path / "responses" / "PRY.yaml")
    preview = Preview(tmp_path / "responses" / "PRY.yaml", "en", tmp_path / "templates", tmp_path / "locales")
    running = start(preview, port=0)
    yield running
    running.close()


@pytest.fixture
def browser() -> Iterator[Browser]:
    opened = Browser()
    yield opened
    opened.close()


OVERLAY_SHOWN = "!document.getElementById('reportgen-error').hidden"
OVERLAY_TEXT = "document.getElementById('reportgen-error').textContent"
PAGE_TEXT = "document.body.innerText"


def test_edit_break_and_fix_a_template_in_the_browser(server: Server, browser: Browser) -> None:
    browser.open(server.url)
    wait_for(lambda: "At a glance" in browser.evaluate(PAGE_TEXT), "the profile")
    assert browser.evaluate(OVERLAY_SHOWN) is False

    template = server.preview.templates / "sections" / "D-strategy.md.j2"
    original = template.read_text(encoding="utf-8")
    lines = original.split("\n")
    heading = next(i for i, line in enumerate(lines) if line.startswith("## ")) + 1  # 1-based line
    # An edit: a new sentence appears without touching the browser.
    edited = [*lines[:heading], "", "A sentence the author just wrote.", "", *lines[heading:]]
    template.write_text("\n".join(edited), encoding="utf-8")
    wait_for(lambda: "A sentence the author just wrote." in browser.evaluate(PAGE_TEXT), "the edit in the page")

    # A fault: the overlay names the file and line.
    broken = list(edited)
    broken[heading + 1] = '{{ p.q("national_strategy").yess }}'
    template.write_text("\n".join(broken), encoding="utf-8")
    text = wait_for(lambda: browser.evaluate(OVERLAY_SHOWN) and browser.evaluate(OVERLAY_TEXT), "the overlay")
    assert text.endswith(f"D-strategy.md.j2:{heading + 2}: "
                         "p.q(\"national_strategy\") has no attribute 'yess' (did you mean 'yes'?)")
    assert "A sentence the author just wrote." in browser.evaluate(PAGE_TEXT)  # the last good page stays

    # The fix: the overlay goes and the page comes back, refreshed.
    broken[heading + 1] = "A sentence the author fixed."
    template.write_text("\n".join(broken), encoding="utf-8")
    wait_for(lambda: browser.evaluate(OVERLAY_SHOWN) is False
             and "A sentence the author fixed." in browser.evaluate(PAGE_TEXT), "the fixed page")


@pytest.fixture
def small_server(tmp_path: Path) -> Iterator[Server]:
    """The preview of a small answers file (every required item acknowledged,
    none answered): seven sparse pages, about a quarter of the CPU of Paraguay's ten."""
    (tmp_path / "responses").mkdir()
    answers = tmp_path / "responses" / "PRY.yaml"
    answers.write_text(minimal_yaml(), encoding="utf-8")
    running = start(Preview(answers, "en", ROOT / "templates", ROOT / "locales"), port=0)
    yield running
    running.close()


def test_pdf_pages_on_demand(small_server: Server) -> None:
    with urllib.request.urlopen(small_server.url + "pdf", timeout=120) as reply:
        data = reply.read()
    assert data.startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
    assert b"At a glance" in text
