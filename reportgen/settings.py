"""Project settings: ``reportgen.toml`` or ``[tool.reportgen]`` in pyproject.toml."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from reportgen.errors import ConfigError
from reportgen.limits import Limits
from reportgen.writers import FORMATS

# 2099-12-31T23:59:59Z: the last second a DOCX (ZIP) date and a PDF date can
# both record for a profile (see inputchecks.LAST_YEAR).
LAST_EPOCH = 4102444799

Format = Literal["docx", "pdf", "html"]


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    organisation: str = Field("United Nations Department of Economic and Social Affairs", min_length=1)
    languages: list[str] = Field(default_factory=lambda: ["en", "es"], min_length=1)
    formats: list[Format] = Field(default_factory=lambda: list[Format](["docx", "pdf"]), min_length=1)
    edition: str | None = None  # None: the edition of each country's questionnaire
    # The imprint's disclaimer and copyright line; unset = the UN wording, translated.
    disclaimer: str | None = Field(None, min_length=1)
    copyright: str | None = Field(None, min_length=1)
    status: Literal["draft", "final"] = "draft"
    pdf_variant: str = "pdf/ua-1"
    responses: Path = Path("responses")
    out: Path = Path("build")
    # A Dask scheduler's address (tcp://host:8786) to build on a cluster, or
    # "local" for a LocalCluster of --jobs workers; None: the local pool.
    scheduler: str | None = None
    limits: Limits = Field(default_factory=Limits)

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, formats: list[str]) -> list[str]:
        unknown = [f for f in formats if f not in FORMATS]
        if unknown:
            raise ValueError(f"unknown format {unknown[0]!r} (known: {', '.join(FORMATS)})")
        return formats


def load_settings(root: Path = Path(".")) -> Settings:
    """``reportgen.toml`` wins over ``pyproject.toml``; neither means defaults."""
    for name, table in (("reportgen.toml", ()), ("pyproject.toml", ("tool", "reportgen"))):
        path = root / name
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from None
        for key in table:
            data = data.get(key, {})
        if name == "pyproject.toml" and not data:
            continue
        try:
            return Settings.model_validate(data)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"]) or "settings"
            prefix = "" if name == "reportgen.toml" else "[tool.reportgen] "
            raise ConfigError(f"{path}: {prefix}{where}: {error['msg'].removeprefix('Value error, ')}") from None
    return Settings()


def source_date_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` (reproducible builds) as an integer, None when it
    is not set; anything else than whole seconds from 1970 to 2099 is a
    one-line ConfigError rather than a crash in a writer."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > LAST_EPOCH:
        shown = value if len(value) <= 40 and value.isprintable() else repr(value[:40])
        raise ConfigError(f"SOURCE_DATE_EPOCH={shown}: expected whole seconds since 1970-01-01 "
                          f"(0 to {LAST_EPOCH}, the end of 2099)")
    return int(value)
