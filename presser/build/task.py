"""One release of a build: the task sent to a worker, its result, and rendering it.

A leaf that both the build (:mod:`presser.build.run`, which renders here when
it runs alone) and its workers (:mod:`presser.build.pool`) import.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..digest import recording
from ..errors import PresserError, Problem, ProblemsFound
from .cache import Entry, options_key, output_record, release_inputs

if TYPE_CHECKING:
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
    from ..writing import write_atomic

    result = Result(task.path, worker=os.getpid(), started=time.time())
    try:
        # Taken before the render reads anything, so a change during it shows next time.
        inputs = release_inputs(
            loaded, task.release_sha, presser_sha, options_key(options, out_dir)
        )
        from ..render.pipeline import output_name, render_outputs

        outputs: dict[str, dict[str, Any]] = {}
        with recording() as reads:
            rendered = render_outputs(loaded, out_dir, options, printer)
        # Everything is rendered before anything is written (a failure keeps the old outputs).
        for fmt, data in rendered.items():
            target = out_dir / output_name(loaded.stem, fmt)
            write_atomic(target, data)
            result.written.append(target)
            outputs[target.name] = output_record(data)
        result.entry = Entry(task.release_sha, inputs, reads, outputs)
        result.slow_subsetting = rendered.slow_subsetting
    except ProblemsFound as exc:
        result.problems = list(exc.problems)
    except PresserError as exc:
        result.error = exc.format_message()
    except Exception as exc:  # a bug or a broken install: one clear line, never a traceback
        result.error = f"internal error: {type(exc).__name__}: {exc}"
    result.finished = time.time()
    return result
