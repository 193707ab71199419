"""``reportgen serve`` in a real browser (Debian's headless Chromium, driven
over the DevTools protocol): edit a template and the page changes by itself;
break it and an overlay names FILE:LINE; fix it and the overlay goes."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reportgen.serve import Preview, Server, start

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (scripts/system-deps.sh test)")]


class Browser:
    """A headless Chromium page driven over the DevTools protocol (websocket-client)."""

    def __init__(self, profile: Path):
        import websocket

        assert CHROMIUM is not None
        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--remote-debugging-port=0",
             f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        port = self._devtools_port()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as reply:
            targets = json.loads(reply.read())
        page = next(t for t in targets if t["type"] == "page")
        self.socket = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.ids = itertools.count(1)

    def _devtools_port(self) -> int:
        assert self.process.stderr is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            found = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
            if found:
                return int(found.group(1))
        raise AssertionError("chromium did not start its DevTools endpoint")

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self.ids)
        self.socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self.socket.recv())
            if reply.get("id") == message_id:
                assert "error" not in reply, reply
                return reply["result"]

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def close(self) -> None:
        self.socket.close()
        self.process.kill()
        self.process.wait(timeout=10)
        if self.process.stderr is not None:
            self.process.stderr.close()


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
def browser(tmp_path: Path) -> Iterator[Browser]:
    opened = Browser(tmp_path / "chromium-profile")
    yield opened
    opened.close()


OVERLAY_SHOWN = "!document.getElementById('reportgen-error').hidden"
OVERLAY_TEXT = "document.getElementById('reportgen-error').textContent"
PAGE_TEXT = "document.body.innerText"


def test_edit_break_and_fix_a_template_in_the_browser(server: Server, browser: Browser) -> None:
    browser.send("Page.enable")
    browser.send("Page.navigate", url=server.url)
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
    broken[heading + 1] = "{{ p.q(59).yess }}"
    template.write_text("\n".join(broken), encoding="utf-8")
    text = wait_for(lambda: browser.evaluate(OVERLAY_SHOWN) and browser.evaluate(OVERLAY_TEXT), "the overlay")
    assert text.endswith(f"D-strategy.md.j2:{heading + 2}: p.q(59) has no attribute 'yess' (did you mean 'yes'?)")
    assert "A sentence the author just wrote." in browser.evaluate(PAGE_TEXT)  # the last good page stays

    # The fix: the overlay goes and the page comes back, refreshed.
    broken[heading + 1] = "A sentence the author fixed."
    template.write_text("\n".join(broken), encoding="utf-8")
    wait_for(lambda: browser.evaluate(OVERLAY_SHOWN) is False
             and "A sentence the author fixed." in browser.evaluate(PAGE_TEXT), "the fixed page")


def test_pdf_pages_on_demand(server: Server) -> None:
    with urllib.request.urlopen(server.url + "pdf", timeout=120) as reply:
        data = reply.read()
    assert data.startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
    assert b"At a glance" in text
