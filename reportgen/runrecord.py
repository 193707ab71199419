"""The record of a whole build: ``<out>/run.json``, and failed documents set aside.

A batch is handed over as a folder; ``run.json`` at its top says what the last
run did for every document (paths relative to the folder, status, variant,
language, hashes, warnings, timings, failures) so a publication team can check
it without the build's console output. ``reportgen build --json`` prints it.

When a document fails, none of its earlier files may pass for current: each
output of that country and language (whatever its name) that was not
built from this run's exact inputs is moved to ``superseded/<run>/<CODE>/``,
dropped from the country's manifest, and listed under ``set_aside``. (After a
failed ``--final`` run, no Draft of that document stays among the outputs.)
Likewise a built document's files under an earlier name (its Draft once the
Final is built, another PDF variant) are moved there, "superseded by" the new.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportgen import __version__
from reportgen.files import write_atomic

if TYPE_CHECKING:
    from reportgen.config import Config
from reportgen.build import Summary, TaskResult

RUN_MANIFEST = "run.json"
SUPERSEDED = "superseded"
SET_ASIDE_RECORD = "set_aside.json"  # in each superseded/<run>/: what was moved there and why
FORMATS = ("docx", "pdf", "html")


def _relative(out: Path, path: str | Path) -> str:
    try:
        return Path(path).relative_to(out).as_posix()
    except ValueError:
        return Path(os.path.relpath(path, out)).as_posix()


def _entry_of(name: str, entry: Any, lang: str, fmt: str) -> bool:
    """Whether a manifest entry is an output of ``lang`` in ``fmt`` (entries of
    older builds carry no language and format: read them from the name)."""
    if isinstance(entry, dict) and "language" in entry and "format" in entry:
        return bool(entry["language"] == lang and entry["format"] == fmt)
    stem, _, suffix = name.rpartition(".")
    return suffix == fmt and lang in stem.split("-")


def set_aside(out: Path, summary: Summary) -> list[dict[str, str]]:
    """Move out of the current outputs every file of a document that this run
    did not make current: all files of a failed document not built from this
    run's exact inputs, and the files a current document replaced under another
    name (a Draft once its Final is built, another PDF variant). Current
    documents include those skipped as up to date, so a run interrupted between
    building a Final and this step is repaired by the next."""
    from reportgen.build import COUNTRY_CODE, manifest_path, output_name, read_manifest

    run = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    moved: list[dict[str, str]] = []
    documents = [(r.task, r) for r in [*summary.failed, *summary.built]] + [(t, None) for t in summary.skipped]
    for task, result in documents:
        folder = out / task.country
        if not COUNTRY_CODE.fullmatch(task.country) or not folder.is_dir() or folder.is_symlink():
            continue
        manifest = read_manifest(out, task.country)
        changed = False
        for fmt in FORMATS:
            current = output_name(task, fmt)
            names = {current} | {name for name, entry in manifest["outputs"].items()
                                 if _entry_of(name, entry, task.lang, fmt)}
            for name in sorted(names):
                path = folder / name
                if result is not None and result.error:
                    keep = name == current and _built_or_current(result, fmt, manifest.get("outputs", {}).get(name))
                    reason = result.error.splitlines()[0]
                else:
                    keep = name == current or not _is_current(folder, task, current, manifest)
                    reason = f"superseded by {current}"
                if keep or not path.is_file() or path.is_symlink():
                    continue
                target = out / SUPERSEDED / run / task.country / name
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
                changed |= manifest["outputs"].pop(name, None) is not None
                moved.append({"path": _relative(out, path), "moved_to": _relative(out, target), "reason": reason})
        if result is not None and result.error:
            changed |= _forget_language(manifest, task.lang)
        if changed:
            write_atomic(manifest_path(out, task.country),
                         (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    if moved:  # the folder explains itself after the next run has replaced run.json
        write_atomic(out / SUPERSEDED / run / SET_ASIDE_RECORD,
                     (json.dumps(moved, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return moved


def _forget_language(manifest: dict[str, Any], lang: str) -> bool:
    """Drop the inputs, warnings and timings of a failed language none of whose
    outputs stayed: they described files that were set aside."""
    if any(_entry_of(name, entry, lang, fmt) for name, entry in manifest["outputs"].items() for fmt in FORMATS):
        return False
    dropped = [manifest[section].pop(lang, None) for section in ("inputs", "warnings", "timings")]
    return any(entry is not None for entry in dropped)


def _built_or_current(result: TaskResult, fmt: str, entry: Any) -> bool:
    """A failed document's file that stays: written whole by this run before
    another format failed, or recorded from this run's exact inputs."""
    if fmt in result.outputs:
        return True
    return bool(result.task.key) and isinstance(entry, dict) and entry.get("key") == result.task.key


def _is_current(folder: Path, task: Any, name: str, manifest: dict[str, Any]) -> bool:
    """Whether ``name`` is recorded from this run's inputs and present: then
    every other name of its language and format is superseded."""
    entry = manifest["outputs"].get(name)
    return isinstance(entry, dict) and entry.get("key") == task.key and (folder / name).is_file()


def _output_entry(out: Path, fmt: str, lang: str, options: Config, sha256: str, size: int,
                  path: str | Path) -> dict[str, Any]:
    return {"path": _relative(out, path), "format": fmt, "language": lang,
            "status": options.status.capitalize(),
            "variant": (options.pdf_variant or "none") if fmt == "pdf" else None,
            "sha256": sha256, "size": size}


def _documents(summary: Summary, options: Config) -> list[dict[str, Any]]:
    from reportgen.build import read_manifest

    out = options.out
    documents: list[dict[str, Any]] = []
    for result in summary.built:
        outputs = [_output_entry(out, fmt, result.task.lang, options, o.sha256, o.size, o.path)
                   for fmt, o in result.outputs.items()]
        # A document rebuilt in some formats only: the others were current.
        kept = [fmt for fmt in options.formats if fmt not in result.outputs]
        if kept:
            outputs += _recorded_outputs(read_manifest(out, result.task.country), result.task, kept, options)
        documents.append(_document(result.task, "built", sorted(outputs, key=lambda o: o["format"]), result))
    for task in summary.skipped:
        recorded = read_manifest(out, task.country)
        outputs = _recorded_outputs(recorded, task, task.formats, options)
        timings = recorded.get("timings", {}).get(task.lang, {})
        documents.append({**_document(task, "skipped", outputs, None),
                          "warnings": recorded.get("warnings", {}).get(task.lang, []), "timings": timings})
    for result in summary.failed:
        documents.append(_document(result.task, "failed", [], result))
    return sorted(documents, key=lambda d: (d["country"], d["language"]))


def _recorded_outputs(recorded: dict[str, Any], task: Any, formats: Iterable[str],
                      options: Config) -> list[dict[str, Any]]:
    """The entries of outputs that were current, as the country's manifest records them."""
    from reportgen.build import output_name

    outputs = []
    for fmt in formats:
        name = output_name(task, fmt)
        entry = recorded["outputs"].get(name, {})
        outputs.append(_output_entry(options.out, fmt, task.lang, options, entry.get("sha256", ""),
                                     entry.get("size", 0), options.out / task.country / name))
    return outputs


def _document(task: Any, outcome: str, outputs: list[dict[str, Any]], result: TaskResult | None) -> dict[str, Any]:
    return {"country": task.country, "language": task.lang, "result": outcome, "outputs": outputs,
            "warnings": list(result.warnings) if result else [],
            "timings": dict(result.timings) if result else {},
            # The peak memory of the process that built it (its own VmHWM): a worker's, or the build's.
            "worker_peak_rss_mb": result.peak_rss_mb if result and result.peak_rss_mb else None,
            "error": result.error if result else None}


def run_manifest(options: Config, summary: Summary) -> dict[str, Any]:
    """What the run did, as data (see the module's docstring)."""
    documents = _documents(summary, options)
    settings = {k: getattr(options, k) for k in ("annex", "edition", "force", "internal", "organisation", "strict")}
    return {
        "reportgen": __version__,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "status": options.status.capitalize(),
        "pdf_variant": options.pdf_variant or "none",
        "languages": list(options.languages),
        "formats": list(options.formats),
        "source_date_epoch": None if options.source_date_epoch is None else str(options.source_date_epoch),
        "engine": summary.engine,
        "settings": settings,
        "seconds": round(summary.seconds, 3),
        "ok": summary.ok,
        "interrupted": summary.interrupted,
        "counts": {"built": len(summary.built), "skipped": len(summary.skipped), "failed": len(summary.failed),
                   "set_aside": len(summary.set_aside)},
        "documents": documents,
        "failures": [{"country": d["country"], "language": d["language"], "error": d["error"]}
                     for d in documents if d["result"] == "failed"],
        "set_aside": summary.set_aside,
    }


def write_run_manifest(options: Config, summary: Summary) -> Path:
    path = options.out / RUN_MANIFEST
    data = run_manifest(options, summary)
    write_atomic(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return path
