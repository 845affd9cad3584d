"""The worker processes of ``presser build``, each rendering many releases.

A worker imports what it needs once (while the parent validates the
releases), then takes the releases the parent sends it, one at a time, over a
pipe of its own. In a build with PDFs the parent renders each release's page,
text and PDF job itself (:func:`~.task.prepare`, about a twentieth of the
work) and the workers, which import only WeasyPrint, lay out the PDF and
write the outputs (:func:`~.task.print_one`); otherwise a worker renders
whole releases. A worker that dies fails only the release it had; one laying
out a PDF past ``render_timeout_seconds`` is stopped and replaced. Ctrl-C
stops every worker, each deleting its temporary file.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import itertools
import math
import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..digest import file_sha256
from ..errors import EXIT_INTERRUPTED, ProblemsFound
from ..render.timeout import timeout_message
from .task import PrintTask, Result, Task, print_one, render_one
from .zygote import ForkedWorker, Zygote

if TYPE_CHECKING:
    from multiprocessing.context import ForkContext, SpawnContext
    from multiprocessing.process import BaseProcess

    from ..render.pipeline import RenderOptions
    from ..source.workspace import Workspace


def _load_and_render(
    task: Task,
    workspace: Workspace,
    out_dir: Path,
    options: RenderOptions,
    presser_sha: str,
    memo: dict[Any, Any],
) -> Result:
    """In a worker: read the release again (its digest taken first), then render it.
    ``memo``: the worker's, kept for the build (a folder is listed once)."""
    from ..editorial.reading import load_release

    try:
        current = file_sha256(task.path)
        loaded = load_release(task.path, workspace, memo=memo)
    except ProblemsFound as exc:
        return Result(task.path, problems=list(exc.problems))
    if current is None:  # pragma: no cover - it was just loaded
        return Result(task.path, error=f"{task.path}: the file could not be read")
    task = Task(task.path, current)
    return render_one(task, loaded, out_dir, options, presser_sha)


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    # SystemExit unwinds normally, so write_atomic deletes its temporary file.
    raise SystemExit(EXIT_INTERRUPTED)


#: How many releases a build with more than one worker prepares ahead of them: about
#: what this process renders while the workers import WeasyPrint, and little memory
#: (each holds its page, text and PDF job).
LOOK_AHEAD = 32


@dataclass
class _Warm:
    """A worker's warm-up: when it started, when it was ready, and what failed to load."""

    born: float
    ready: float
    broken: str | None = None


def _warm_up(prints: bool, options: RenderOptions) -> _Warm:
    """Import what the worker's tasks need, once (WeasyPrint takes most of a second)."""
    born = time.time()
    # Ctrl-C reaches the whole process group; the parent decides, and stops us with SIGTERM.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    from ..render.libraries import library_lookup

    if prints:
        warm_up = ["weasyprint", "presser.render.pdf"]
    else:
        warm_up = ["presser.render.context", "presser.render.text"]
        if "html" in options.formats:
            warm_up.append("presser.render.html")
    broken: str | None = None
    try:
        with library_lookup():  # WeasyPrint's C libraries, found without starting a program
            for module in warm_up:
                importlib.import_module(module)
    except Exception as exc:  # such as a missing system library: said once per release, cleanly
        broken = f"cannot load {module}: {type(exc).__name__}: {exc}"
    return _Warm(born, time.time(), broken)


def _worker_main(
    connection: Connection,
    parent_ends: list[Connection],
    root: Path,
    out_dir: Path,
    options: RenderOptions,
    presser_sha: str,
    prints: bool,
) -> None:
    """A worker forked by the parent: warm up, then render what the parent sends.

    ``prints``: the parent sends :class:`PrintTask` objects (a PDF to lay out),
    so WeasyPrint is all this worker imports; else whole releases.
    """
    # The fork copied the parent's ends of every pipe made so far, this worker's own
    # included: closed, so that a parent killed outright (SIGKILL) is seen as the end of
    # the pipe and the worker exits, rather than waiting for ever.
    for end in parent_ends:
        end.close()
    _serve(connection, _warm_up(prints, options), root, out_dir, options, presser_sha)


def _serve(
    connection: Connection,
    warm: _Warm,
    root: Path,
    out_dir: Path,
    options: RenderOptions,
    presser_sha: str,
) -> None:
    """Render the tasks the parent sends until it sends None, or is gone."""
    memo: dict[Any, Any] = {}
    workspace: Workspace | None = None
    try:
        while True:
            try:
                task = connection.recv()
            except (EOFError, OSError):
                return  # the parent is gone
            if task is None:
                return
            if warm.broken is not None:
                connection.send(Result(task.path, error=warm.broken))
                continue
            try:
                if isinstance(task, PrintTask):
                    result = print_one(task, out_dir)
                else:
                    if workspace is None:
                        from ..source.workspace import find_workspace

                        workspace = find_workspace(root)
                    result = _load_and_render(task, workspace, out_dir, options, presser_sha, memo)
            except Exception as exc:  # a bug: report it, never leave the parent waiting
                result = Result(task.path, error=f"internal error: {type(exc).__name__}: {exc}")
            result.born, result.ready = warm.born, warm.ready
            connection.send(result)
    except (BrokenPipeError, EOFError):
        return


@dataclass
class _Worker:
    process: BaseProcess | ForkedWorker
    connection: Connection
    task: Task | None = None


class WorkerPool:
    """Worker processes, each fed one release at a time over its own pipe.

    A pipe per worker (instead of a shared queue) tells exactly which release
    a worker was rendering when it died, and lets the parent stop everything
    at once on Ctrl-C.
    """

    def __init__(
        self,
        size: int,
        root: Path,
        out_dir: Path,
        options: RenderOptions,
        presser_sha: str,
        *,
        prints: bool = False,
    ) -> None:
        """``prints``: the tasks will be :class:`PrintTask` objects (see the module)."""
        self.prints = prints
        self.args = (root, out_dir, options, presser_sha, prints)
        self.context = _process_context()
        self.workers: list[_Worker] = []
        self.zygote: Zygote | None = None
        self._numbers = itertools.count()
        if prints and self.context.get_start_method() == "fork":
            # One import of WeasyPrint, every worker forked from it (see zygote.py).
            pipes = [self.context.Pipe() for _ in range(size)]
            self.zygote = Zygote(
                functools.partial(_warm_up, True, options),
                functools.partial(
                    _serve, root=root, out_dir=out_dir, options=options, presser_sha=presser_sha
                ),
                [child for _, child in pipes],
                [parent for parent, _ in pipes],
            )
            for parent, child in pipes:
                child.close()
                self.workers.append(_Worker(self.zygote.worker(next(self._numbers)), parent))
        else:
            for _ in range(size):
                self.workers.append(self._start())

    def _start(self) -> _Worker:
        parent_end, child_end = self.context.Pipe()
        if self.zygote is not None:  # a worker in place of one that died: forked warm
            number = next(self._numbers)
            forked = self.zygote.fork(number, child_end)
            child_end.close()
            if forked:
                return _Worker(self.zygote.worker(number), parent_end)
            parent_end.close()
            parent_end, child_end = self.context.Pipe()  # the zygote is gone: a cold start
        inherited = [parent_end, *(w.connection for w in self.workers)]
        process = self.context.Process(
            target=_worker_main,
            args=(child_end, inherited, *self.args),
            daemon=True,
            name="presser-worker",
        )
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def run(self, tasks: Iterable[Task | Result]) -> Iterator[Result]:
        """Render every task; results come in the order they finish.

        ``tasks`` is read lazily: a build prepares each release in this process
        (:func:`~.task.prepare`) while the workers lay out the ones before it.
        With more than one worker it runs up to :data:`LOOK_AHEAD` releases
        ahead, so that the work of preparing them is done while the workers
        still import WeasyPrint, and a worker that finishes gets its next task
        at once; with one, a release is prepared when the worker is free (one
        release at a time, as ``--jobs 1`` promises). A :class:`Result` among
        ``tasks`` (a release finished, or failed, in this process) is passed on.
        """
        source = iter(tasks)
        ahead: deque[Task] = deque()
        look_ahead = LOOK_AHEAD if len(self.workers) > 1 else 0
        exhausted = False
        while True:
            # Finished workers first, each fed at once: preparing the next can wait.
            yield from self._finished(timeout=0)
            free = [w for w in self.workers if w.task is None]
            while free and ahead:
                self._send(free.pop(0), ahead.popleft())
            if not exhausted and (len(ahead) < look_ahead or (free and not ahead)):
                item = next(source, None)
                if item is None:
                    exhausted = True
                elif isinstance(item, Result):
                    yield item
                else:
                    ahead.append(item)
                continue
            if not any(w.task is not None for w in self.workers):
                return  # nothing ahead either: a free worker would have taken it
            yield from self._finished(timeout=None)

    def _finished(self, timeout: float | None) -> Iterator[Result]:
        """The results of the busy workers that are done, waiting up to ``timeout`` seconds
        (None: until one is, or a PDF's time limit passes)."""
        busy = [w for w in self.workers if w.task is not None]
        if not busy:
            return
        if timeout is None:
            timeout = _time_left(busy)
        waited: list[Connection | int] = [w.connection for w in busy]
        waited += [w.process.sentinel for w in busy if w.process.sentinel is not None]
        ready = wait(waited, timeout=timeout)
        for worker in busy:
            if worker.connection in ready or worker.process.sentinel in ready:
                result = self._collect(worker)
                if result is not None:
                    yield result
            elif _late(worker.task):
                yield self._stop_late(worker)

    def _send(self, worker: _Worker, task: Task) -> None:
        worker.task = task
        with contextlib.suppress(OSError):  # a dead worker: reported by _collect
            worker.connection.send(task)

    def _stop_late(self, worker: _Worker) -> Result:
        """Stop a worker past its PDF's time limit, and start another in its place."""
        task = worker.task
        assert isinstance(task, PrintTask)
        pid = worker.process.pid or 0
        worker.process.terminate()  # SIGTERM: it deletes its temporary file on the way out
        worker.process.join(timeout=2)
        if worker.process.is_alive():  # stuck inside one C call
            worker.process.kill()
            worker.process.join()
        self._replace(worker)
        now = time.time()
        return Result(
            task.path,
            error=timeout_message(task.shown, task.limit),
            worker=pid,
            started=now,
            finished=now,
        )

    def _replace(self, worker: _Worker) -> None:
        worker.connection.close()
        self.workers.remove(worker)
        self.workers.append(self._start())

    def _collect(self, worker: _Worker) -> Result | None:
        task = worker.task
        assert task is not None
        try:
            if worker.connection.poll():
                result: Result = worker.connection.recv()
                worker.task = None
                return result
        except (EOFError, OSError):
            pass  # its end of the pipe closed: it has exited
        else:
            if worker.process.is_alive():
                return None  # woken by the other worker's event
        # The worker died (a crash in a C library, the out-of-memory killer): say which release.
        worker.process.join(timeout=2)  # reaped, so that its exit code is known
        code = worker.process.exitcode
        self._replace(worker)
        return Result(task.path, error=f"the worker rendering it stopped (exit code {code})")

    def close(self) -> None:
        """Let the workers finish and exit."""
        for worker in self.workers:
            with contextlib.suppress(OSError):  # already gone
                worker.connection.send(None)
        for worker in self.workers:
            worker.process.join(timeout=10)
            if worker.process.is_alive():  # pragma: no cover - a hung worker
                worker.process.kill()
                worker.process.join()
        if self.zygote is not None:
            self.zygote.close()

    def terminate(self) -> None:
        """Stop every worker now; each deletes its temporary file on the way out."""
        if self.zygote is not None:
            self.zygote.read()
            if any(w.process.pid is None for w in self.workers):
                # Still importing WeasyPrint: stopped before it forks anyone.
                self.zygote.close(kill=True)
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.terminate()
        deadline = time.monotonic() + 5
        for worker in self.workers:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        if self.zygote is not None:  # importing still, or waiting for its workers
            self.zygote.close(kill=True)


def _late(task: Task | None) -> bool:
    """Whether ``task`` is a PDF being laid out past its release's time limit."""
    return isinstance(task, PrintTask) and time.monotonic() >= task.deadline


def _time_left(busy: list[_Worker]) -> float | None:
    """Seconds until the first time limit of the PDFs being laid out; None: no limit."""
    deadlines = [w.task.deadline for w in busy if isinstance(w.task, PrintTask)]
    first = min(deadlines, default=math.inf)
    return None if math.isinf(first) else max(0.0, first - time.monotonic())


def _process_context() -> ForkContext | SpawnContext:
    # fork: a worker starts in milliseconds with presser's modules already imported.
    # The parent has imported neither WeasyPrint nor anything that starts threads by then.
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")  # pragma: no cover - not on Linux
