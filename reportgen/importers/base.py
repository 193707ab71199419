"""What every importer is: the ``Importer`` protocol, what it returns, and
the registry ``reportgen import --format`` looks importers up in.

An importer reads one file in its format and returns an ``Imported``: the
country's answers as a *validated* ``Responses`` (the model of
reportgen/responses.py, the same one ``reportgen check`` and the build use)
plus what the command prints (a summary line, warnings with their lines).
Writing the YAML is not the importer's job: importers/writer.py writes any
``Responses`` the same way, atomically, with a header naming the source.

Adding a second importer (say, an Excel export of the questionnaire):

1. write a class with ``name``, ``description`` and ``read(path,
   questionnaire, country=..., partial=...) -> Imported`` (structural typing:
   no base class to inherit); build the document and turn it into a
   ``Responses`` with ``validated_responses`` so that a bad result is one
   line naming the file, the line and the item;
2. ``register(MyImporter())`` where the package is imported (the forms
   importer registers itself in importers/forms/__init__.py; add the module
   to ``_BUILTIN`` below so that the CLI imports it);
3. ``reportgen import --format NAME export.xlsx -o responses/XXX.yaml``;
   ``--merge`` works unchanged, since it only sees the ``Responses``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from pydantic import ValidationError

from reportgen.errors import ConfigError, InputError, Problem
from reportgen.questionnaire import Questionnaire
from reportgen.responses import Responses

# Modules whose import registers a built-in importer.
_BUILTIN = ("reportgen.importers.forms",)
DEFAULT_FORMAT = "forms"


@dataclass(frozen=True)
class Imported:
    """An importer's result: validated responses and what to tell the user."""

    responses: Responses
    summary: str  # one line: what was found, what needs review
    warnings: list[Problem] = field(default_factory=list)  # FILE:LINE: Qnn: warning: ...


@runtime_checkable
class Importer(Protocol):
    """Reads one kind of export into responses (see the module docstring)."""

    name: str  # the --format value
    description: str  # one line for --help

    def read(self, path: Path, questionnaire: Questionnaire, *, country: str | None = None,
             partial: bool = False) -> Imported:
        """Read ``path`` (answers to ``questionnaire``); ``country`` (ISO
        3166-1 alpha-3) overrides what the export says; ``partial`` accepts
        an export that stops before the last item. Unusable input raises
        InputError (one line: file, line, item) or ConfigError."""
        ...


_REGISTRY: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    """Make ``importer`` available to ``reportgen import --format``; a name
    registered again is replaced (the last registration wins)."""
    _REGISTRY[importer.name] = importer
    return importer


def unregister(name: str) -> None:
    """Forget an importer (tests register fakes and clean up after them)."""
    _REGISTRY.pop(name, None)


def importers() -> dict[str, Importer]:
    """Every registered importer by name, the built-in ones included."""
    for module in _BUILTIN:
        importlib.import_module(module)
    return dict(_REGISTRY)


def get_importer(name: str) -> Importer:
    """The importer for ``--format NAME``, or a ConfigError listing the known ones."""
    known = importers()
    if name not in known:
        raise ConfigError(f"unknown import format {name!r} (known: {', '.join(sorted(known))})")
    return known[name]


def validated_responses(document: Mapping[str, Any], source: Path | str,
                        item_lines: Mapping[int, int] | None = None) -> Responses:
    """``document`` as a ``Responses``, or an InputError naming ``source``,
    the line of the item concerned (``item_lines``: item -> line in the
    source; line 1 for the header) and the item: an importer must never
    write a file that ``reportgen check`` refuses."""
    try:
        return Responses.model_validate(document)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = [part for part in error["loc"] if part != "[key]"]
        item = loc[1] if len(loc) >= 2 and loc[0] == "answers" and isinstance(loc[1], int) else None
        where = ".".join(str(part) for part in (loc[2:] if item is not None else loc)) or "document"
        line = (item_lines or {}).get(item, 1) if item is not None else 1
        message = " ".join(error["msg"].removeprefix("Value error, ").split())
        raise InputError(source, line, f"the import is not valid responses: {where}: {message}", item) from None
