"""Project settings: ``reportgen.toml`` or ``[tool.reportgen]`` in pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from reportgen.errors import ConfigError
from reportgen.writers import FORMATS

Format = Literal["docx", "pdf", "html"]


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    organisation: str = Field("United Nations Department of Economic and Social Affairs", min_length=1)
    languages: list[str] = Field(default_factory=lambda: ["en", "es"], min_length=1)
    formats: list[Format] = Field(default_factory=lambda: ["docx", "pdf"], min_length=1)
    edition: str | None = None  # None: the edition of each country's questionnaire
    status: Literal["draft", "final"] = "draft"
    pdf_variant: str = "pdf/ua-1"
    responses: Path = Path("responses")
    out: Path = Path("build")

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
