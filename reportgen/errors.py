"""Errors that reach the user as one line, never as a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Problem:
    """One finding of validation: ``FILE:LINE: Qnn: message``."""

    path: Path | str
    line: int
    message: str
    item: int | None = None
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:"
        question = f" Q{self.item}:" if self.item is not None else ""
        prefix = " warning:" if self.severity == "warning" else ""
        return f"{where}{question}{prefix} {self.message}"


class ReportgenError(Exception):
    """Base class: its ``str()`` is the whole one-line message for the user."""


class InputError(ReportgenError):
    """Input that cannot be used at all (unreadable, not YAML, wrong shape)."""

    def __init__(self, path: Path | str, line: int, message: str, item: int | None = None):
        self.problem = Problem(path, line, message, item)
        super().__init__(str(self.problem))


class ProblemsError(ReportgenError):
    """A file with problems that stop a build: one line per problem, as
    ``reportgen check`` prints them (--strict and --final list every one)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


class ConfigError(ReportgenError):
    """A bad setting in pyproject.toml / reportgen.toml or on the command line."""


class TemplateError(ReportgenError):
    """A narrative template that fails to render: ``FILE:LINE: message`` per
    problem when the template and line are known (``problems``)."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        self.problems = problems or []
        super().__init__(message)


class WriterError(ReportgenError):
    """A writer that cannot produce its output (e.g. a reference.docx missing a style)."""


class PublicationError(ReportgenError):
    """A publication rule refuses the build (no consent, untranslated text in --strict)."""
