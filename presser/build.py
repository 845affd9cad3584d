"""``presser build``: render many releases, in parallel, and only those that changed.

Incremental: a release is rendered again only when something it depends on
changed since its outputs were written. Its *inputs digest* covers

- the bytes of its YAML file and of every image it places;
- every file on its organisation's template search path: the organisation's
  folder (``organisation.yaml``, templates, stylesheets, fonts), the
  workspace's ``templates/_default/`` and the packaged defaults;
- presser itself (its version and the bytes of its modules and translations),
  the WeasyPrint version, and the workspace's ``presser.yaml``;
- the render options (formats, wire style, width, ASCII) and the output folder.

The digests live in a small JSON file in the output folder
(:data:`CACHE_NAME`), written atomically and only after the outputs it
describes. An entry counts only while each output file is still there with the
size and SHA-256 it records, so a deleted or damaged output is rendered again,
and a missing, corrupt or foreign cache means a full build, never a wrong one.
Every digest is taken *before* the file is used, so a file that changes
during a build can only make the next build render again.

Parallel: releases go to a pool of worker processes (default: one per core),
each importing WeasyPrint once and rendering many releases; ``jobs=1``
renders in this process. Every release is validated here first (all problems
reported at once, nothing rendered), while the workers start. A release's
output bytes do not depend on which process rendered it.

Ctrl-C terminates the workers and keeps what was finished: every output is
written atomically (a temporary file renamed over the target), a worker being
stopped deletes its temporary file, and the cache records only releases whose
outputs were all written.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import multiprocessing
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from . import __version__
from .errors import EXIT_PROBLEMS, PresserError, Problem, ProblemsFound, UsageProblem, WriteError

if TYPE_CHECKING:
    from multiprocessing.context import ForkContext, SpawnContext
    from multiprocessing.process import BaseProcess

    from .pipeline import RenderOptions
    from .validation import LoadedRelease
    from .workspace import Workspace

CACHE_NAME = ".presser-cache.json"
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")
#: Bumped whenever the meaning of an entry changes; another number means a full build.
CACHE_FORMAT = 1
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


# --------------------------------------------------------------------------- digests


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha256(path: Path) -> str | None:
    """The SHA-256 of a file's bytes, or None when it cannot be read."""
    try:
        return _sha256(path.read_bytes())
    except OSError:
        return None


def _folder_digest(folders: Sequence[Path]) -> str:
    """One digest of every file under ``folders``: names, order of the folders, and bytes."""
    digest = hashlib.sha256()
    for index, folder in enumerate(folders):
        digest.update(f"folder {index}\0".encode())
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        for path in files:
            name = path.relative_to(folder).as_posix()
            digest.update(f"{name}\0{_file_sha256(path)}\0".encode())
    return digest.hexdigest()


def presser_digest(workspace: Workspace) -> str:
    """presser's version and code, WeasyPrint's version, and the workspace's settings.

    presser's own modules and translations are hashed, not only its version
    number, so an edited checkout (or an upgrade that kept the number) never
    reuses outputs of other code. WeasyPrint's version is read from its
    ``__init__.py`` without importing it (a no-change build never pays for
    WeasyPrint).
    """
    import importlib.util

    package = Path(__file__).parent
    digest = hashlib.sha256(f"presser {__version__}\0".encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".po") and path.is_file():
            name = path.relative_to(package).as_posix()
            digest.update(f"{name}\0{_file_sha256(path)}\0".encode())
    spec = importlib.util.find_spec("weasyprint")
    weasyprint_init = Path(spec.origin) if spec and spec.origin else None
    digest.update(f"weasyprint\0{weasyprint_init and _file_sha256(weasyprint_init)}\0".encode())
    settings = workspace.root / "presser.yaml"
    digest.update(f"settings\0{_file_sha256(settings)}\0".encode())
    return digest.hexdigest()


def options_key(options: RenderOptions, out_dir: Path) -> str:
    """The render options and the output folder, as part of the inputs digest.

    The output folder matters: the HTML addresses images relative to it.
    """
    return json.dumps(
        {
            "formats": sorted(options.formats),
            "wire": options.wire,
            "width": options.width,
            "ascii": options.ascii_only,
            "out": str(out_dir.resolve()),
        },
        sort_keys=True,
    )


def inputs_digest(
    *,
    release_sha: str,
    organisation: str,
    organisation_sha: str,
    images: dict[str, str | None],
    presser_sha: str,
    options: str,
) -> str:
    """The digest of everything one release's outputs depend on."""
    parts = [release_sha, organisation, organisation_sha, sorted(images.items()), presser_sha]
    return _sha256(json.dumps([*parts, options]).encode())


class OrganisationDigests:
    """Each organisation's template search path digest, computed once per build."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._known: dict[str, str] = {}

    def __call__(self, slug: str) -> str:
        if slug not in self._known:
            self._known[slug] = _folder_digest(self.workspace.template_search_path(slug))
        return self._known[slug]


# --------------------------------------------------------------------------- the cache


@dataclass
class Entry:
    """What the cache knows about one release's last render."""

    inputs: str
    organisation: str
    images: list[str]
    outputs: dict[str, dict[str, Any]]  #: file name -> {"size": int, "sha256": str}

    def as_json(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "organisation": self.organisation,
            "images": self.images,
            "outputs": self.outputs,
        }

    @classmethod
    def from_json(cls, data: Any) -> Entry | None:
        """An entry, or None for anything malformed (which then counts as no entry)."""
        try:
            entry = cls(
                inputs=data["inputs"],
                organisation=data["organisation"],
                images=list(data["images"]),
                outputs=dict(data["outputs"]),
            )
        except (KeyError, TypeError, ValueError):
            return None
        well_formed = (
            isinstance(entry.inputs, str)
            and isinstance(entry.organisation, str)
            # The cache is data from disk: a slug must be a plain folder name, never a path.
            and _SLUG.fullmatch(entry.organisation) is not None
            and all(isinstance(i, str) for i in entry.images)
            and all(
                isinstance(o, dict)
                and isinstance(o.get("size"), int)
                and isinstance(o.get("sha256"), str)
                for o in entry.outputs.values()
            )
        )
        return entry if well_formed else None


@dataclass
class BuildCache:
    """The cache file of one output folder: an entry per release, by resolved path."""

    path: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    #: Whether the file on disk is exactly :attr:`entries` (then a no-change build writes nothing).
    intact: bool = False

    @classmethod
    def load(cls, out_dir: Path) -> BuildCache:
        """The cache in ``out_dir``; empty when missing, unreadable, corrupt or of other format."""
        path = out_dir / CACHE_NAME
        cache = cls(path)
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return cache
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
            return cache
        releases = data.get("releases")
        if isinstance(releases, dict):
            for key, value in releases.items():
                entry = Entry.from_json(value)
                if entry is not None:
                    cache.entries[key] = entry
            cache.intact = len(cache.entries) == len(releases)
        return cache

    def save_if_changed(self) -> None:
        """Save unless the file already says exactly this (a build with nothing to do)."""
        if not self.intact or not all(Path(key).is_file() for key in self.entries):
            self.save()

    def save(self) -> None:
        """Write the cache atomically, forgetting releases whose files are gone."""
        from .writing import write_atomic

        releases = {
            key: entry.as_json()
            for key, entry in sorted(self.entries.items())
            if Path(key).is_file()
        }
        data = {"format": CACHE_FORMAT, "presser": __version__, "releases": releases}
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))


def release_key(path: Path) -> str:
    return str(path.resolve())


def _outputs_intact(entry: Entry, out_dir: Path, expected: set[str]) -> bool:
    if set(entry.outputs) != expected:
        return False
    for name, record in entry.outputs.items():
        target = out_dir / name
        try:
            if target.stat().st_size != record["size"]:
                return False
        except OSError:
            return False
        if _file_sha256(target) != record["sha256"]:
            return False
    return True


def output_names(stem: str, options: RenderOptions) -> set[str]:
    return {f"{stem}.{fmt}" for fmt in options.formats}


# --------------------------------------------------------------------------- rendering one release


@dataclass
class Task:
    """One release to render, with the digests taken before it was loaded."""

    path: Path
    release_sha: str
    organisation_shas: dict[str, str]


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
    organisation_digest: Callable[[str], str],
) -> Result:
    """Render and write one loaded release; the cache entry describes exactly what was written."""
    from .writing import write_atomic

    result = Result(task.path)
    try:
        slug = loaded.organisation.slug
        organisation_sha = task.organisation_shas.get(slug) or organisation_digest(slug)
        images = {
            str(file): _file_sha256(file)
            for file in (loaded.image_file(image.path) for image in loaded.release.images)
        }
        inputs = inputs_digest(
            release_sha=task.release_sha,
            organisation=slug,
            organisation_sha=organisation_sha,
            images=images,
            presser_sha=presser_sha,
            options=options_key(options, out_dir),
        )
        from .pipeline import render_outputs

        outputs: dict[str, dict[str, Any]] = {}
        # Everything is rendered before anything is written (a failure keeps the old outputs).
        for fmt, data in render_outputs(loaded, out_dir, options).items():
            target = out_dir / f"{loaded.stem}.{fmt}"
            write_atomic(target, data)
            result.written.append(target)
            outputs[target.name] = {"size": len(data), "sha256": _sha256(data)}
        result.entry = Entry(inputs, slug, sorted(images), outputs)
    except ProblemsFound as exc:
        result.problems = list(exc.problems)
    except PresserError as exc:
        result.error = exc.format_message()
    except Exception as exc:  # a bug or a broken install: one clear line, never a traceback
        result.error = f"internal error: {type(exc).__name__}: {exc}"
    finally:
        pdf_module = sys.modules.get("presser.renderers.pdf")
        result.slow_subsetting = bool(pdf_module and pdf_module.slow_subsetting_seen())
    return result


def _load_and_render(
    task: Task,
    workspace: Workspace,
    out_dir: Path,
    options: RenderOptions,
    presser_sha: str,
    organisation_digest: Callable[[str], str],
) -> Result:
    """In a worker: read the release again (its digest taken first), then render it."""
    from .validation import load_release

    try:
        current = _file_sha256(task.path)
        loaded = load_release(task.path, workspace)
    except ProblemsFound as exc:
        return Result(task.path, problems=list(exc.problems))
    if current is None:  # pragma: no cover - it was just loaded
        return Result(task.path, error=f"{task.path}: the file could not be read")
    task = Task(task.path, current, task.organisation_shas)
    return render_one(task, loaded, out_dir, options, presser_sha, organisation_digest)


# --------------------------------------------------------------------------- the worker pool


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    # SystemExit unwinds normally, so write_atomic deletes its temporary file.
    raise SystemExit(EXIT_INTERRUPTED)


def _worker_main(
    connection: Connection,
    root: Path,
    out_dir: Path,
    options: RenderOptions,
    presser_sha: str,
) -> None:
    """A worker: warm up once, then render the tasks the parent sends until it sends None."""
    # Ctrl-C reaches the whole process group; the parent decides, and stops us with SIGTERM.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    from .workspace import find_workspace

    workspace = find_workspace(root)
    organisation_digest = OrganisationDigests(workspace)
    # Imported once per worker (WeasyPrint takes most of a second), while the parent
    # validates the releases; then every release this worker renders is warm.
    warm_up = ["presser.context", "presser.renderers.text"]
    if "html" in options.formats or "pdf" in options.formats:
        warm_up.append("presser.renderers.html")
    if "pdf" in options.formats:
        warm_up += ["weasyprint", "presser.renderers.pdf"]
    broken: str | None = None
    try:
        for module in warm_up:
            importlib.import_module(module)
    except Exception as exc:  # such as a missing system library: said once per release, cleanly
        broken = f"cannot load {module}: {type(exc).__name__}: {exc}"

    try:
        while True:
            try:
                task = connection.recv()
            except (EOFError, OSError):
                return  # the parent is gone
            if task is None:
                return
            if broken is not None:
                connection.send(Result(task.path, error=broken))
                continue
            try:
                result = _load_and_render(
                    task, workspace, out_dir, options, presser_sha, organisation_digest
                )
            except Exception as exc:  # a bug: report it, never leave the parent waiting
                result = Result(task.path, error=f"internal error: {type(exc).__name__}: {exc}")
            connection.send(result)
    except (BrokenPipeError, EOFError):
        return


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    task: Task | None = None


class _Pool:
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
    ) -> None:
        self.args = (root, out_dir, options, presser_sha)
        self.context = _process_context()
        self.workers: list[_Worker] = [self._start() for _ in range(size)]

    def _start(self) -> _Worker:
        parent_end, child_end = self.context.Pipe()
        process = self.context.Process(
            target=_worker_main, args=(child_end, *self.args), daemon=True, name="presser-worker"
        )
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def run(self, tasks: Iterable[Task]) -> Iterator[Result]:
        """Render every task; results come in the order they finish."""
        pending = list(tasks)
        pending.reverse()
        while pending or any(w.task for w in self.workers):
            for worker in self.workers:
                if worker.task is None and pending:
                    worker.task = pending.pop()
                    with contextlib.suppress(OSError):  # a dead worker: reported by _collect
                        worker.connection.send(worker.task)
            busy = [w for w in self.workers if w.task is not None]
            ready = wait([w.connection for w in busy] + [w.process.sentinel for w in busy])
            for worker in busy:
                if worker.connection in ready or worker.process.sentinel in ready:
                    result = self._collect(worker)
                    if result is not None:
                        yield result

    def _collect(self, worker: _Worker) -> Result | None:
        task = worker.task
        assert task is not None
        try:
            if worker.connection.poll():
                result: Result = worker.connection.recv()
                worker.task = None
                return result
        except (EOFError, OSError):
            pass
        if worker.process.is_alive():
            return None  # woken by the other worker's event
        # The worker died (a crash in a C library, the out-of-memory killer): say which release.
        code = worker.process.exitcode
        self.workers.remove(worker)
        self.workers.append(self._start())
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

    def terminate(self) -> None:
        """Stop every worker now; each deletes its temporary file on the way out."""
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.terminate()
        deadline = time.monotonic() + 5
        for worker in self.workers:
            worker.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()


def _process_context() -> ForkContext | SpawnContext:
    # fork: a worker starts in milliseconds with presser's modules already imported.
    # The parent has imported neither WeasyPrint nor anything that starts threads by then.
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")  # pragma: no cover - not on Linux


# --------------------------------------------------------------------------- progress


class Progress(Protocol):
    """How a build shows its progress."""

    def start(self, total: int) -> None: ...

    def advance(self, result: Result) -> None: ...

    def finish(self) -> None: ...


class PlainProgress:
    """One line per release rendered (for logs and pipes)."""

    def __init__(self, workspace: Workspace, echo: Callable[[str], None]) -> None:
        self.workspace = workspace
        self.echo = echo

    def start(self, total: int) -> None:
        pass

    def advance(self, result: Result) -> None:
        shown = self.workspace.display(result.path)
        if result.written:
            written = ", ".join(self.workspace.display(p) for p in result.written)
            self.echo(f"{shown} -> {written}")
        else:
            self.echo(f"{shown}: failed (see below)")

    def finish(self) -> None:
        pass


class BarProgress:
    """A progress bar with the count, the last release finished and the time left."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.bar: Any = None

    def start(self, total: int) -> None:
        import click

        self.bar = click.progressbar(
            length=total,
            label="Rendering",
            show_pos=True,
            show_eta=True,
            item_show_func=lambda item: item,
        )
        self.bar.__enter__()

    def advance(self, result: Result) -> None:
        self.bar.update(1, current_item=result.path.name)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


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


def up_to_date(
    path: Path,
    release_sha: str,
    entry: Entry | None,
    *,
    out_dir: Path,
    options: RenderOptions,
    options_text: str,
    presser_sha: str,
    organisation_digest: Callable[[str], str],
    root: Path,
) -> bool:
    """Whether the outputs of ``path`` are there and were made from the current inputs."""
    if entry is None:
        return False
    # Image paths come from the cache file: read only regular files inside the workspace.
    files = [Path(image) for image in entry.images]
    if not all(f.is_relative_to(root) and f.resolve() == f and f.is_file() for f in files):
        return False
    images = {image: _file_sha256(Path(image)) for image in entry.images}
    if any(sha is None for sha in images.values()):
        return False
    current = inputs_digest(
        release_sha=release_sha,
        organisation=entry.organisation,
        organisation_sha=organisation_digest(entry.organisation),
        images=images,
        presser_sha=presser_sha,
        options=options_text,
    )
    return current == entry.inputs and _outputs_intact(
        entry, out_dir, output_names(path.stem, options)
    )


def run_build(
    files: Sequence[Path],
    workspace: Workspace,
    out_dir: Path,
    options: RenderOptions,
    *,
    jobs: int,
    force: bool = False,
    progress: Progress,
) -> BuildSummary:
    """Render the releases in ``files`` whose outputs are missing or out of date.

    Raises :class:`ProblemsFound` (nothing rendered) when a release to render
    is invalid, :class:`BuildFailed` when some could not be rendered (the
    others are written and recorded), and :class:`BuildInterrupted` on Ctrl-C.
    """
    _check_unique_stems(files)
    cache = BuildCache.load(out_dir)
    presser_sha = presser_digest(workspace)
    organisation_digest = OrganisationDigests(workspace)
    options_text = options_key(options, out_dir)
    summary = BuildSummary()

    tasks: list[Task] = []
    for path in files:
        release_sha = _file_sha256(path)
        if release_sha is None:
            raise UsageProblem(f"cannot read {workspace.display(path)}")
        entry = None if force else cache.entries.get(release_key(path))
        if up_to_date(
            path,
            release_sha,
            entry,
            out_dir=out_dir,
            options=options,
            options_text=options_text,
            presser_sha=presser_sha,
            organisation_digest=organisation_digest,
            root=workspace.resolved_root,
        ):
            summary.up_to_date += 1
        else:
            tasks.append(Task(path, release_sha, {}))
    if not tasks:
        cache.save_if_changed()
        return summary

    workers = max(1, min(jobs, len(tasks)))
    pool = _Pool(workers, workspace.root, out_dir, options, presser_sha) if workers > 1 else None
    results: Iterator[Result] | None = None
    started = False
    try:
        # Validated here, while the workers import WeasyPrint: every problem at once.
        loaded = _load_all([t.path for t in tasks], workspace)
        for task, release in zip(tasks, loaded, strict=True):
            slug = release.organisation.slug
            task.organisation_shas = {slug: organisation_digest(slug)}
        progress.start(len(tasks))
        started = True
        if pool is not None:
            results = pool.run(tasks)
        else:
            results = (
                render_one(task, release, out_dir, options, presser_sha, organisation_digest)
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
        raise
    finally:
        if pool is not None:
            pool.close()
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


def _load_all(paths: list[Path], workspace: Workspace) -> list[LoadedRelease]:
    from .pipeline import load_all

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
