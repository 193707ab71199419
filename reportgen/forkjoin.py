"""A build of no more documents than workers, without the pool: each
document is built in a fork of the build process, made once the writers are
imported and warmed; the build process only waits and records.

Why not the pool (``build.WorkerPool``): its workers are forked from a fork
server, a second interpreter that imports and warms everything the build
process has half imported already, beside the resource tracker that
multiprocessing starts with it. For a few documents that is most of what
the pool costs: Paraguay's four documents on 2 workers took 1.21x the CPU of
the same build in one process, 1.07x with one worker (issue 16). Here nothing
is imported twice and no other process starts, and the documents begin at
once (the pool's first worker waited ~1.5 s for its server's imports).

Forking is safe only in a process that runs one thread: a lock another
thread holds at the fork stays held in the child for good. So this runs only
on Linux (macOS's system libraries do not survive a fork), and it forks only
when the kernel counts one thread in the process (a library's threads too:
Pango starts short-lived ones to load and sort fonts), waiting a moment for
such threads to end; otherwise nothing is forked and the pool runs. The
caller stops threads of its own while it forks (``pause``: the command
line's progress display).

Faults are the pool's: a fork that dies is forked again once for its
document and a second death fails that document only; Ctrl-C stops the build
and the forks (which ignore it, as the pool's workers do); the forks exit
when the build process dies; nothing is recycled (a fork builds one document).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from reportgen.build import Task, TaskResult
    from reportgen.config import Config

Run = Callable[["Task", "Config"], "TaskResult"]
Pause = Callable[[], AbstractContextManager[Any]]

# Blocked while a fork is made, until the fork has set its own handlers.
HELD_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})
# A document is forked again once when its fork dies, as the pool retries a task once.
FORKS_PER_DOCUMENT = 2
# How long to wait for other threads to end before forking (Pango's end within milliseconds).
THREADS_WAIT_SECONDS = 1.0
# How long a fork may take to end when told to (SIGTERM), before it is killed.
STOP_SECONDS = 3.0


def worth_forking(documents: int, jobs: int) -> bool:
    """Whether a build of ``documents`` on ``jobs`` workers runs as forks here:
    one fork each for 2 to ``jobs`` documents, on Linux."""
    return 2 <= documents <= jobs and sys.platform.startswith("linux")


def single_threaded(wait_seconds: float = 0.0) -> bool:
    """Whether the kernel counts one thread in this process (not only
    Python's threads), waiting up to ``wait_seconds`` for others to end."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            if len(os.listdir("/proc/self/task")) == 1:
                return True
        except OSError:
            return False
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)


@dataclass
class _Child:
    task: Task
    process: BaseProcess
    forks: int


@dataclass
class Forks:
    """The forks of one build, one per document."""

    options: Config
    run: Run
    start_child: Callable[[int], None]  # first in each fork, given the build process's id
    pause: Pause
    children: dict[Connection, _Child] = field(default_factory=dict)
    failed: list[TaskResult] = field(default_factory=list)  # documents whose fork could not be made

    def results(self) -> Iterator[TaskResult]:
        """Each document's result as its fork sends it; the forks still
        running are stopped if the caller stops first (Ctrl-C, an error)."""
        try:
            yield from self.failed
            while self.children:
                for reader in wait(list(self.children)):
                    yield from self._collected(cast(Connection, reader))
        finally:
            self.stop()

    def fork(self, task: Task, forks: int = 1) -> TaskResult | None:
        """Start a fork building ``task``; the task's failure if none can be made."""
        held = signal.pthread_sigmask(signal.SIG_BLOCK, [])  # the mask as it is
        writer: Connection | None = None
        try:
            # Ctrl-C and SIGTERM held until the fork has its own handlers (else
            # Ctrl-C could stop it half started, with a traceback, and SIGTERM run
            # the host's handler in it) and until the fork is recorded here.
            signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
            reader, writer = multiprocessing.Pipe(duplex=False)
            process = multiprocessing.get_context("fork").Process(
                target=_child, args=(task, self.options, self.run, self.start_child, os.getpid(), writer),
                name=f"reportgen {task.country} {task.lang}", daemon=True)
            try:
                process.start()
            except OSError:
                reader.close()
                raise
            self.children[reader] = _Child(task, process, forks)
            return None
        except OSError as exc:  # no process or pipe to be had (EAGAIN, ENOMEM, EMFILE)
            return _failure(task, f"cannot start a process: {exc}")
        finally:
            if writer is not None:
                writer.close()  # the fork's copy is the only one left: its death is the reader's end of file
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def _collected(self, reader: Connection) -> list[TaskResult]:
        """The result a fork sent, or, when it died first, nothing yet (its
        document is forked again) or the document's failure."""
        child = self.children[reader]
        result: TaskResult | None
        try:
            result = reader.recv()
        except (EOFError, OSError):  # it died before it sent anything
            result = None
        reader.close()
        _end([child.process], kill_after=STOP_SECONDS)  # it has sent all it will, or died
        del self.children[reader]
        if result is not None:
            return [result]
        failure = _failure(child.task, _death(child.process.exitcode))
        if child.forks < FORKS_PER_DOCUMENT:
            with self.pause():
                if single_threaded(THREADS_WAIT_SECONDS):
                    unforked = self.fork(child.task, child.forks + 1)
                    return [unforked] if unforked else []
        return [failure]

    def stop(self) -> None:
        """End the forks still building: their finished outputs stay, whole and
        unrecorded; the next build redoes them."""
        left = [child.process for child in self.children.values()]
        for process in left:
            with suppress(OSError):
                process.terminate()
        _end(left, kill_after=STOP_SECONDS)
        for reader in self.children:
            reader.close()
        self.children.clear()


def _end(processes: list[BaseProcess], kill_after: float) -> None:
    """Wait for ``processes`` to end, together at most ``kill_after`` seconds,
    then kill those left (one that cannot end: a library's thread it waits for)."""
    deadline = time.monotonic() + kill_after
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.exitcode is None:
            process.kill()
            process.join()


def start(tasks: list[Task], options: Config, run: Run, start_child: Callable[[int], None],
          pause: Pause) -> Forks | None:
    """A fork building each task, made in ``pause``; None (nothing forked)
    when another thread still runs. The caller has imported and warmed what
    the forks need."""
    forks = Forks(options, run, start_child, pause)
    try:
        with pause():
            if not single_threaded(THREADS_WAIT_SECONDS):
                return None
            forks.failed = [failure for failure in map(forks.fork, tasks) if failure]
    except BaseException:  # Ctrl-C while forking, a display that cannot restart: no fork is left behind
        forks.stop()
        raise
    return forks


def _failure(task: Task, why: str) -> TaskResult:
    from reportgen.build import TaskResult

    return TaskResult(task, error=f"worker failed: {why}")


def _death(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"the process building it was killed ({signal.Signals(-exitcode).name})"
        except ValueError:  # a real-time signal has no name
            return f"the process building it was killed (signal {-exitcode})"
    return f"the process building it ended with exit code {exitcode}"


def _child(task: Task, options: Config, run: Run, start_child: Callable[[int], None], parent: int,
           writer: Connection) -> None:
    # The build process's own handlers are not for a fork: Ctrl-C is the
    # build's to handle, and SIGTERM (how the build stops a fork) ends it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, HELD_SIGNALS)
    start_child(parent)
    writer.send(run(task, options))
    writer.close()
