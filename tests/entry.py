"""The console entry point (``reportgen.stamp:main``, what the installed
``reportgen`` script calls) run in this process, for tests about a command's
exit code and one-line messages: the same code path as the script, without
starting Python and importing the toolkit again (tests/test_cli.py keeps the
checks that need the real process: a pipe, stderr kept for errors, --json)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]


def run_here(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``reportgen ARGS`` in this process, from the checkout, with ``env``
    added to the environment (REPORTGEN_DEBUG unset): its exit code and what
    it printed. An exception that escapes ``main`` is not caught: it fails the
    test, as its traceback would in the real process."""
    from reportgen import stamp

    with CliRunner().isolation(env={"REPORTGEN_DEBUG": "", **env}) as (out, err, _), \
            pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "argv", ["reportgen", *args])
        patch.chdir(ROOT)
        try:
            stamp.main()
            code = 0
        except SystemExit as exited:
            code = exited.code if isinstance(exited.code, int) else int(exited.code is not None)
    return subprocess.CompletedProcess(list(args), code, out.getvalue().decode(), err.getvalue().decode())
