"""``presser build``: render many releases, in parallel, and only those that changed.

Incremental: a release is rendered again only when something it depends on
changed since its outputs were written (its inputs digest, and the cache in
the output folder that records it, are in :mod:`presser.build.cache`).

Parallel: releases go to a pool of worker processes (default: one per core;
:mod:`presser.build.pool`), each importing WeasyPrint once and rendering many
releases; with ``jobs=1`` this process renders and a printer process
(:mod:`presser.render.printer`) lays out the PDFs. Every release is validated here
first (all problems reported at once, nothing rendered), while the workers
start. A release's output bytes do not depend on which process rendered it.
:mod:`presser.build.progress` shows how far a build has come.

Ctrl-C terminates the workers and keeps what was finished: every output is
written atomically (a temporary file renamed over the target), a worker being
stopped deletes its temporary file, and the cache records only releases whose
outputs were all written.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..digest import file_sha256, recording
from ..errors import EXIT_PROBLEMS, PresserError, Problem, ProblemsFound, UsageProblem, WriteError
from .cache import (
    CACHE_NAME,
    BuildCache,
    Entry,
    options_key,
    output_record,
    presser_digest,
    release_inputs,
    release_key,
    up_to_date,
)

if TYPE_CHECKING:
    from ..render.pipeline import RenderOptions
    from ..render.printer import PdfPrinter
    from ..source.validation import LoadedRelease
    from ..source.workspace import Workspace
    from .progress import Progress

#: Exit code of a build stopped with Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130
#: How often, at most, the cache is saved while a build runs (so a crash loses little).
CACHE_SAVE_SECONDS = 2.0


class BuildFailed(PresserError):
    """Some releases could not be rendered; the others were, and are recorded."""

    exit_code = EXIT_PROBLEMS


class BuildInterrupted(PresserError):
    """Ctrl-C: the workers were stopped; finished releases are kept and recorded."""

    exit_code = EXIT_INTERRUPTED

    def show(self, file: object = None) -> None:
        # A plain line: an interruption asked for is not an error to shout about.
        import click

        click.echo(self.format_message(), err=True)


def default_jobs() -> int:
    """The number of cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


# --------------------------------------------------------------------------- rendering one release


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

    result = Result(task.path)
    try:
        # Taken before the render reads anything, so a change during it shows next time.
        inputs = release_inputs(
            loaded, task.release_sha, presser_sha, options_key(options, out_dir)
        )
        from ..render.pipeline import render_outputs

        outputs: dict[str, dict[str, Any]] = {}
        with recording() as reads:
            rendered = render_outputs(loaded, out_dir, options, printer)
        # Everything is rendered before anything is written (a failure keeps the old outputs).
        for fmt, data in rendered.items():
            target = out_dir / f"{loaded.stem}.{fmt}"
            write_atomic(target, data)
            result.written.append(target)
            outputs[target.name] = output_record(data)
        result.entry = Entry(task.release_sha, inputs, reads, outputs)
    except ProblemsFound as exc:
        result.problems = list(exc.problems)
    except PresserError as exc:
        result.error = exc.format_message()
    except Exception as exc:  # a bug or a broken install: one clear line, never a traceback
        result.error = f"internal error: {type(exc).__name__}: {exc}"
    finally:
        pdf_module = sys.modules.get("presser.render.pdf")
        result.slow_subsetting = bool(pdf_module and pdf_module.slow_subsetting_seen())
    return result


# --------------------------------------------------------------------------- the build


@dataclass
class BuildSummary:
    """What a build did."""

    rendered: int = 0
    up_to_date: int = 0
    failed: int = 0
    slow_subsetting: bool = False


def _check_unique_stems(files: Sequence[Path]) -> None:
    """Two releases named alike in different folders would overwrite each other's outputs."""
    seen: dict[str, Path] = {}
    for path in files:
        other = seen.setdefault(path.stem, path)
        if other != path:
            raise UsageProblem(f"{other} and {path} would both render to {path.stem}.*; rename one")


def run_build(
    files: Sequence[Path],
    workspace: Workspace,
    out_dir: Path,
    options: RenderOptions,
    *,
    jobs: int,
    force: bool = False,
    progress: Progress,
    notify: Callable[[str], None] | None = None,
) -> BuildSummary:
    """Render the releases in ``files`` whose outputs are missing or out of date.

    ``notify`` is given a line to show the user before anything is rendered:
    that the output folder's cache was damaged, so everything is rendered again.

    Raises :class:`ProblemsFound` (nothing rendered) when a release to render
    is invalid, :class:`BuildFailed` when some could not be rendered (the
    others are written and recorded), and :class:`BuildInterrupted` on Ctrl-C.
    """
    _check_unique_stems(files)
    cache = BuildCache.load(out_dir, workspace.display(out_dir / CACHE_NAME))
    presser_sha = presser_digest(workspace)
    options_text = options_key(options, out_dir)
    if cache.note is not None and notify is not None:
        notify(cache.note)
    summary = BuildSummary()

    tasks: list[Task] = []
    for path in files:
        release_sha = file_sha256(path)
        if release_sha is None:
            raise UsageProblem(f"cannot read {workspace.display(path)}")
        entry = None if force else cache.entries.get(release_key(path))
        if entry is not None and entry.release == release_sha:
            # What the outputs depend on is read from the release now, never from the cache.
            current = _load_quietly(path, workspace)
            if current is not None and up_to_date(
                current,
                entry,
                release_sha=release_sha,
                out_dir=out_dir,
                options=options,
                options_text=options_text,
                presser_sha=presser_sha,
            ):
                summary.up_to_date += 1
                continue
        tasks.append(Task(path, release_sha))
    if not tasks:
        cache.save_if_changed()
        return summary

    from ..render.printer import PdfPrinter
    from .pool import WorkerPool  # here: build_pool imports this module

    workers = max(1, min(jobs, len(tasks)))
    pool = (
        WorkerPool(workers, workspace.root, out_dir, options, presser_sha) if workers > 1 else None
    )
    # One worker: a printer process imports WeasyPrint while this one validates
    # (the common case of one changed release); the rest is rendered here.
    printer = (
        PdfPrinter()
        if pool is None and "pdf" in options.formats and PdfPrinter.available()
        else None
    )
    results: Iterator[Result] | None = None
    started = False
    try:
        # Validated here, while the workers import WeasyPrint: every problem at once.
        loaded = _load_all([t.path for t in tasks], workspace)
        progress.start(len(tasks))
        started = True
        if pool is not None:
            results = pool.run(tasks)
        else:
            results = (
                render_one(task, release, out_dir, options, presser_sha, printer)
                for task, release in zip(tasks, loaded, strict=True)
            )
        failures = _collect(results, cache, progress, summary)
    except KeyboardInterrupt:
        # A second Ctrl-C must not cut the cleanup short.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            if pool is not None:
                pool.terminate()
                pool = None
            if printer is not None:
                printer.close(kill=True)
                printer = None
            if started:
                progress.finish()
            with contextlib.suppress(WriteError):  # then the next build redoes a little more
                cache.save()
        finally:
            signal.signal(signal.SIGINT, previous)
        raise BuildInterrupted(
            f"Interrupted: {summary.rendered} of {len(tasks)} releases rendered and kept; "
            "the others are as they were. Run presser build again to finish."
        ) from None
    except BaseException:
        if pool is not None:
            pool.terminate()
            pool = None
        if printer is not None:
            printer.close(kill=True)
            printer = None
        raise
    finally:
        if pool is not None:
            pool.close()
        if printer is not None:
            printer.close()
    progress.finish()
    try:
        cache.save()
    except WriteError as exc:
        # The outputs are written; only the record of them is not (the next build redoes them).
        if failures is None:
            raise
        failures = BuildFailed(f"{failures.format_message()}\n{exc.format_message()}")
    if failures:
        raise failures
    return summary


def _load_quietly(path: Path, workspace: Workspace) -> LoadedRelease | None:
    """The release, or None when it has problems (then it is a task, and they are reported)."""
    from ..source.validation import load_release

    try:
        return load_release(path, workspace)
    except ProblemsFound:
        return None


def _load_all(paths: list[Path], workspace: Workspace) -> list[LoadedRelease]:
    from ..render.pipeline import load_all

    return load_all(paths, workspace)


def _collect(
    results: Iterable[Result], cache: BuildCache, progress: Progress, summary: BuildSummary
) -> PresserError | None:
    """Record each result as it comes; the error to raise at the end, if any."""
    problems: list[Problem] = []
    errors: list[str] = []
    last_save = time.monotonic()
    for result in results:
        summary.slow_subsetting |= result.slow_subsetting
        if result.entry is not None:
            cache.entries[release_key(result.path)] = result.entry
            summary.rendered += 1
        else:
            cache.entries.pop(release_key(result.path), None)
            summary.failed += 1
            problems.extend(result.problems)
            if result.error is not None:
                errors.append(f"{result.path.name}: {result.error}")
        progress.advance(result)
        if time.monotonic() - last_save > CACHE_SAVE_SECONDS:
            with contextlib.suppress(WriteError):  # reported by the final save, if it persists
                cache.save()
            last_save = time.monotonic()
    if not problems and not errors:
        return None
    lines = [str(p) for p in sorted(set(problems))] + errors
    noun = "release" if summary.failed == 1 else "releases"
    lines.append(f"{summary.failed} {noun} not rendered; the others were.")
    return BuildFailed("\n".join(lines))
