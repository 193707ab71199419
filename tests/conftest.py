"""Shared test options (``pytest --update-golden`` rewrites golden files) and fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen import model as m


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


# --- Paraguay, built once per session ------------------------------------------------------
# Several test modules read the same real profile (PDF and DOCX, English and
# Spanish); building it once for the whole session instead of once per module
# is most of what keeps `make test` under three minutes (issue 14, item 7).

PARAGUAY_EPOCH = "1732000000"
PARAGUAY_LANGS = ("en", "es")


@pytest.fixture(scope="session")
def paraguay_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """build/PRY of `reportgen build PRY` (DOCX and PDF, English and Spanish), with a fixed date.
    Read it, never write into it: other modules share it."""
    from reportgen import build as builder
    from reportgen.config import Config

    out = tmp_path_factory.mktemp("paraguay")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", PARAGUAY_EPOCH)
        summary = builder.build([Path("responses/PRY.yaml")], Config(out=out))
    assert summary.ok, [r.error for r in summary.failed]
    return out / "PRY"


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


class ParaguayPDFs:
    """Paraguay's PDF in any language, each built at most once for the session:
    English and Spanish are the session build's; the others are built on first
    request (test_fonts and test_typography share Russian and Chinese)."""

    def __init__(self, build: Path, out: Path) -> None:
        self.build, self.out = build, out
        self.made: dict[str, Path] = {}

    def __call__(self, *langs: str) -> dict[str, Path]:
        """Language -> PDF (read them, never write into them)."""
        from reportgen import build as builder
        from reportgen.config import Config

        missing = tuple(lang for lang in langs if lang not in PARAGUAY_LANGS and lang not in self.made)
        if missing:
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("SOURCE_DATE_EPOCH", PARAGUAY_EPOCH)
                summary = builder.build([Path("responses/PRY.yaml")],
                                        Config(out=self.out, languages=missing, formats=("pdf",)))
            assert summary.ok, [r.error for r in summary.failed]
            self.made |= {r.task.lang: Path(r.outputs["pdf"].path) for r in summary.built}
        return {lang: self.made.get(lang) or self.build / f"PRY-profile-2024-{lang}-draft.pdf" for lang in langs}


@pytest.fixture(scope="session")
def paraguay_pdfs(paraguay_build: Path, tmp_path_factory: pytest.TempPathFactory) -> ParaguayPDFs:
    """``paraguay_pdfs("ru", "zh")``: Paraguay's PDFs in those languages, built once for the session."""
    return ParaguayPDFs(paraguay_build, tmp_path_factory.mktemp("paraguay-pdfs"))
