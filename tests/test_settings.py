"""Settings from reportgen.toml or [tool.reportgen], validated with clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.errors import ConfigError
from reportgen.settings import load_settings


def test_project_settings_are_read_from_pyproject() -> None:
    settings = load_settings(Path("."))
    assert settings.languages == ["en", "es"] and settings.formats == ["docx", "pdf"]
    assert settings.organisation.startswith("United Nations")


def test_reportgen_toml_wins(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.reportgen]\nedition = "2024"\n', encoding="utf-8")
    (tmp_path / "reportgen.toml").write_text('edition = "2026"\nformats = ["pdf"]\n', encoding="utf-8")
    settings = load_settings(tmp_path)
    assert settings.edition == "2026" and settings.formats == ["pdf"]


def test_defaults_without_any_file(tmp_path: Path) -> None:
    assert load_settings(tmp_path).languages == ["en", "es"]


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
        load_settings(tmp_path)
    assert message in str(caught.value) and "\n" not in str(caught.value)
