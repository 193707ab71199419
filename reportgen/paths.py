"""Where reportgen's default templates and catalogs are.

A module of its own, importing nothing heavy, so that the build can plan
(and a no-op rebuild can finish) without loading Babel, Jinja or WeasyPrint.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
TEMPLATES = PACKAGE.parent / "templates"
LOCALES = PACKAGE.parent / "locales"
