"""The one configuration of a run: settings files, then command-line flags.

``Config`` is read once (:func:`load_config`: ``reportgen.toml``, else
``[tool.reportgen]`` of pyproject.toml, else defaults), then updated with the
command line's flags (:meth:`Config.with_flags`, validated again), and handed
as it is to the build, the narrative and the writers. Those two take it
through narrow read-only Protocols (``narrative.NarrativeConfig``,
``writers.WriterConfig``) so that they need neither pydantic nor a copy of
the fields. The build date (``SOURCE_DATE_EPOCH``) is resolved once, when the
object is made, and travels with it to every worker: output keys and output
bytes use the same value, and nothing changes ``os.environ`` at run time.

Fields marked *run* below come from the command line or the Python API only;
a settings file may not set them (``force = true`` in reportgen.toml would
make every build a full one without anyone asking).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from reportgen.errors import ConfigError
from reportgen.limits import Limits
from reportgen.paths import LOCALES, TEMPLATES
from reportgen.policy import Policy

# 2099-12-31T23:59:59Z: the last second a DOCX (ZIP) date and a PDF date can
# both record for a profile (see inputchecks.LAST_YEAR).
LAST_EPOCH = 4102444799
DEFAULT_ORGANISATION = "United Nations Department of Economic and Social Affairs"
# The writers' registry names these too (writers.FORMATS); a test keeps the two equal.
Format = Literal["docx", "pdf", "html"]


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


class Config(BaseModel):
    """Everything a build, the narrative and the writers are told (docs/configuration.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # --- settings (reportgen.toml / [tool.reportgen]); most have a flag too
    organisation: str = Field(DEFAULT_ORGANISATION, min_length=1)
    languages: tuple[str, ...] = Field(("en", "es"), min_length=1)
    formats: tuple[Format, ...] = Field(("docx", "pdf"), min_length=1)
    # None: the edition of each country's questionnaire. Part of every file name: a word, never a path.
    edition: str | None = Field(None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
    # The imprint's disclaimer and copyright line; unset = the UN wording, translated.
    disclaimer: str | None = Field(None, min_length=1)
    copyright: str | None = Field(None, min_length=1)
    status: Literal["draft", "final"] = "draft"
    pdf_variant: str | None = "pdf/ua-1"  # None (written "none"): a plain PDF
    responses: Path = Path("responses")
    out: Path = Path("build")
    # A Dask scheduler's address (tcp://host:8786) to build on a cluster, or
    # "local" for a LocalCluster of --jobs workers; None: the local pool.
    scheduler: str | None = None
    limits: Limits = Field(default_factory=Limits)

    # --- run: flags and the Python API only
    strict: bool = False
    annex: bool = False
    internal: bool = False
    force: bool = False
    docx_page_numbers: bool = False  # contents page numbers from a LibreOffice layout pass
    reference_docx: Path | None = None  # overrides templates/reference.docx
    templates: Path = TEMPLATES  # the effective templates folder (a project's merged over the defaults)
    locales: Path = LOCALES
    # The build date: read from the environment once, when the object is made.
    source_date_epoch: int | None = Field(default_factory=source_date_epoch, ge=0, le=LAST_EPOCH)

    @field_validator("pdf_variant", mode="before")
    @classmethod
    def _none_is_plain(cls, value: Any) -> Any:
        return None if value == "none" else value

    @property
    def policy(self) -> Policy:
        """What status, --strict and --internal demand of a document (policy.py)."""
        return Policy.of(self.status, self.strict, self.internal)

    def with_flags(self, **flags: Any) -> Config:
        """A copy with the command line's flags over the settings, validated
        again; a flag left unset (None) keeps the setting. A bad value is a
        one-line ConfigError naming the flag."""
        given = {name: value for name, value in flags.items() if value is not None}
        try:
            return type(self).model_validate({**dict(self), **given})
        except ValidationError as exc:
            error = exc.errors()[0]
            name = str(error["loc"][0]) if error["loc"] else "?"
            shown = f"--{name.replace('_', '-')} {given[name]}" if name in given else name
            raise ConfigError(f"{shown}: {error['msg'].removeprefix('Value error, ')}") from None


# What a settings file may set: the fields above the "run" line (``limits`` is the last).
_FIELDS = list(Config.model_fields)
FILE_KEYS = frozenset(_FIELDS[: _FIELDS.index("limits") + 1])


def settings_files(root: Path = Path(".")) -> tuple[Path, Path]:
    """The two files a configuration may come from, in the order they win."""
    return root / "reportgen.toml", root / "pyproject.toml"


def load_config(root: Path = Path(".")) -> Config:
    """``reportgen.toml`` wins over ``pyproject.toml``; neither means defaults.
    A bad value, an unknown key or a run-only key is one line naming the
    file and the key."""
    for path, table in zip(settings_files(root), ((), ("tool", "reportgen")), strict=True):
        if not path.is_file():
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from None
        for key in table:
            data = data.get(key, {})
        if path.name == "pyproject.toml" and not data:
            continue
        prefix = "" if path.name == "reportgen.toml" else "[tool.reportgen] "
        unknown = sorted(set(data) - FILE_KEYS)
        if unknown:
            raise ConfigError(f"{path}: {prefix}{unknown[0]}: Extra inputs are not permitted")
        try:
            return Config.model_validate(data)
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(str(p) for p in error["loc"]) or "settings"
            raise ConfigError(f"{path}: {prefix}{where}: {error['msg'].removeprefix('Value error, ')}") from None
    return Config()
