"""Shared test options (``pytest --update-golden`` rewrites golden files) and fixtures."""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from reportgen import model as m


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files")


_OWN_CACHE = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """The tests' own cache folder (compiled templates, paths.cache_folder),
    also for the builds they run as processes: never the user's."""
    if "REPORTGEN_CACHE" not in os.environ:
        os.environ["REPORTGEN_CACHE"] = config.stash[_OWN_CACHE] = tempfile.mkdtemp(prefix="reportgen-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    if _OWN_CACHE in config.stash:
        shutil.rmtree(config.stash[_OWN_CACHE], ignore_errors=True)
        del os.environ["REPORTGEN_CACHE"]


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


# --- Paraguay, built once per session ------------------------------------------------------
# Several test modules read the same real profile (PDF and DOCX, English and
# Spanish); building it once for the whole session instead of once per module
# is most of what keeps `make test` under three minutes (issue 14, item 7).
# `make test` runs the tests on pytest-xdist workers: the first worker to need
# a build makes it in a folder they all share, under a lock, and the others
# find it current (the build is incremental) instead of building it again.


def shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder every xdist worker of this session sees (the workers' common
    temporary root), or this process's own without xdist."""
    root = tmp_path_factory.getbasetemp()
    if "PYTEST_XDIST_WORKER" in os.environ:
        root = root.parent
    folder = root / name
    folder.mkdir(exist_ok=True)
    return folder


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """One process at a time in ``folder`` (the others wait)."""
    with (folder.parent / f"{folder.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


PARAGUAY_EPOCH = "1732000000"
PARAGUAY_LANGS = ("en", "es")


@pytest.fixture(scope="session")
def paraguay_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """build/PRY of `reportgen build PRY` (DOCX and PDF, English and Spanish), with a fixed date.
    Read it, never write into it: other modules share it."""
    out = shared_folder(tmp_path_factory, "paraguay")
    with locked(out):
        build_paraguay(out)
    return out / "PRY"


def build_paraguay(out: Path, **settings: object) -> None:
    """Build Paraguay into ``out`` with a fixed date on two workers, as
    ``reportgen build`` does (a session's shared documents are ready in about
    half the time of one process)."""
    from reportgen import build as builder
    from reportgen.config import Config

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", PARAGUAY_EPOCH)
        options = Config(out=out, **settings)
    with builder.default_executor(2, options.formats) as pool:
        summary = builder.build([Path("responses/PRY.yaml")], options, pool)
    assert summary.ok, [r.error for r in summary.failed]


def paraguay_pdf(folder: Path, lang: str) -> Path:
    """Paraguay's PDF in ``lang`` in the build/PRY folder ``folder``."""
    return folder / f"PRY-profile-2024-{lang}-draft.pdf"


@pytest.fixture(scope="session")
def paraguay_documents() -> dict[str, m.Document]:
    """The model of that build, by language (the same date, so the same text)."""
    from reportgen.config import Config
    from reportgen.i18n import Locale
    from reportgen.narrative import build_document
    from reportgen.questionnaire import load
    from reportgen.responses import load_responses

    responses, _ = load_responses(Path("responses/PRY.yaml"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", PARAGUAY_EPOCH)
        return {lang: build_document(responses, load("msq-2024"), Locale(lang, country="PRY"), Config()).document
                for lang in PARAGUAY_LANGS}


@pytest.fixture(scope="session")
def paraguay_html(paraguay_documents: dict[str, m.Document]) -> dict[str, bytes]:
    """The HTML of those models, by language (the build above makes DOCX and PDF only)."""
    from reportgen.config import Config
    from reportgen.writers.html import write_html

    return {lang: write_html(document, Config()) for lang, document in paraguay_documents.items()}


# The other official languages, which test_fonts and test_typography read:
# built together on the first request for any of them, two at a time.
OTHER_OFFICIAL_LANGS = ("fr", "ru", "ar", "zh")


class ParaguayPDFs:
    """Paraguay's PDF in any language, each built at most once for the session:
    English and Spanish are the session build's; the other official languages
    are built together on the first request for one of them, any other
    language on its own first request."""

    def __init__(self, build: Path, out: Path) -> None:
        self.build, self.out = build, out
        self.made: dict[str, Path] = {}

    def __call__(self, *langs: str) -> dict[str, Path]:
        """Language -> PDF (read them, never write into them)."""
        missing = {lang for lang in langs if lang not in PARAGUAY_LANGS and lang not in self.made}
        if missing & set(OTHER_OFFICIAL_LANGS):
            missing |= set(OTHER_OFFICIAL_LANGS) - set(self.made)
        if missing:
            with locked(self.out):  # another worker may have built them: then nothing is built again
                build_paraguay(self.out, languages=tuple(sorted(missing)), formats=("pdf",))
            self.made |= {lang: paraguay_pdf(self.out / "PRY", lang) for lang in missing}
        return {lang: self.made.get(lang) or paraguay_pdf(self.build, lang) for lang in langs}


@pytest.fixture(scope="session")
def paraguay_pdfs(paraguay_build: Path, tmp_path_factory: pytest.TempPathFactory) -> ParaguayPDFs:
    """``paraguay_pdfs("ru", "zh")``: Paraguay's PDFs in those languages, built once for the session."""
    return ParaguayPDFs(paraguay_build, shared_folder(tmp_path_factory, "paraguay-pdfs"))
