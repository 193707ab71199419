"""Report projects: a folder of one's own that overrides the defaults file by file.

``reportgen new DIR`` makes::

    DIR/reportgen.toml      settings (languages, formats, folders)
    DIR/responses/          one YAML per country
    DIR/templates/          files here replace the default templates of the same path
    DIR/locales/            catalogs here replace the default catalogs of the same path

as a Sphinx or MkDocs project overrides its theme. Commands run in the
project's folder (where ``reportgen.toml`` is). The rest of reportgen reads one
templates folder and one catalogs folder, so the overlay is materialised: the
defaults, then the project's files over them, copied into a private temporary
folder for the command's life (a few MB, milliseconds). Where the project has
no ``templates/`` (or no ``locales/``), the defaults are used as they are.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from reportgen.errors import ConfigError
from reportgen.paths import LOCALES, TEMPLATES

IGNORED = shutil.ignore_patterns("__pycache__", "*.mo", ".*")

SETTINGS = """\
# reportgen project settings (docs/projects.md lists every key).
languages = ["en", "es"]
formats = ["docx", "pdf"]
responses = "responses"
out = "build"
# status = "final"          # Final profiles (implies --strict)
# pdf_variant = "pdf/a-3a+pdf/ua-1"
"""

TEMPLATES_README = """\
# Templates of this project

A file here replaces the default template of the same path; everything else
comes from reportgen's defaults. To change the cover, copy it from the
defaults and edit it:

    python -c "import reportgen.paths as p; print(p.TEMPLATES)"   # where the defaults are
    mkdir -p sections && cp <defaults>/sections/cover.md.j2 sections/

The same goes for html/print.css, fonts/, reference.docx and the other sections.
"""

LOCALES_README = """\
# Catalogs of this project

A catalog here (`<lang>/LC_MESSAGES/messages.po`, `responses-<CODE>.po`...)
replaces the default one of the same path. `reportgen i18n init --lang xx`,
`extract` and `update` work on this folder when run in the project.
"""


def create_project(target: Path) -> list[Path]:
    """Make a new project folder; refuses one that exists and is not empty."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ConfigError(f"{target}: exists and is not an empty folder; choose a new one")
    files = {
        "reportgen.toml": SETTINGS,
        "templates/README.md": TEMPLATES_README,
        "locales/README.md": LOCALES_README,
        "responses/.gitkeep": "",
        ".gitignore": "build/\n*.mo\n",
    }
    written = []
    for name, text in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


@dataclass
class Overlay:
    """The defaults with a project folder's files over them, in ``path``."""

    default: Path
    project: Path
    path: Path

    def sync(self) -> Path:
        """Copy again (after the project's files changed); returns ``path``."""
        if self.path.exists():
            shutil.rmtree(self.path)
        shutil.copytree(self.default, self.path, ignore=IGNORED)
        shutil.copytree(self.project, self.path, ignore=IGNORED, dirs_exist_ok=True, symlinks=False)
        # Where its files come from, for messages (``users_names``): the folder itself is gone
        # after the command. Beside it, not in it: the build hashes every file in it.
        record = {"default": str(self.default.resolve()), "project": str(self.project.resolve())}
        overlay_record(self.path).write_text(json.dumps(record), encoding="utf-8")
        return self.path


def overlay_record(folder: Path) -> Path:
    return folder.parent / f".{folder.name}-overlay.json"


_PATH_IN = r"([^\s:'\"]+)"  # a file's path inside a folder, as messages print it (FILE:LINE: ...)
_TRAILING = ").,;]"  # what may follow a path in a message and is not part of it


def users_names(folders: Iterable[Path]) -> Callable[[str], str]:
    """What names each file of an overlay among ``folders`` in a message as the
    user knows it: the project's file where the project has one, else the
    default's, else the project's path where it would be made (a catalog not
    translated yet). Messages must not name the overlay's temporary copy,
    which is gone when the command ends. The overlays' records are read once."""
    substitutions = []
    for folder in folders:
        try:
            record = json.loads(overlay_record(folder).read_text(encoding="utf-8"))
            sources = Path(record["project"]), Path(record["default"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not an overlay: its paths are the user's already
        substitutions.append((re.compile(re.escape(f"{folder}{os.sep}") + _PATH_IN), partial(_users_file, *sources)))

    def name(text: str) -> str:
        for pattern, replace in substitutions:
            text = pattern.sub(replace, text)
        return text

    return name


def _users_file(project: Path, default: Path, found: re.Match[str]) -> str:
    """The file as the user knows it, and what followed it in the message
    (``cover.md.j2),`` is the file ``cover.md.j2`` then ``),``)."""
    text = found.group(1)
    bare = text.rstrip(_TRAILING)
    for end in range(len(text), len(bare) - 1, -1):  # the longest reading that names a file
        for base in (project, default):
            if (base / text[:end]).is_file():
                return _display(base / text[:end]) + text[end:]
    return _display(project / bare) + text[len(bare):]  # in neither: where the project's would be made


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _overrides(project: Path, default: Path) -> bool:
    """Whether ``project`` holds files to lay over ``default`` (not the defaults themselves,
    as in reportgen's own checkout, and not only a README)."""
    if not project.is_dir() or project.resolve() == default.resolve():
        return False
    return any(p.is_file() and p.name != "README.md" and not p.name.startswith(".") for p in project.rglob("*"))


@dataclass
class Project:
    """The templates and catalogs folders a command in ``root`` reads."""

    templates: Path
    locales: Path
    overlays: list[Overlay]
    scratch: Path | None = None

    def sync(self) -> None:
        for overlay in self.overlays:
            overlay.sync()

    def close(self) -> None:
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


def open_project(root: Path = Path(".")) -> Project:
    """The project in ``root``: the defaults, overlaid where ``root`` has its
    own templates/ or locales/ (call ``close()`` when done)."""
    wanted = [(TEMPLATES, root / "templates"), (LOCALES, root / "locales")]
    if not any(_overrides(project, default) for default, project in wanted):
        return Project(TEMPLATES, LOCALES, [])
    scratch = Path(tempfile.mkdtemp(prefix="reportgen-project-"))
    folders, overlays = [], []
    for default, project in wanted:
        if _overrides(project, default):
            overlay = Overlay(default, project, scratch / default.name)
            overlay.sync()
            overlays.append(overlay)
            folders.append(overlay.path)
        else:
            folders.append(default)
    return Project(folders[0], folders[1], overlays, scratch)
