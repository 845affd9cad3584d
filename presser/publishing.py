"""Publishing: frozen version folders with a manifest, and the due run.

An approval records the release's content hash and publish checks it (what
counts as content, and the manifest, are in :mod:`presser.manifest`).

``published/<stem>/v<N>/`` holds ``<stem>.html``, ``.pdf``, ``.txt``, the
images (so the page does not depend on files that may change) and
``manifest.json``. It is built in a temporary folder beside it and renamed into
place in one step, and an existing version folder is never replaced.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import presser

from .errors import PresserError, ProblemsFound
from .loading import load_file
from .manifest import (
    MANIFEST,
    MANIFEST_FORMAT,
    ManifestProblem,
    content_hash,
    field_hashes,
    image_hashes,
    published_versions,
    read_manifest,
    release_hash,
    sha256,
    template_hash,
    version_folder,
)
from .model import HistoryEntry
from .validation import LoadedRelease, release_files
from .workflow import (
    OpenRelease,
    Refused,
    Step,
    describe_delta,
    last_status_change,
    moment,
    open_for,
    record,
)
from .workspace import Workspace
from .writing import TEMP_PREFIX, write_atomic

# --------------------------------------------------------------------------- publishing


@dataclass(frozen=True)
class Published:
    """The outcome of ``presser publish`` for one release."""

    step: Step
    folder: Path | None  #: the version folder; None when only scheduled
    files: tuple[str, ...] = ()
    when: datetime | None = None  #: when a scheduled release is due
    already_scheduled: bool = False


@contextlib.contextmanager
def _publish_lock(workspace: Workspace) -> Iterator[None]:
    """One publisher at a time per workspace (two cron runs overlapping, say)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: rely on the folder rename alone
        yield
        return
    # The workspace folder itself is locked, so no lock file lands among the outputs.
    handle = os.open(workspace.root, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def release_time(loaded: LoadedRelease) -> datetime:
    """When a release may go out: its publication time (an embargo is never later)."""
    release = loaded.release
    return max(release.published, release.embargo or release.published)


def _check_approval(opened: OpenRelease, current_hash: str) -> HistoryEntry:
    approval = last_status_change(opened.release.history)
    if approval is None or approval.action != "approve":
        raise Refused(
            opened.display,
            "publish",
            "its history records no approval of this version; have it approved "
            f"(presser submit {opened.display}, then presser approve)",
        )
    if approval.content_hash != current_hash:
        raise Refused(
            opened.display,
            "publish",
            f"it changed after {approval.by} approved it ({approval.at.isoformat()}): the "
            "release, an image or the organisation's templates are not what was approved; "
            f"submit it again for review (presser submit {opened.display})",
        )
    return approval


def is_scheduled(loaded: LoadedRelease) -> bool:
    """Whether the release was scheduled after its latest approval."""
    history = loaded.release.history
    approval = last_status_change(history)
    if approval is None:
        return False
    after = history[history.index(approval) + 1 :]
    return any(entry.action == "schedule" for entry in after)


def publish(
    path: Path,
    workspace: Workspace,
    *,
    by: str,
    now: datetime | None = None,
    schedule: bool = False,
) -> Published:
    """approved -> published: render into ``published/<stem>/v<N>/`` and record it.

    Refused when the release is invalid, changed since its approval, under an
    embargo that has not lifted, or due later (``schedule`` then records it for
    ``presser publish --due`` instead).
    """
    with _publish_lock(workspace):
        opened = open_for("publish", path, workspace)
        loaded = opened.loaded
        release = loaded.release
        at = moment(opened.timezone, now)
        current = content_hash(loaded)
        approval = _check_approval(opened, current)
        due = release_time(loaded)
        if at < due:
            if not schedule:
                raise _not_yet(opened, at)
            if is_scheduled(loaded):
                step = Step(
                    opened.display, "schedule", "approved", "approved", by, at, release.version
                )
                return Published(step, None, when=due, already_scheduled=True)
            step = record(
                opened,
                "schedule",
                by=by,
                at=at,
                note=f"for {due.isoformat()}",
                content_hash=current,
            )
            return Published(step, None, when=due)
        existed = version_folder(workspace, loaded.stem, release.version).exists()
        folder, files = _write_version(loaded, current, approval, by=by, at=at)
        try:
            step = record(
                opened,
                "publish",
                by=by,
                at=at,
                version=release.version,
                content_hash=current,
            )
        except BaseException:
            # Not recorded (the file changed on disk, Ctrl-C): take the new folder back, so
            # "nothing was written" holds and a later publish is not refused for it.
            if not existed:
                shutil.rmtree(folder, ignore_errors=True)
            raise
        return Published(step, folder, files)


def _not_yet(opened: OpenRelease, at: datetime) -> Refused:
    release = opened.release
    if release.embargo is not None and at < release.embargo:
        return Refused(
            opened.display,
            "publish",
            f"the embargo lifts at {release.embargo.isoformat()} "
            f"({describe_delta(release.embargo, at)}); an embargoed release is not published "
            "before then (presser render gives embargoed recipients their copy; "
            "publish --schedule publishes it when due)",
        )
    return Refused(
        opened.display,
        "publish",
        f"its publication time {release.published.isoformat()} is "
        f"{describe_delta(release.published, at)}; use --schedule to have presser publish --due "
        "publish it then",
    )


def _staged_release(loaded: LoadedRelease, staging: Path) -> LoadedRelease:
    """The release as rendered from the version folder, its images copied into images/."""
    images = []
    used: set[str] = set()
    for image in loaded.release.images:
        source = loaded.image_file(image.path)
        name = source.name if source.name not in used else f"{image.id}-{source.name}"
        used.add(name)
        target = staging / "images" / name
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(source, target)
        images.append(image.model_copy(update={"path": f"images/{name}"}))
    release = loaded.release.model_copy(update={"images": tuple(images)})
    return replace(loaded, path=staging / loaded.path.name, release=release)


def _write_version(
    loaded: LoadedRelease, current: str, approval: HistoryEntry, *, by: str, at: datetime
) -> tuple[Path, tuple[str, ...]]:
    from .pipeline import RenderOptions, render_outputs

    workspace = loaded.workspace
    release = loaded.release
    version = release.version
    folder = version_folder(workspace, loaded.stem, version)
    shown = workspace.display(folder)
    if folder.exists():
        if (folder / MANIFEST).is_file() and read_manifest(folder).get("content_hash") == current:
            # Rendered by a publish that stopped before recording it: record it now.
            return folder, tuple(e["path"] for e in read_manifest(folder).get("files", []))
        raise Refused(
            workspace.display(loaded.path),
            "publish",
            f"{shown}/ already exists and a version folder is never overwritten",
        )
    _check_same_release(loaded)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}v{version}-", dir=folder.parent))
    try:
        staged = _staged_release(loaded, staging)
        # Published at or after its embargo: the frozen copy carries no embargo line.
        outputs = render_outputs(staged, staging, RenderOptions(published_at=at))
        for fmt, data in outputs.items():
            write_atomic(staging / f"{loaded.stem}.{fmt}", data)
        files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
        manifest = {
            "format": MANIFEST_FORMAT,
            "release": _relative(loaded.path, workspace),
            "version": version,
            "published": release.published.isoformat(),
            "published_at": at.isoformat(),
            "published_by": by,
            "approved_by": approval.by,
            "approved_at": approval.at.isoformat(),
            "content_hash": current,
            "release_hash": release_hash(loaded),
            "template_hash": template_hash(loaded),
            "presser_version": presser.__version__,
            "fields": field_hashes(loaded),
            "images": image_hashes(loaded),
            "files": [
                {
                    "path": name,
                    "sha256": sha256((staging / name).read_bytes()),
                    "size": (staging / name).stat().st_size,
                }
                for name in files
            ],
        }
        text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        write_atomic(staging / MANIFEST, text.encode("utf-8"))
        os.chmod(staging, 0o755)
        if folder.exists():
            raise Refused(
                workspace.display(loaded.path),
                "publish",
                f"{shown}/ appeared while rendering; a version folder is never overwritten",
            )
        # One rename puts the whole folder in place: readers see all of it or none.
        os.rename(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    with contextlib.suppress(OSError):
        handle = os.open(folder.parent, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
    return folder, tuple(files)


def _relative(path: Path, workspace: Workspace) -> str:
    """The release's path from the workspace root (as given when it lies elsewhere)."""
    try:
        return path.resolve().relative_to(workspace.resolved_root).as_posix()
    except ValueError:
        return path.as_posix()


def _check_same_release(loaded: LoadedRelease) -> None:
    """published/<stem>/ belongs to one release file; a namesake elsewhere may not add to it."""
    workspace = loaded.workspace
    versions = published_versions(workspace, loaded.stem)
    if not versions:
        return
    try:
        previous = read_manifest(version_folder(workspace, loaded.stem, versions[-1]))
    except ManifestProblem:
        return
    owner = workspace.root / str(previous.get("release", ""))
    if owner.resolve() != loaded.path.resolve() and owner.is_file():
        raise Refused(
            workspace.display(loaded.path),
            "publish",
            f"published/{loaded.stem}/ holds the versions of {workspace.display(owner)}; "
            "two releases cannot share a file name: rename this one",
        )


# --------------------------------------------------------------------------- due


@dataclass(frozen=True)
class DueOutcome:
    """What ``presser publish --due`` did with one approved release."""

    display: str
    outcome: str  #: published | waiting | refused
    detail: str

    def line(self) -> str:
        return f"{self.outcome:<9} {self.display}: {self.detail}"


def publish_due(
    paths: tuple[Path, ...], workspace: Workspace, *, by: str, now: datetime | None = None
) -> list[DueOutcome]:
    """Publish every approved release whose time has come; one outcome per approved release.

    Idempotent: a published release is no longer approved, so a second run
    publishes nothing again.
    """
    from .validation import load_release

    outcomes = []
    for path in release_files(paths or (workspace.releases_dir,)):
        display = workspace.display(path)
        try:
            data = load_file(path, limits=workspace.limits).data
        except ProblemsFound:
            continue  # not readable as YAML: validate reports it; cron has nothing to do
        if not isinstance(data, dict) or data.get("status") != "approved":
            continue
        try:
            loaded = load_release(path, workspace)
            at = moment(loaded.organisation.profile.timezone, now)
            due = release_time(loaded)
            if at < due:
                detail = f"due {due.isoformat()} ({describe_delta(due, at)})"
                outcomes.append(DueOutcome(display, "waiting", detail))
                continue
            rules = loaded.organisation.profile.workflow
            if rules.due_requires_schedule and not is_scheduled(loaded):
                detail = f"approved but not scheduled (presser publish {display} --schedule)"
                outcomes.append(DueOutcome(display, "waiting", detail))
                continue
            result = publish(path, workspace, by=by, now=now)
        except Refused as exc:
            outcomes.append(DueOutcome(display, "refused", exc.reason))
        except ProblemsFound as exc:
            count = len(exc.problems)
            detail = f"{count} problem{'s' if count != 1 else ''}: {exc.problems[0]}"
            outcomes.append(DueOutcome(display, "refused", detail))
        except PresserError as exc:
            outcomes.append(DueOutcome(display, "refused", exc.format_message()))
        else:
            assert result.folder is not None
            shown = workspace.display(result.folder)
            outcomes.append(DueOutcome(display, "published", f"v{result.step.version} -> {shown}/"))
    return outcomes
