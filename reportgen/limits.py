"""Limits on what input may cost: each has a default and a setting in
``[tool.reportgen.limits]`` (or ``[limits]`` of reportgen.toml); docs/limits.md
lists them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Size of a responses file, counted while reading (not by ``stat``).
    max_file_bytes: int = Field(5 * 1024 * 1024, gt=0)
    # Nesting of mappings and lists in a responses file (the format uses 6).
    yaml_depth: int = Field(20, ge=8, le=200)
    # Wall-clock seconds one narrative template may take to render.
    template_seconds: float = Field(20.0, gt=0)
    # Characters one narrative template may produce (Paraguay's longest: ~40,000).
    template_chars: int = Field(2_000_000, gt=0)
    # Bytes a reference.docx may expand to, all parts together (ours: ~60 KB).
    reference_docx_bytes: int = Field(20 * 1024 * 1024, gt=0)
    # Parts (ZIP entries) a reference.docx may hold.
    reference_docx_parts: int = Field(200, gt=0)
