"""The one configuration object (reportgen/config.py): settings, then flags, then frozen."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest
from pydantic import ValidationError

from reportgen.config import Config, Format, load_config
from reportgen.errors import ConfigError
from reportgen.writers import FORMATS


def test_flags_go_over_the_settings_and_unset_flags_keep_them(tmp_path: Path) -> None:
    (tmp_path / "reportgen.toml").write_text('languages = ["fr"]\nstatus = "final"\npdf_variant = "none"\n',
                                             encoding="utf-8")
    config = load_config(tmp_path)
    assert config.languages == ("fr",) and config.pdf_variant is None
    changed = config.with_flags(languages=("en", "es"), status=None, annex=True)
    assert changed.languages == ("en", "es") and changed.status == "final" and changed.annex
    assert config.languages == ("fr",) and not config.annex  # the original is untouched


def test_a_bad_flag_value_is_one_line_naming_the_flag() -> None:
    with pytest.raises(ConfigError) as caught:
        Config().with_flags(status="published")
    assert str(caught.value) == "--status published: Input should be 'draft' or 'final'"


def test_run_only_fields_cannot_come_from_a_settings_file(tmp_path: Path) -> None:
    (tmp_path / "reportgen.toml").write_text("force = true\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"reportgen.toml: force: Extra inputs are not permitted$"):
        load_config(tmp_path)


def test_the_configuration_is_frozen() -> None:
    with pytest.raises(ValidationError):
        Config().strict = True  # type: ignore[misc]


def test_the_build_date_is_resolved_once_when_the_configuration_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1732000000")
    config = Config()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    assert config.source_date_epoch == 1732000000
    assert config.with_flags(annex=True).source_date_epoch == 1732000000  # flags keep it too
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert Config().source_date_epoch is None


def test_a_bad_source_date_epoch_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ConfigError, match=r"^SOURCE_DATE_EPOCH=yesterday: expected whole seconds"):
        Config()


def test_the_settings_formats_are_the_writers() -> None:
    assert sorted(get_args(Format)) == sorted(FORMATS)


def test_the_writers_need_no_pydantic_to_be_imported() -> None:
    """They read the configuration through a Protocol typed without importing it."""
    code = ("import sys, reportgen.writers.html, reportgen.writers.docx, reportgen.writers.pdf; "
            "print(sorted(m for m in sys.modules if m.startswith('pydantic')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
