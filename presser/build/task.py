"""One release of a build: the task sent to a worker, its result, and rendering it.

A leaf that both the build (:mod:`presser.build.run`, which renders here when
it runs alone) and its workers (:mod:`presser.build.pool`) import. A release is
rendered whole by :func:`render_one`, or in two halves when workers lay out
the PDFs: :func:`prepare` in the build's process, :func:`print_one` in a worker.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..digest import recording
from ..errors import PresserError, Problem, ProblemsFound
from .cache import Entry, options_key, output_record, release_inputs

if TYPE_CHECKING:
    from ..digest import ReadLog
    from ..render.pdf import PdfJob
    from ..render.pipeline import RenderOptions
    from ..render.printer import PdfPrinter
    from ..source.validation import LoadedRelease


@dataclass
class Task:
    """One release to render, with the digest of its file taken before it was loaded."""

    path: Path
    release_sha: str


@dataclass
class Result:
    """What rendering one release gave; sent from a worker, so only plain data."""

    path: Path
    written: list[Path] = field(default_factory=list)
    entry: Entry | None = None
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None
    slow_subsetting: bool = False
    #: For the build's timeline (``presser build --timeline``): the process that rendered
    #: it, when that process started and was ready (WeasyPrint imported), and when this
    #: release's render began and ended; wall-clock seconds, comparable across processes.
    worker: int = 0
    born: float = 0.0
    ready: float = 0.0
    started: float = 0.0
    finished: float = 0.0


def render_one(
    task: Task,
    loaded: LoadedRelease,
    out_dir: Path,
    options: RenderOptions,
    presser_sha: str,
    printer: PdfPrinter | None = None,
) -> Result:
    """Render and write one loaded release; the cache entry describes exactly what was written,
    and what the render read to make it.

    The PDF is laid out by ``printer`` when given (see :mod:`presser.render.printer`).
    """
    result = Result(task.path, worker=os.getpid(), started=time.time())

    def work() -> None:
        # Taken before the render reads anything, so a change during it shows next time.
        inputs = release_inputs(
            loaded, task.release_sha, presser_sha, options_key(options, out_dir)
        )
        from ..render.pipeline import render_outputs

        with recording() as reads:
            rendered = render_outputs(loaded, out_dir, options, printer)
        result.slow_subsetting = rendered.slow_subsetting
        _write(result, task, loaded.stem, out_dir, rendered, inputs, reads)

    return _guarded(result, work)


@dataclass
class PrintTask(Task):
    """A release rendered but for its PDF's layout, for a worker to lay out and write.

    Made by the build's own process (:func:`prepare`) while the workers lay out
    other releases, so that WeasyPrint is the only thing a worker imports; the
    worker finishes it with :func:`print_one`. Plain data, sent over a pipe.
    """

    stem: str
    #: every output by format, in format order; the PDF's place holds empty bytes
    outputs: dict[str, bytes]
    job: PdfJob
    inputs: str  #: the release's inputs digest, taken before the render (see render_one)
    reads: ReadLog  #: what the render read, for the cache entry
    #: ``time.monotonic()`` past which the build stops the worker: the release's render
    #: began at ``deadline - limit``; infinity when there is no limit
    deadline: float
    limit: float  #: render_timeout_seconds
    shown: str  #: the release as messages name it


def prepare(
    task: Task, loaded: LoadedRelease, out_dir: Path, options: RenderOptions, presser_sha: str
) -> PrintTask | Result:
    """The page, the text and the PDF's job of one release, in the build's own process.

    A release with no PDF (its organisation's ``formats:``) is written here and
    its :class:`Result` returned, as is one that could not be rendered.
    """
    import math

    began = time.monotonic()
    result = Result(task.path, worker=os.getpid(), started=time.time())
    prepared: list[PrintTask] = []

    def work() -> None:
        inputs = release_inputs(
            loaded, task.release_sha, presser_sha, options_key(options, out_dir)
        )
        from ..render.pipeline import render_outputs

        with recording() as reads:
            rendered = render_outputs(loaded, out_dir, options, defer_pdf=True)
        if rendered.pdf_job is None:
            _write(result, task, loaded.stem, out_dir, rendered, inputs, reads)
            return
        limit = loaded.workspace.limits.render_timeout_seconds
        timed = 0 < limit < math.inf
        prepared.append(
            PrintTask(
                task.path,
                task.release_sha,
                stem=loaded.stem,
                outputs=dict(rendered.outputs),
                job=rendered.pdf_job,
                inputs=inputs,
                reads=reads,
                deadline=began + limit if timed else math.inf,
                limit=limit,
                shown=loaded.workspace.display(loaded.path),
            )
        )

    _guarded(result, work)
    return prepared[0] if prepared else result


def print_one(task: PrintTask, out_dir: Path) -> Result:
    """In a worker: lay out the PDF of a prepared release, then write all its outputs."""
    result = Result(task.path, worker=os.getpid(), started=time.time())

    def work() -> None:
        from ..render.pdf import lay_out

        laid_out = lay_out(task.job)
        result.slow_subsetting = laid_out.slow_subsetting
        outputs = {**task.outputs, "pdf": laid_out.pdf}  # the PDF keeps its place
        _write(result, task, task.stem, out_dir, outputs, task.inputs, task.reads)

    return _guarded(result, work)


def _write(
    result: Result,
    task: Task,
    stem: str,
    out_dir: Path,
    outputs: Mapping[str, bytes],
    inputs: str,
    reads: ReadLog,
) -> None:
    """Write every output (all rendered before any is written: a failure keeps the old
    ones); the cache entry then describes exactly what was written."""
    from ..render.pipeline import output_name
    from ..writing import write_atomic

    records: dict[str, dict[str, Any]] = {}
    for fmt, data in outputs.items():
        target = out_dir / output_name(stem, fmt)
        write_atomic(target, data)
        result.written.append(target)
        records[target.name] = output_record(data)
    result.entry = Entry(task.release_sha, inputs, reads, records)


def _guarded(result: Result, work: Callable[[], None]) -> Result:
    """``result`` after ``work()``, with what went wrong in it: never an exception."""
    try:
        work()
    except ProblemsFound as exc:
        result.problems = list(exc.problems)
    except PresserError as exc:
        result.error = exc.format_message()
    except Exception as exc:  # a bug or a broken install: one clear line, never a traceback
        result.error = f"internal error: {type(exc).__name__}: {exc}"
    result.finished = time.time()
    return result
