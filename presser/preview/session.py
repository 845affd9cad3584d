"""What the preview shows of each release: its versions, and each view rendered once per version.

A release's *version* here counts the changes to what its views are made of:
its own file, the images it places, ``presser.yaml``, its organisation's
``organisation.yaml``, and exactly the template files its page and PDF read,
as the render recorded them (:mod:`presser.digest`: every template,
stylesheet and stylesheet asset, and every lookup that found nothing, so a
file added later to shadow a default counts). Until a release has rendered
(or while it is invalid), any change in the template folders counts for it.
The watcher (:mod:`.watch`) calls :meth:`Session.refresh`, which compares
digests of those bytes; an unchanged save, or a change to another
organisation's look, bumps nothing, so an open page reloads only when what it
shows may have changed.

Each view (the page, the PDF, the wire text in each style, the lint findings)
is rendered when first asked for, through the library the commands use
(:func:`presser.render.pipeline.render_outputs`, under the workspace's limits
and time limit, and :func:`presser.editorial.linting.lint_file`), and kept for
that version; the views a browser has asked for are rendered again in the
background as soon as a change is seen, so the reload finds them ready. The
PDF is laid out by one :class:`~presser.render.printer.PdfPrinter` that
imported WeasyPrint at start; a render that hits the time limit costs that
printer, and the next PDF starts another. Nothing is written: the outputs are
rendered for ``build/`` (the page's image addresses are those ``presser
render`` writes there) and kept in memory.
"""

from __future__ import annotations

import contextlib
import queue
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..digest import Read, ReadLog, TemplateFiles, recording, value_digest
from ..errors import PresserError, Problem, ProblemsFound, UsageProblem
from ..source.fields import WIRE_STYLES
from ..source.workspace import ORGANISATION_FILE, Workspace, packaged_default_templates
from .printing import PrinterSlot
from .problems import ErrorReport, report_for
from .watch import FileHashes

if TYPE_CHECKING:
    from ..editorial.status import StatusRow
    from ..lint.findings import Finding
    from ..source.validation import LoadedRelease

PAGE, PDF, LINT = "page", "pdf", "lint"
#: The wire text in one style: ``txt:nordic``, ``txt:us``.
TEXT_VIEWS = tuple(f"txt:{style}" for style in WIRE_STYLES)
VIEWS = (PAGE, *TEXT_VIEWS, LINT, PDF)  #: in the order a change renders them again
#: How long a browser's request for changes is held open before it is answered "none".
WAIT_SECONDS = 25.0


@dataclass(frozen=True)
class Outcome:
    """One view of one release at one version: its bytes, or why there are none."""

    version: int
    data: bytes = b""
    error: ErrorReport | None = None
    findings: tuple[Finding, ...] = ()  #: the lint view's findings
    default_wire: str = ""  #: the release's own wire style (for the text views)


@dataclass
class ReleaseState:
    """One release file as the preview knows it."""

    path: Path
    key: str  #: its name in addresses: the file's stem
    version: int = 0
    fingerprint: str = ""
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    wanted: set[str] = field(default_factory=set)  #: views a browser asked for
    locks: dict[str, threading.Lock] = field(default_factory=dict)
    loaded: tuple[int, LoadedRelease | PresserError] | None = None
    row: tuple[int, StatusRow | ErrorReport] | None = None
    #: the release's images by their path in the workspace (``releases/images/x.png``)
    images: dict[str, Path] = field(default_factory=dict)
    duplicate_of: Path | None = None  #: another release with the same stem came first
    #: what this version's page and PDF read from the template folders, and for which
    #: organisation (None until one of them rendered)
    reads: ReadLog | None = None
    slug: str | None = None
    #: the digest of the release file taken just before this version was read: what the
    #: views were made from (the file may have changed again since)
    read_digest: str | None = None

    def lock(self, name: str) -> threading.Lock:
        return self.locks.setdefault(name, threading.Lock())


class Session:
    """The releases under ``sources`` in the workspace at ``root``, and their views."""

    def __init__(self, root: Path, sources: Sequence[Path] = (), *, printer: bool = True) -> None:
        self.root = root
        self.boot = secrets.token_hex(4)  #: a new server's versions never look like the old one's
        self._sources = list(sources)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self.index_version = 0
        self.releases: dict[str, ReleaseState] = {}
        self.refused: list[Problem] = []  #: links out of the workspace: listed, never read
        self.hashes = FileHashes(self._may_read)
        self.workspace = Workspace(root)
        self._world = ""
        self._profiles: dict[str, str] = {}
        self.printers = PrinterSlot(printer)
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._worker = threading.Thread(
            target=self._render_ahead, name="presser-ahead", daemon=True
        )
        self.refresh()

    # ------------------------------------------------------------------ what is watched

    def _may_read(self, resolved: Path) -> bool:
        return resolved.is_relative_to(self.workspace.resolved_root) or resolved.is_relative_to(
            packaged_default_templates().resolve()
        )

    @property
    def sources(self) -> list[Path]:
        return self._sources or [self.workspace.releases_dir]

    def template_folders(self) -> list[Path]:
        folders = [self.workspace.templates_dir]
        packaged = packaged_default_templates()
        if not packaged.resolve().is_relative_to(self.workspace.templates_dir.resolve()):
            folders.append(packaged)
        return [f for f in folders if f.is_dir()]

    def watched(self) -> tuple[list[Path], list[Path]]:
        """The folders and files the watcher polls."""
        folders = [s for s in self.sources if s.is_dir()] + self.template_folders()
        files = [s for s in self.sources if not s.is_dir()] + [self.workspace.settings_file]
        with self._lock:
            files += [image for state in self.releases.values() for image in state.images.values()]
        return folders, files

    def _world_digest(self) -> str:
        """A digest of presser.yaml and every file of the template folders."""
        parts = [("settings", self.hashes.of(self.workspace.settings_file))]
        for folder in self.template_folders():
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                parts.append((str(path), self.hashes.of(path)))
        return value_digest(parts)

    def _profile_digests(self) -> dict[str, str]:
        """``presser.yaml`` (under ``""``) and each organisation's ``organisation.yaml``, hashed."""
        digests = {"": self.hashes.of(self.workspace.settings_file)}
        with contextlib.suppress(OSError):
            for profile in self.workspace.templates_dir.glob(f"*/{ORGANISATION_FILE}"):
                digests[profile.parent.name] = self.hashes.of(profile)
        return digests

    def _fingerprint(self, state: ReleaseState, *, as_read: bool = False) -> str:
        """A digest of what the release's views are made of, as the files are now.

        With ``as_read``, the template files count as the render recorded them
        (the bytes it really used) and the release file as hashed just before it
        was read, so a change made while it rendered still shows at the next
        refresh. ``presser.yaml`` and the organisations' files count as the last
        refresh saw them, which is what the workspace in use was made after.
        """
        release = state.read_digest if as_read and state.read_digest else self.hashes.of(state.path)
        parts: list[object] = [release, self._profiles.get("", ""), str(state.duplicate_of)]
        parts += [f"{name}={self.hashes.of(p)}" for name, p in sorted(state.images.items())]
        if state.reads is None or state.slug is None:
            parts.append(self._world)
            return value_digest(parts)
        parts.append(self._profiles.get(state.slug, "none"))
        parts.append(state.reads.as_json() if as_read else self._reads_now(state))
        return value_digest(parts)

    def _reads_now(self, state: ReleaseState) -> object:
        """What each lookup of the release's recorded reads finds now (as ``TemplateFiles``)."""
        assert state.reads is not None and state.slug is not None
        try:
            files = TemplateFiles(self.workspace.template_search_path(state.slug))
        except PresserError:
            return self._world
        now = ReadLog()
        for key in state.reads.reads:
            where, path = files.find(key)
            digest = None if path is None else self.hashes.of(path)
            now.record_read(key, Read(where, None if digest in ("missing", "outside") else digest))
        return now.as_json()

    def _learned(self, state: ReleaseState, version: int, slug: str, reads: ReadLog) -> None:
        """Take what a render of ``version`` read into the release's fingerprint."""
        with self._lock:
            if state.version != version:
                return
            if state.reads is None or state.slug != slug:
                state.reads, state.slug = ReadLog(), slug
            state.reads.reads.update(reads.reads)
            state.fingerprint = self._fingerprint(state, as_read=True)

    def _listing(self) -> tuple[list[Path], list[Problem]]:
        sources = [s for s in self.sources if s.exists()]
        if not sources:
            return [], []
        return self.workspace.release_files(sources)

    def refresh(self) -> None:
        """Look at the files again; bump the version of every release whose inputs changed."""
        with self._lock:
            world = self._world_digest()
            self._profiles = self._profile_digests()
            if world != self._world:
                self._world = world
                self.workspace = Workspace(self.root)  # organisations and limits read afresh
            try:
                files, refused = self._listing()
            except PresserError as exc:  # the folder went away meanwhile
                files, refused = [], [Problem(str(self.root), 1, 1, "(file)", str(exc))]
            listing_changed = refused != self.refused
            self.refused = refused
            seen: dict[str, ReleaseState] = {}
            duplicates: dict[str, Path] = {}
            for path in files:
                key = path.stem
                if key in seen:  # two files would render to the same names: both refused
                    duplicates.setdefault(key, path)
                    continue
                state = self.releases.get(key)
                if state is None or state.path != path:
                    state = ReleaseState(path, key)
                    listing_changed = True
                seen[key] = state
            for key, state in seen.items():
                if state.duplicate_of != duplicates.get(key):
                    state.duplicate_of = duplicates.get(key)
                    state.loaded = None
            listing_changed |= set(seen) != set(self.releases)
            self.releases = seen
            bumped = False
            for state in seen.values():
                fingerprint = self._fingerprint(state)
                if fingerprint != state.fingerprint:
                    state.version += 1
                    state.outcomes.clear()
                    # The next load and render record these again.
                    state.reads = state.slug = state.read_digest = None
                    state.fingerprint = self._fingerprint(state)
                    bumped = True
                    if state.wanted:
                        self._queue.put(state.key)
            if bumped or listing_changed:
                self.index_version += 1
            self._changed.notify_all()

    # ------------------------------------------------------------------ versions, waiting

    def token(self, key: str) -> str:
        """What a page shows is current while this is unchanged (``""``: the index)."""
        with self._lock:
            if not key:
                return f"{self.boot}.{self.index_version}"
            state = self.releases.get(key)
            return f"{self.boot}.{state.version}" if state else f"{self.boot}.none"

    def wait(self, key: str, token: str, timeout: float = WAIT_SECONDS) -> str:
        """The token of ``key`` once it is no longer ``token``, or after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while (current := self.token(key)) == token:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
            return current

    def close(self) -> None:
        self._queue.put(None)
        self.printers.close()

    # ------------------------------------------------------------------ rendering

    def start(self) -> None:
        """Start the printer and the background renderer."""
        self.printers.start()
        self._worker.start()

    def listing(self) -> tuple[list[ReleaseState], list[Problem], Workspace]:
        """The releases (by file), the files refused unread, and the workspace, as of now."""
        with self._lock:
            states = sorted(self.releases.values(), key=lambda s: str(s.path))
            return states, list(self.refused), self.workspace

    def state(self, key: str) -> ReleaseState | None:
        with self._lock:
            return self.releases.get(key)

    def view(self, state: ReleaseState, name: str) -> Outcome:
        """View ``name`` of the release at its current version, rendered if need be."""
        with state.lock(name):
            with self._lock:
                version = state.version
                state.wanted.add(name)
                known = state.outcomes.get(name)
            if known is not None and known.version == version:
                return known
            outcome = self._render(state, version, name)
            with self._lock:
                if state.version == version:
                    state.outcomes[name] = outcome
            return outcome

    def load(self, state: ReleaseState) -> tuple[int, LoadedRelease | PresserError]:
        """The release read and validated at its current version (or why it cannot be)."""
        from ..editorial.reading import load_release

        with state.lock("load"):
            with self._lock:
                version, workspace = state.version, self.workspace
                known = state.loaded
            if known is not None and known[0] == version:
                return known
            # Before reading: a change after this, even during the read, shows as a change.
            digest = self.hashes.of(state.path)
            result: LoadedRelease | PresserError
            if state.duplicate_of is not None:
                shown = workspace.display
                result = UsageProblem(
                    f"{shown(state.path)} and {shown(state.duplicate_of)} would both render to "
                    f"{state.key}.*; rename one"
                )
            else:
                try:
                    result = load_release(state.path, workspace)
                except PresserError as exc:
                    result = exc
            images: dict[str, Path] = {}
            if not isinstance(result, PresserError):
                root = workspace.resolved_root
                for image in result.release.images:
                    file = result.image_file(image.path)
                    if file.is_relative_to(root):
                        images[file.relative_to(root).as_posix()] = file
            with self._lock:
                if state.version == version:
                    state.loaded = (version, result)
                    state.read_digest = digest
                    if images != state.images:
                        # Now watched too; taken into the fingerprint as read just now, so
                        # learning of them is no change (a change to them from now on is).
                        state.images = images
                        state.fingerprint = self._fingerprint(state, as_read=True)
            return version, result

    def _render(self, state: ReleaseState, version: int, name: str) -> Outcome:
        _, loaded = self.load(state)
        if isinstance(loaded, PresserError):
            return Outcome(version, error=self.report(state, loaded))
        try:
            return self._render_loaded(state, loaded, version, name)
        except Exception as exc:  # every PresserError, and a bug: shown, the server goes on
            return Outcome(version, error=self.report(state, exc, loaded))

    def _render_loaded(
        self, state: ReleaseState, loaded: LoadedRelease, version: int, name: str
    ) -> Outcome:
        from ..render.pipeline import RenderOptions, render_outputs

        out_dir = loaded.workspace.root / "build"  # addresses as presser render has them
        default_wire = loaded.release.wire or loaded.organisation.profile.wire
        slug = loaded.organisation.slug
        if name == PAGE:
            with recording() as reads:
                rendered = render_outputs(loaded, out_dir, RenderOptions(formats=("html",)))
            self._learned(state, version, slug, reads)
            return Outcome(version, rendered["html"])
        if name in TEXT_VIEWS:
            wire = name.partition(":")[2]
            options = RenderOptions(formats=("txt",), wire=wire)
            return Outcome(
                version, render_outputs(loaded, out_dir, options)["txt"], default_wire=default_wire
            )
        if name == PDF:
            options = RenderOptions(formats=("pdf",))
            with recording() as reads:
                rendered = self.printers.run(lambda p: render_outputs(loaded, out_dir, options, p))
            self._learned(state, version, slug, reads)
            return Outcome(version, rendered["pdf"])
        if name == LINT:
            from ..editorial.linting import lint_file

            report = lint_file(state.path, loaded.workspace)
            if report.problems:
                return Outcome(version, error=self.report(state, ProblemsFound(report.problems)))
            return Outcome(version, findings=tuple(sorted(report.findings)))
        raise KeyError(name)

    def report(
        self, state: ReleaseState, error: BaseException, loaded: LoadedRelease | None = None
    ) -> ErrorReport:
        """``error`` as the page shows it, with the lines of the files it is about."""
        workspace = self.workspace
        files = [state.path, workspace.settings_file]
        templates = workspace.templates_dir
        with contextlib.suppress(OSError):
            files += sorted(templates.glob(f"*/{ORGANISATION_FILE}"))
        shown = {workspace.display(p): p for p in files if self._may_read(p.resolve())}
        template_files: list[Path] = []
        if loaded is not None:
            with contextlib.suppress(PresserError, OSError):
                for folder in workspace.template_search_path(loaded.organisation.slug):
                    template_files += [
                        p
                        for p in folder.rglob("*.j2")
                        if p.is_file() and self._may_read(p.resolve())
                    ]
        return report_for(error, template_files, shown)

    def row(self, state: ReleaseState) -> StatusRow | ErrorReport:
        """The index's row of a release: status, organisation, headline, lint counts."""
        from ..editorial.status import status_rows

        with state.lock("row"):
            with self._lock:
                version, workspace, known = state.version, self.workspace, state.row
            if known is not None and known[0] == version:
                return known[1]
            result: StatusRow | ErrorReport
            try:
                result = status_rows([state.path], workspace)[0]
            except Exception as exc:
                result = self.report(state, exc)
            with self._lock:
                if state.version == version:
                    state.row = (version, result)
            return result

    def _render_ahead(self) -> None:
        """Render again, in the background, the views browsers have open, as soon as they change."""
        while True:
            key = self._queue.get()
            if key is None:
                return
            state = self.state(key)
            if state is None:
                continue
            with self._lock:
                wanted = [name for name in VIEWS if name in state.wanted]
            for name in wanted:
                with contextlib.suppress(Exception):
                    self.view(state, name)
