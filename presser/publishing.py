"""Publishing: content hashes, frozen version folders with a manifest, and the due run.

What counts as a release's *content* (the hash an approval records and
publish checks):

- the release's own words: every field of the YAML except ``status`` and
  ``history``, which the workflow itself writes, and ``lint``, which only
  steers the linter (comments and layout are not
  content: the parsed values are hashed, so re-indenting a file changes
  nothing; ``corrections`` are content, since every output prints them);
- the bytes of every image file it names;
- what the organisation contributes to the outputs: ``organisation.yaml``'s
  values except ``workflow:`` and ``lint:`` (name, boilerplate, press
  contacts, date format, colour…) and every file of the templates used
  (``templates/<org>/``, ``templates/_default/`` and the packaged default look).

So an approval covers the outputs the approver could see; a change to the
release, an image, or the organisation's look afterwards needs a new approval.
The frozen check of a published release (``presser validate``) compares only
the release's own part (words and images), field by field, so that changing
an organisation's stylesheet does not turn every release it ever published
into an error; ``v<N>/`` keeps the outputs as they were.

``published/<stem>/v<N>/`` holds ``<stem>.html``, ``.pdf``, ``.txt``, the
images (so the page does not depend on files that may change) and
``manifest.json``. It is built in a temporary folder beside it and renamed into
place in one step, and an existing version folder is never replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import presser

from .errors import PresserError, Problem, ProblemsFound
from .loading import load_file
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
from .workspace import ORGANISATION_FILE, Workspace
from .writing import TEMP_PREFIX, write_atomic

PUBLISHED_FOLDER = "published"
MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
#: Written by the workflow itself (or only steering the linter), so never part of the content.
WORKFLOW_FIELDS = frozenset({"status", "history", "lint"})
#: Organisation settings that shape no output.
ORGANISATION_SETTINGS = frozenset({"workflow", "lint"})
_VERSION_FOLDER = re.compile(r"^v([1-9][0-9]*)$")


# --------------------------------------------------------------------------- hashing


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _digest(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + _sha256(canonical.encode("utf-8"))


def field_hashes(loaded: LoadedRelease) -> dict[str, str]:
    """A hash per content field of the release (its parsed value, not its layout)."""
    data = loaded.document.data
    return {key: _digest(value) for key, value in data.items() if key not in WORKFLOW_FIELDS}


def image_hashes(loaded: LoadedRelease) -> dict[str, str]:
    """The SHA-256 of each image file, by the path the release gives."""
    hashes: dict[str, str] = {}
    for image in loaded.release.images:
        try:
            hashes[image.path] = "sha256:" + _sha256(loaded.image_file(image.path).read_bytes())
        except OSError:
            hashes[image.path] = "missing"
    return hashes


def release_hash(loaded: LoadedRelease) -> str:
    """The release's own content: its fields and its image files."""
    return _digest({"fields": field_hashes(loaded), "images": image_hashes(loaded)})


def _template_files(loaded: LoadedRelease) -> Iterator[tuple[str, Path]]:
    workspace = loaded.workspace
    for layer, folder in enumerate(workspace.template_search_path(loaded.organisation.slug)):
        for file in sorted(folder.rglob("*")):
            relative = file.relative_to(folder)
            hidden = any(part.startswith((".", "__")) for part in relative.parts)
            profile = layer == 0 and file.name == ORGANISATION_FILE  # hashed as values
            if file.is_file() and not hidden and not profile:
                yield f"{layer}/{relative.as_posix()}", file


def template_hash(loaded: LoadedRelease) -> str:
    """The organisation's part: its profile's values and the template files that render it."""
    profile = loaded.organisation.document.data
    values = {k: v for k, v in profile.items() if k not in ORGANISATION_SETTINGS}
    files = {name: _sha256(file.read_bytes()) for name, file in _template_files(loaded)}
    return _digest({"organisation": values, "files": files})


def content_hash(loaded: LoadedRelease) -> str:
    """What an approval covers: the release's content and the organisation's look."""
    return _digest({"release": release_hash(loaded), "templates": template_hash(loaded)})


# --------------------------------------------------------------------------- manifests


def published_root(workspace: Workspace) -> Path:
    return workspace.root / PUBLISHED_FOLDER


def version_folder(workspace: Workspace, stem: str, version: int) -> Path:
    return published_root(workspace) / stem / f"v{version}"


def published_versions(workspace: Workspace, stem: str) -> list[int]:
    folder = published_root(workspace) / stem
    if not folder.is_dir():
        return []
    found = (_VERSION_FOLDER.match(entry.name) for entry in folder.iterdir())
    return sorted(int(match.group(1)) for match in found if match)


class ManifestProblem(PresserError):
    """A manifest that cannot be read or does not describe its folder."""


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestProblem(f"{path}: not a readable presser manifest ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise ManifestProblem(f"{path}: not a presser manifest (format {MANIFEST_FORMAT})")
    return manifest


def verify_manifest(folder: Path) -> list[str]:
    """What in a version folder no longer matches its manifest (empty: all files verify)."""
    manifest = read_manifest(folder)
    mismatches = []
    listed = set()
    for entry in manifest.get("files", []):
        name = str(entry.get("path", ""))
        listed.add(name)
        file = folder / name
        if Path(name).is_absolute() or ".." in Path(name).parts:
            mismatches.append(f"{name} is not a file of this folder")
        elif not file.is_file():
            mismatches.append(f"{name} is missing")
        elif _sha256(file.read_bytes()) != entry.get("sha256"):
            mismatches.append(f"{name} differs from its SHA-256 in the manifest")
    for file in sorted(folder.rglob("*")):
        name = file.relative_to(folder).as_posix()
        if file.is_file() and name != MANIFEST and name not in listed:
            mismatches.append(f"{name} is not in the manifest")
    return mismatches


def frozen_problems(loaded: LoadedRelease) -> list[Problem]:
    """A published release whose content no longer matches its manifest, field by field.

    A release marked published with no manifest for its version (the seed
    releases, published before presser) is taken as it is.
    """
    release = loaded.release
    if release.status != "published":
        return []
    folder = version_folder(loaded.workspace, loaded.stem, release.version)
    if not (folder / MANIFEST).is_file():
        return []
    document = loaded.document
    shown = loaded.workspace.display(folder)
    try:
        manifest = read_manifest(folder)
    except ManifestProblem as exc:
        return [document.problem((), str(exc))]
    fix = (
        f"a published release is frozen (its v{release.version} is in {shown}/); "
        f"to change it, run: presser correct {loaded.workspace.display(loaded.path)} --note '…'"
    )
    problems = []
    was: dict[str, str] = manifest.get("fields", {})
    now = field_hashes(loaded)
    for key in sorted(set(was) | set(now), key=lambda k: (k not in now, k)):
        if key not in now:
            problems.append(document.problem((), f"'{key}' was removed after publishing; {fix}"))
        elif was.get(key) != now[key]:
            problems.append(
                document.problem((key,), f"changed after publishing; {fix}", at_key=True)
            )
    images_was: dict[str, str] = manifest.get("images", {})
    for index, image in enumerate(release.images):
        if image.path in images_was and images_was[image.path] != image_hashes(loaded)[image.path]:
            problems.append(
                document.problem(
                    ("images", index, "path"), f"the image file changed after publishing; {fix}"
                )
            )
    problems += [
        document.problem((), f"{shown}/{mismatch}; published outputs are never edited")
        for mismatch in verify_manifest(folder)
    ]
    return problems


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
        folder, files = _write_version(loaded, current, approval, by=by, at=at)
        step = record(
            opened,
            "publish",
            by=by,
            at=at,
            version=release.version,
            content_hash=current,
        )
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
        outputs = render_outputs(staged, staging, RenderOptions())
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
                    "sha256": _sha256((staging / name).read_bytes()),
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
            data = load_file(path).data
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
