"""Where reportgen's default templates and catalogs are.

In a checkout they are ``templates/`` and ``locales/`` beside the package,
where authors and translators edit them; an installed wheel carries them as
package data, ``reportgen/defaults/templates`` and ``reportgen/defaults/locales``
(pyproject.toml maps the two folders into the package). A report project's
own ``templates/`` and ``locales/`` override them file by file (project.py).

A module of its own, importing nothing heavy, so that the build can plan
(and a no-op rebuild can finish) without loading Babel, Jinja or WeasyPrint.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _default(name: str) -> Path:
    """The packaged folder, or the checkout's. Real paths, not Traversables:
    WeasyPrint, fontTools and GNU gettext read files by name."""
    packaged = resources.files("reportgen") / "defaults" / name
    return Path(str(packaged)) if packaged.is_dir() else PACKAGE.parent / name


TEMPLATES = _default("templates")
LOCALES = _default("locales")
PROJECT_QUESTIONNAIRES = Path("questionnaires")  # a report project's own editions, beside responses/


def questionnaire_folders() -> list[Path]:
    """Where editions are looked up: the report project's ``questionnaires/``
    folder first (a new edition is a file there), then the shipped ones."""
    shipped = PACKAGE / "questionnaires"
    return [PROJECT_QUESTIONNAIRES, shipped] if PROJECT_QUESTIONNAIRES.is_dir() else [shipped]


def cache_folder() -> Path:
    """Where reportgen keeps what it can always make again (compiled
    templates): ``$REPORTGEN_CACHE``, else ``$XDG_CACHE_HOME/reportgen``, else
    ``~/.cache/reportgen``. Deleting it only costs time. A relative path in
    either variable is ignored, as the XDG specification asks: it would mean
    another folder wherever a command runs."""
    for variable, below in (("REPORTGEN_CACHE", ""), ("XDG_CACHE_HOME", "reportgen")):
        value = os.environ.get(variable, "")
        if os.path.isabs(value):
            return Path(value) / below
    return Path.home() / ".cache" / "reportgen"
