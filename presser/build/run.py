"""``presser build``: render many releases, in parallel, and only those that changed.

Incremental: a release is rendered again only when something it depends on
changed since its outputs were written (its inputs digest, and the cache in
the output folder that records it, are in :mod:`presser.build.cache`).

Parallel: releases go to a pool of worker processes (default: one per core;
:mod:`presser.build.pool`), each importing WeasyPrint once and laying out the
PDFs of many releases while this process renders the rest of each (without
PDFs, a worker renders whole releases); with ``jobs=1`` this process renders
and a printer process (:mod:`presser.render.printer`) lays out the PDFs.
Every release is validated here first (all problems reported at once, nothing
rendered), while the workers start. A release's output bytes do not depend on
which process rendered it. :mod:`presser.build.progress` shows how far a build
has come.

Ctrl-C terminates the workers and keeps what was finished: every output is
written atomically (a temporary file renamed over the target), a worker being
stopped deletes its temporary file, and the cache records only releases whose
outputs were all written.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..digest import file_sha256
from ..errors import (
    EXIT_INTERRUPTED,
    EXIT_PROBLEMS,
    PresserError,
    Problem,
    UsageProblem,
    WriteError,
)
from .cache import (
    CACHE_NAME,
    BuildCache,
    options_key,
    presser_digest,
    release_key,
    up_to_date,
)
from .task import Result, Task, prepare, render_one

if TYPE_CHECKING:
    from ..render.pipeline import RenderOptions
    from ..render.printer import PdfPrinter
    from ..source.workspace import Workspace
    from .pool import WorkerPool
    from .progress import Progress

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


# --------------------------------------------------------------------------- the build


@dataclass
class BuildSummary:
    """What a build did."""

    rendered: int = 0
    up_to_date: int = 0
    failed: int = 0
    slow_subsetting: bool = False
    began: float = field(default_factory=time.time)  #: wall-clock start of the build
    validated: float | None = None  #: seconds in: every release to render was loaded
    #: seconds in, per process that rendered: the build's timeline (``--timeline``)
    spans: dict[int, WorkerSpan] = field(default_factory=dict)

    def timeline(self) -> list[str]:
        """When each process started, was ready, and took its first and did its last release."""
        lines = []
        if self.validated is not None:
            lines.append(f"releases validated at {self.validated:.2f} s")
        here = os.getpid()
        workers = sorted((s for pid, s in self.spans.items() if pid != here), key=lambda s: s.first)
        mine = self.spans.get(here)
        named = [(f"worker {n}", s) for n, s in enumerate(workers, 1)]
        if mine is not None:
            # Alone, this process is the build's one worker; beside a pool, it rendered the
            # releases that have no PDF (or failed before their PDF) itself.
            named.append(("this process" if workers else "worker 1", mine))
        for name, span in named:
            start = f"started {span.born:.2f} s, ready {span.ready:.2f} s, " if span.born else ""
            lines.append(
                f"{name}: {start}first release {span.first:.2f} s, "
                f"last done {span.last:.2f} s, {span.releases} releases"
            )
        return lines


@dataclass
class WorkerSpan:
    """One rendering process in a build's timeline, in seconds from the build's start."""

    born: float  #: the process started (0: this process)
    ready: float  #: WeasyPrint imported
    first: float  #: its first release began
    last: float  #: its last release was done
    releases: int = 0

    def add(self, result: Result, began: float) -> None:
        self.first = min(self.first, result.started - began)
        self.last = max(self.last, result.finished - began)
        self.releases += 1


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

    from ..source.validation import check_unique_stems  # here: a no-change build needs no model

    check_unique_stems(files)
    cache = BuildCache.load(out_dir, workspace.display(out_dir / CACHE_NAME))
    presser_sha = presser_digest(workspace)
    options_text = options_key(options, out_dir)
    if cache.note is not None and notify is not None:
        notify(cache.note)
    summary = BuildSummary()

    tasks: list[Task] = []
    memo: dict[Any, Any] = {}  # what the check has read, for the build's other releases
    for path in files:
        release_sha = file_sha256(path)
        if release_sha is None:
            raise UsageProblem(f"cannot read {workspace.display(path)}")
        entry = None if force else cache.entries.get(release_key(path))
        # What the outputs depend on is read from the release now, never from the cache.
        if entry is not None and up_to_date(
            path,
            entry,
            workspace=workspace,
            memo=memo,
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

    workers = max(1, min(jobs, len(tasks)))
    started = False
    try:
        with _renderers(workers, workspace, out_dir, options, presser_sha) as (pool, printer):
            # Validated here, while the workers import WeasyPrint: every problem at once.
            from ..editorial.reading import load_all

            loaded = load_all([t.path for t in tasks], workspace)
            summary.validated = time.time() - summary.began
            progress.start(len(tasks))
            started = True
            pairs = zip(tasks, loaded, strict=True)
            results: Iterator[Result]
            if pool is None:
                results = (
                    render_one(task, release, out_dir, options, presser_sha, printer)
                    for task, release in pairs
                )
            elif pool.prints:
                # Each release's page and text here, ahead of the workers laying out PDFs;
                # the longest first (by the size of its file), so that the last layouts,
                # when a worker may be left with nothing to do, are short ones.
                ordered = sorted(pairs, key=lambda pair: -_size(pair[0].path))
                results = pool.run(
                    prepare(task, release, out_dir, options, presser_sha)
                    for task, release in ordered
                )
            else:
                results = pool.run(tasks)
            failures = _collect(results, cache, progress, summary)
    except KeyboardInterrupt:
        # The workers are stopped already (see _renderers); a second Ctrl-C must not
        # cut the rest of the cleanup short.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
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


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:  # gone meanwhile: its render says so
        return 0


@contextlib.contextmanager
def _renderers(
    workers: int, workspace: Workspace, out_dir: Path, options: RenderOptions, presser_sha: str
) -> Iterator[tuple[WorkerPool | None, PdfPrinter | None]]:
    """The processes that render: a pool of workers, or (one worker) a PDF printer.

    Left normally, they finish and are closed; left by an exception (Ctrl-C
    included) they are stopped at once, a second Ctrl-C ignored meanwhile.
    """
    from ..render.printer import PdfPrinter
    from .pool import WorkerPool

    with contextlib.ExitStack() as stack:
        pool = None
        if workers > 1:
            # With PDFs, the workers lay them out (WeasyPrint is nearly all the work) and
            # this process renders the rest; without, the workers render whole releases.
            pool = WorkerPool(
                workers,
                workspace.root,
                out_dir,
                options,
                presser_sha,
                prints="pdf" in options.formats,
            )
            stack.push(_closing(pool.close, pool.terminate))
        printer = None
        # One worker: a printer process imports WeasyPrint while this one validates
        # (the common case of one changed release); the rest is rendered here.
        if pool is None and "pdf" in options.formats and PdfPrinter.available():
            printer = PdfPrinter()
            stack.push(_closing(printer.close, functools.partial(printer.close, kill=True)))
        yield pool, printer


def _closing(
    close: Callable[[], None], stop: Callable[[], None]
) -> Callable[[type[BaseException] | None, BaseException | None, Any], bool]:
    """An exit callback for an ExitStack: ``close`` after success, ``stop`` after an error."""

    def exit_(kind: type[BaseException] | None, error: BaseException | None, trace: Any) -> bool:
        if kind is None:
            close()
            return False
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            stop()
        finally:
            signal.signal(signal.SIGINT, previous)
        return False  # the error goes on

    return exit_


def _collect(
    results: Iterable[Result], cache: BuildCache, progress: Progress, summary: BuildSummary
) -> PresserError | None:
    """Record each result as it comes; the error to raise at the end, if any."""
    problems: list[Problem] = []
    errors: list[str] = []
    last_save = time.monotonic()
    for result in results:
        summary.slow_subsetting |= result.slow_subsetting
        began = summary.began
        span = summary.spans.setdefault(
            result.worker,
            WorkerSpan(
                born=max(result.born - began, 0.0) if result.born else 0.0,
                ready=max(result.ready - began, 0.0) if result.ready else 0.0,
                first=result.started - began,
                last=result.finished - began,
            ),
        )
        span.add(result, began)
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
