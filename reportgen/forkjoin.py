"""A build of no more documents than workers, without the pool: the build
process builds the first document itself and each other one in a fork of
itself, made once the writers are imported and warmed.

Why not the pool (``build.WorkerPool``): its workers are forked from a fork
server, a second interpreter that imports and warms everything the build
process has half imported already, beside the resource tracker that
multiprocessing starts with it. For a few documents that is most of what
the pool costs: Paraguay's four documents on 2 workers took 1.21x the CPU of
the same build in one process, 1.07x with one worker (issue 16). Here nothing
is imported twice and no process starts but the children, which begin at
once (the pool's first worker waited ~1.5 s for its server's imports).

Forking is safe only in a process that runs one thread: a lock that another
thread holds at the fork stays held in the child for good. So this runs only
on Linux (macOS's system libraries do not survive a fork) and only when the
process has no other thread, counted by the kernel (a library's threads
too); otherwise the pool runs. The command line's progress display redraws
on each document instead of from a thread of its own for that reason.

Faults are the pool's: a child that dies is forked again once for its
document, a second death fails that document only; Ctrl-C stops the build
and the children (which ignore it, as the pool's workers do); children exit
when the build process dies; there is no recycling (a child builds one
document).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from reportgen.build import Task, TaskResult
    from reportgen.config import Config

Run = Callable[["Task", "Config"], "TaskResult"]

# A document is forked again once when its child dies, as the pool retries a task once.
FORKS_PER_DOCUMENT = 2


def usable(documents: int, jobs: int) -> bool:
    """Whether a build of ``documents`` on ``jobs`` workers can fork them here."""
    return 2 <= documents <= jobs and sys.platform.startswith("linux") and single_threaded()


def single_threaded() -> bool:
    """The kernel's count of this process's threads, not only Python's: a
    library may run threads of its own (Pango starts one to load fontconfig)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


@dataclass
class _Child:
    task: Task
    process: BaseProcess
    forks: int


def results(tasks: list[Task], options: Config, run: Run, start_child: Callable[[], None]) -> Iterator[TaskResult]:
    """Each task's result: the first built here, the others each in a child
    forked now; ``start_child`` runs first in each child (the pool worker's
    initializer). The caller has imported and warmed what the children need."""
    children: dict[Connection, _Child] = {}
    try:
        for task in tasks[1:]:
            _fork(children, task, options, run, start_child, forks=1)
        yield run(tasks[0], options)
        while children:
            for reader in wait(list(children)):
                yield from _collected(children, cast(Connection, reader), options, run, start_child)
    finally:
        _stop(children.values())


def _collected(children: dict[Connection, _Child], reader: Connection, options: Config, run: Run,
               start_child: Callable[[], None]) -> Iterable[TaskResult]:
    """The result a child sent, or, when it died first, what comes of forking
    its document again (nothing yet) or the document's failure."""
    from reportgen.build import TaskResult

    child = children.pop(reader)
    result: TaskResult | None
    try:
        result = reader.recv()
    except (EOFError, OSError):  # it died before sending anything
        result = None
    reader.close()
    child.process.join()
    if result is not None:
        return [result]
    failure = f"worker failed: {_death(child.process.exitcode)}"
    if child.forks < FORKS_PER_DOCUMENT and single_threaded():
        _fork(children, child.task, options, run, start_child, forks=child.forks + 1)
        return []
    return [TaskResult(child.task, error=failure)]


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        return f"the process building it was killed ({signal.Signals(-exitcode).name})"
    return f"the process building it ended with exit code {exitcode}"


def _fork(children: dict[Connection, _Child], task: Task, options: Config, run: Run,
          start_child: Callable[[], None], forks: int) -> None:
    reader, writer = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.get_context("fork").Process(
        target=_child, args=(task, options, run, start_child, writer), name=f"reportgen {task.country} {task.lang}",
        daemon=True)
    # Ctrl-C held until the child ignores it (else it could stop the child half
    # started, with a traceback), and until the fork is recorded here.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        process.start()
        children[reader] = _Child(task, process, forks)
    finally:
        writer.close()  # the child's copy is the only one left: its death is the reader's end of file
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _child(task: Task, options: Config, run: Run, start_child: Callable[[], None], writer: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    start_child()
    writer.send(run(task, options))
    writer.close()


def _stop(children: Iterable[_Child]) -> None:
    """End the children still building (the build stopped: Ctrl-C, an error):
    their finished outputs stay, whole, unrecorded; the next build redoes them."""
    left = list(children)
    for child in left:
        with suppress(OSError):
            child.process.terminate()
    for child in left:
        child.process.join()
