"""The narrative templates' sandbox: what they may read and what they may cost.

- ``ConfinedLoader`` loads only files that are really under templates/ once
  symlinks are resolved (Jinja's FileSystemLoader refuses ``..`` but follows a
  symlink anywhere).
- ``LimitedSandbox`` refuses ``*`` and ``**`` whose result would exceed the
  output limit before computing it (``"x" * 10**10`` would otherwise end in
  MemoryError).
- ``compiled_templates()`` keeps the compiled templates for the life of the
  process (a worker builds many countries, in any language), which
  ``runtime_filters`` makes safe across languages.
- ``render`` stops a template that runs longer than ``template_seconds``
  (a timer signal in the main thread; elsewhere, between output chunks) or
  writes more than ``template_chars``.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from jinja2.sandbox import SandboxedEnvironment

from reportgen.errors import TemplateError
from reportgen.limits import Limits


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates, in memory, for every document the process builds,
    in any language.

    Jinja recompiled every template for every document (0.11 s of the
    narrative's 0.12 s). One cache serves every language because the filters
    are installed through ``runtime_filters``, so no language's words are
    folded into the code. Jinja checks each entry against the template
    source's checksum, so an edited template compiles again.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def __len__(self) -> int:
        """How many templates are compiled."""
        return len(self._code)


@cache
def compiled_templates() -> CompiledTemplates:
    """The process's cache of compiled templates (see CompiledTemplates)."""
    return CompiledTemplates()


def runtime_filters(filters: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """``filters`` as Jinja calls them only when a template renders.

    Jinja folds a filter whose arguments are constants into the compiled code
    (``"USD"|currency_name`` becomes "US dollars"), so code compiled with one
    language's filters would print that language in every other. It never
    folds a filter that takes the render context, which these wrappers do
    (and ignore), so the compiled code is the same for every language.
    """
    def at_render_time(function: Callable[..., Any]) -> Callable[..., Any]:
        @jinja2.pass_context
        def call(_context: jinja2.runtime.Context, *args: Any, **kwargs: Any) -> Any:
            return function(*args, **kwargs)
        return call

    return {name: at_render_time(function) for name, function in filters.items()}


class LimitExceeded(Exception):
    """A template went over one of its limits (the message says which)."""


class ConfinedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that refuses a template whose real path is outside ``root``."""

    def __init__(self, searchpath: Path, root: Path):
        super().__init__(searchpath)
        self.root = root.resolve()

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if self.root not in real.parents:
            raise TemplateError(f"templates/sections/{template}: refused: it resolves to {real}, "
                                f"outside {self.root}")
        return source, filename, uptodate


class LimitedSandbox(SandboxedEnvironment):
    """The sandbox with a size check on repetition and powers."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *args: Any, limits: Limits, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.limits = limits
        self.max_chars = limits.template_chars

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(count, int) \
                        and len(sequence) * count > self.max_chars:
                    raise LimitExceeded(f"a repetition of {len(sequence) * count:,} items exceeds the "
                                        f"limit of {self.max_chars:,} characters (template_chars)")
        if operator == "**" and isinstance(left, int) and isinstance(right, int) \
                and abs(left) > 1 and right * max(abs(left).bit_length(), 1) > 4 * self.max_chars:
            raise LimitExceeded(f"{left} ** {right} is too large a number (template_chars)")
        return super().call_binop(context, operator, left, right)


def render(template: jinja2.Template, context: Mapping[str, Any], limits: Limits) -> str:
    """``template`` rendered within ``limits``; LimitExceeded when it is not."""
    deadline = time.monotonic() + limits.template_seconds
    chunks: list[str] = []
    size = 0
    with _alarm(limits.template_seconds):
        for chunk in template.generate(**context):
            size += len(chunk)
            if size > limits.template_chars:
                raise LimitExceeded(f"output exceeds {limits.template_chars:,} characters (template_chars)")
            if time.monotonic() > deadline:
                raise _timeout(limits)
            chunks.append(chunk)
    return "".join(chunks)


def _timeout(limits: Limits) -> LimitExceeded:
    return LimitExceeded(f"rendering took longer than {limits.template_seconds:g} s (template_seconds)")


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Interrupt a loop that writes nothing (nested ``range``) after
    ``seconds``; only the main thread can take signals, so elsewhere the
    output-chunk check in ``render`` is the only clock."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise _timeout(Limits(template_seconds=seconds))

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
