"""Settings from reportgen.toml or [tool.reportgen], validated with clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.config import Config, load_config
from reportgen.errors import ConfigError


def test_project_settings_are_read_from_pyproject() -> None:
    settings = load_config(Path("."))
    assert settings.languages == ("en", "es") and settings.formats == ("docx", "pdf")
    assert settings.organisation.startswith("United Nations")


def test_reportgen_toml_wins(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.reportgen]\nedition = "2024"\n', encoding="utf-8")
    (tmp_path / "reportgen.toml").write_text('edition = "2026"\nformats = ["pdf"]\n', encoding="utf-8")
    settings = load_config(tmp_path)
    assert settings.edition == "2026" and settings.formats == ("pdf",)


def test_defaults_without_any_file(tmp_path: Path) -> None:
    assert load_config(tmp_path).languages == ("en", "es")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('formats = ["odt"]\n', "reportgen.toml: formats.0: Input should be 'docx', 'pdf' or 'html'"),
        ('colour = "blue"\n', "reportgen.toml: colour: Extra inputs are not permitted"),
        ("languages = [\n", "reportgen.toml: "),
        ('status = "published"\n', "status: Input should be 'draft' or 'final'"),
    ],
)
def test_bad_settings_are_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "reportgen.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_imprint_disclaimer_and_copyright_are_settings(tmp_path: Path) -> None:
    """Set in reportgen.toml, they reach the imprint as written (untranslated); unset, the UN wording."""
    from reportgen import model as m
    from reportgen.i18n import Locale
    from reportgen.narrative import build_document
    from reportgen.questionnaire import load
    from reportgen.responses import load_responses

    (tmp_path / "reportgen.toml").write_text(
        'disclaimer = "Views are the Government\'s own."\ncopyright = "© Example Agency, 2026."\n', encoding="utf-8")
    settings = load_config(tmp_path)
    responses, _ = load_responses(Path("responses/PRY.yaml"))
    texts = {}
    for name, options in (("custom", Config(disclaimer=settings.disclaimer, copyright=settings.copyright)),
                          ("default", Config())):
        document = build_document(responses, load("msq-2024"), Locale("es", country="PRY"), options).document
        imprint = next(s for s in document.sections if s.kind == "imprint")
        texts[name] = [m.plain_text(b.children) for b in imprint.blocks if isinstance(b, m.Paragraph)]
    assert texts["custom"][-2:] == ["Views are the Government\u2019s own.", "© Example Agency, 2026."]
    assert texts["default"][-1].startswith("© Naciones Unidas, ")
    assert "Secretaría de las Naciones Unidas" in texts["default"][-2]


def test_empty_disclaimer_is_refused(tmp_path: Path) -> None:
    (tmp_path / "reportgen.toml").write_text('disclaimer = ""\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="disclaimer"):
        load_config(tmp_path)
