"""The standalone HTML profile in a real browser: Debian's Chromium, driven by
chromedriver through Selenium, at 320 and 1280 CSS px; axe-core (npm, installed
under tests/browser/ by make test) must find no violation, and nothing may
scroll sideways (WCAG 1.4.10). Screenshots are kept with the test's files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reportgen.config import Config
from reportgen.writers.html import write_html
from tests.chromium import chrome_driver
from tests.writers.test_html import hostile_document

AXE = Path(__file__).parents[1] / "browser" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (320, 1280)
MAX_BYTES = 400_000


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (make test runs npm install in tests/browser)")
    driver = chrome_driver()
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def paraguay_html(paraguay_html: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Paraguay's English HTML (made once for the session by tests/conftest.py's
    fixture of the same name) as a file."""
    path = tmp_path_factory.mktemp("browser") / "PRY-profile-en.html"
    path.write_bytes(paraguay_html["en"])
    return path


def check_page(driver, path: Path, width: int, shot: Path) -> tuple[int, int, list[dict]]:
    """Load ``path`` at ``width`` CSS px: (page width, viewport width, axe violations)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500})
    driver.get(path.resolve().as_uri())
    scroll, viewport = driver.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    driver.save_screenshot(str(shot))
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    violations = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))))"
        ".catch(e => done([{id: 'axe-error', help: String(e)}]));")
    return scroll, viewport, violations


def test_paraguay_html_is_small(paraguay_html: Path) -> None:
    assert paraguay_html.stat().st_size <= MAX_BYTES


@pytest.mark.parametrize("width", WIDTHS)
def test_paraguay_html_in_chromium(browser, paraguay_html: Path, width: int) -> None:
    shot = paraguay_html.with_name(f"PRY-en-{width}.png")
    scroll, viewport, violations = check_page(browser, paraguay_html, width, shot)
    assert scroll <= viewport, f"scrolls sideways at {width} px: {scroll} > {viewport}"
    assert violations == []
    assert shot.stat().st_size > 1000


def test_hostile_answers_in_chromium(browser, tmp_path: Path) -> None:
    """Long words and URLs in answers do not make the page scroll sideways."""
    path = tmp_path / "hostile.html"
    path.write_bytes(write_html(hostile_document(), Config()))
    scroll, viewport, violations = check_page(browser, path, 320, tmp_path / "hostile.png")
    assert scroll <= viewport
    assert violations == []


def test_the_harness_sees_planted_faults(browser, tmp_path: Path) -> None:
    """Proof that the checks above can fail: a wide element, an image without
    alt text and grey text on white (2.3:1)."""
    path = tmp_path / "faulty.html"
    path.write_text('<!DOCTYPE html><html lang="en"><head><meta name="viewport" content="width=device-width">'
                    '<title>Faulty</title></head><body><main>'
                    '<h1>Faulty</h1><div style="width: 900px">wide</div><img src="x.png">'
                    '<p style="color: #AAAAAA">grey</p></main></body></html>', encoding="utf-8")
    scroll, viewport, violations = check_page(browser, path, 320, tmp_path / "faulty.png")
    assert scroll > viewport
    assert {"image-alt", "color-contrast"} <= {v["id"] for v in violations}


def test_site_index_in_chromium(browser, paraguay_html: Path) -> None:
    from reportgen.site import write_index

    out = paraguay_html.parent / "site"
    (out / "PRY").mkdir(parents=True, exist_ok=True)
    (out / "PRY" / "PRY-profile-en.html").write_bytes(paraguay_html.read_bytes())
    (out / "PRY" / "PRY-profile-es.pdf").write_bytes(b"%PDF-1.7")
    index = write_index(out)
    for width in WIDTHS:
        scroll, viewport, violations = check_page(browser, index, width, out / f"index-{width}.png")
        assert scroll <= viewport
        assert violations == []


VNU = Path(__file__).parents[1] / "browser" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.mark.slow
def test_nu_html_checker_finds_no_error(paraguay_html: Path, tmp_path: Path) -> None:
    """The Nu HTML Checker (vnu-jar from npm, on Debian's Java): no error in the
    profile or the site index, and it does report a planted one (one JVM run)."""
    import json
    import shutil
    import subprocess

    from reportgen.site import write_index

    java = shutil.which("java")
    if java is None or not VNU.is_file():
        pytest.skip("java (default-jre-headless) or vnu-jar is not installed (make test installs them)")
    (tmp_path / "PRY").mkdir()
    (tmp_path / "PRY" / "PRY-profile-en.html").write_bytes(paraguay_html.read_bytes())
    index = write_index(tmp_path)
    faulty = tmp_path / "faulty.html"
    faulty.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head>'
                      '<body><p id="a">one</p><p id="a">two</p></body></html>', encoding="utf-8")
    files = [tmp_path / "PRY" / "PRY-profile-en.html", index, faulty]
    result = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
                            capture_output=True, text=True, timeout=240, check=False)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    by_file = {Path(m["url"].removeprefix("file:")).name for m in messages}
    assert by_file == {"faulty.html"}, messages[:5]


def test_arabic_page_is_right_to_left_in_chromium(browser, tmp_path: Path) -> None:
    """Chromium computes direction rtl for the body, puts the tables' first
    column (the row headers) at the right, lays out the headings from the
    right edge, and keeps an isolated Spanish title in its own order."""
    from tests.writers.sample import arabic_document

    path = tmp_path / "ar.html"
    path.write_bytes(write_html(arabic_document(), Config(), standalone=True))
    for width in (390, 1280):
        scroll, viewport, violations = check_page(browser, path, width, tmp_path / f"ar-{width}.png")
        assert scroll <= viewport and violations == []
        direction, first, second, heading, body = browser.execute_script(
            "const row = document.querySelector('tbody tr');"
            "const h = document.querySelector('main h2').getBoundingClientRect();"
            "const b = document.body.getBoundingClientRect();"
            "return [getComputedStyle(document.body).direction,"
            " row.cells[0].getBoundingClientRect().left, row.cells[1].getBoundingClientRect().left,"
            " [h.left, h.right], [b.left, b.right]];")
        assert direction == "rtl"
        assert first > second
        assert abs(heading[1] - body[1]) < 40 and heading[0] < body[1]
        spanish = browser.execute_script(
            "const s = document.querySelector('span[lang=es]');"
            "return [getComputedStyle(s).direction, getComputedStyle(s).unicodeBidi];")
        assert spanish == ["ltr", "isolate"]
