"""Publishing: frozen version folders with a manifest, and the due run.

An approval records the release's content hash and publish checks it (what
counts as content, and the manifest, are in :mod:`presser.editorial.manifest`).

``published/<stem>/v<N>/`` holds ``<stem>.html``, ``.pdf``, ``.txt``, the
images (so the page does not depend on files that may change) and
``manifest.json``. It is built in a temporary folder beside it and renamed into
place in one step, and an existing version folder is never replaced, nor taken
for this publish's: publish only ever puts in place a folder it rendered itself.

The order makes an interruption safe: render into the staging folder, record
the step in the release (status published, a history entry with the content
hash, who and when), then rename the staging folder into place. A publish
stopped before the record leaves only a staging folder (the next publish
removes it); one stopped after it leaves the release published with its
staging folder beside the missing ``v<N>/``: the next ``presser publish`` (or
``--due``) finishes it, renaming the staging folder whose manifest records that
very history entry (version, content hash, time and publisher) and no other.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import presser

from ..digest import ReadLog, sha256_hex
from ..errors import PresserError, ProblemsFound, WriteError
from ..render.pipeline import output_name, template_reads
from ..source.loading import load_file
from ..source.model import HistoryEntry
from ..source.validation import LoadedRelease
from ..source.workspace import Workspace
from ..writing import TEMP_PREFIX, write_atomic
from .manifest import (
    MANIFEST,
    MANIFEST_FORMAT,
    changed_inputs,
    content_hash,
    embargo_folder,
    field_hashes,
    image_hashes,
    inputs_record,
    published_versions,
    read_manifest,
    reads_from_record,
    release_hash,
    template_hash,
    verify_manifest,
    version_folder,
)
from .release_edit import ReleaseFile
from .workflow import (
    OpenRelease,
    Refused,
    Step,
    describe_delta,
    last_status_change,
    last_submitter,
    now_in,
    open_for,
    record,
    same_person,
)

if TYPE_CHECKING:
    from ..render.printer import PdfPrinter

# --------------------------------------------------------------------------- publishing


@dataclass(frozen=True)
class Published:
    """The outcome of ``presser publish`` for one release."""

    step: Step
    folder: Path | None  #: the version folder; None when only scheduled
    files: tuple[str, ...] = ()
    when: datetime | None = None  #: when a scheduled release is due
    already_scheduled: bool = False
    finished: bool = False  #: an interrupted publish of this version was put in place


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


def publish_formats(loaded: LoadedRelease) -> tuple[str, ...]:
    """What publish writes: the organisation's ``formats:``, else the defaults; html always."""
    from ..render.pipeline import DEFAULT_FORMATS

    chosen = loaded.organisation.profile.formats or DEFAULT_FORMATS
    return tuple(dict.fromkeys(("html", *chosen)))


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
        what = "the release, an image or organisation.yaml is"
        if opened.loaded.language_versions:
            what = (
                "the release, an image, organisation.yaml or its language versions (a "
                "translation added, taken away or retitled) are"
            )
        if approval.inputs:
            changed = changed_inputs(opened.loaded, reads_from_record(approval.inputs))
            if changed:
                what = f"{', '.join(changed)} {'is' if len(changed) == 1 else 'are'}"
        else:  # approved by a presser that recorded no inputs
            what = "the release, an image or the organisation's templates are"
        raise Refused(
            opened.display,
            "publish",
            f"it changed after {approval.by} approved it ({approval.at.isoformat()}): "
            f"{what} not what was approved; "
            f"submit it again for review (presser submit {opened.display})",
        )
    return approval


def approval_rule_broken(loaded: LoadedRelease, approver: str, submitter: str | None) -> str | None:
    """Why ``approver`` may not approve this release under its organisation's rules, or None.

    The rules of ``workflow:`` in organisation.yaml: only the listed approvers,
    and not the release's own submitter unless self-approval is allowed.
    """
    org = loaded.organisation
    rules = org.profile.workflow
    if rules.approvers and not any(same_person(approver, name) for name in rules.approvers):
        return (
            f"{approver} is not an approver for {org.slug} (approvers: "
            f"{', '.join(rules.approvers)}; listed under workflow: in "
            f"templates/{org.slug}/organisation.yaml)"
        )
    if not rules.allow_self_approval and submitter is not None and same_person(approver, submitter):
        return (
            f"{approver} submitted this release and {org.slug} does not allow self-approval "
            "(workflow: allow_self_approval: false)"
        )
    return None


def _check_approval_rules(opened: OpenRelease, approval: HistoryEntry) -> None:
    """The approval publish relies on must be one approve would have made.

    The history is plain text in the release: an entry written by hand must
    not publish what the organisation's rules would not let anyone approve.
    """
    broken = approval_rule_broken(opened.loaded, approval.by, last_submitter(opened.release))
    if broken is not None:
        raise Refused(
            opened.display,
            "publish",
            f"the approval it records ({approval.at.isoformat()}) breaks the workflow rules: "
            f"{broken}; have an approver approve it (presser approve {opened.display})",
        )


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
    printer: PdfPrinter | None = None,
) -> Published:
    """approved -> published: render into ``published/<stem>/v<N>/`` and record it.

    Refused when the release is invalid, changed since its approval, under an
    embargo that has not lifted, or due later (``schedule`` then records it for
    ``presser publish --due`` instead). The PDF is laid out by ``printer`` when
    given (as ``presser render`` does: WeasyPrint is imported there while this
    process checks the release), else here.
    """
    with _publish_lock(workspace):
        finished = finish_interrupted(path, workspace)
        if finished is not None:
            return finished
        opened = open_for("publish", path, workspace)
        loaded = opened.loaded
        release = loaded.release
        at = now_in(opened.timezone, now)
        reads = template_reads(loaded)
        current = content_hash(loaded, reads)
        approval = _check_approval(opened, current)
        _check_approval_rules(opened, approval)
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
        folder = version_folder(workspace, loaded.stem, release.version)
        staging, files = _write_version(
            loaded, current, reads, approval, by=by, at=at, printer=printer
        )
        try:
            _check_not_there(folder, opened.display, workspace)
            step = record(
                opened,
                "publish",
                by=by,
                at=at,
                version=release.version,
                content_hash=current,
            )
        except BaseException:
            # Not recorded (refused, the file changed on disk, Ctrl-C): nothing was published.
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _put_in_place(staging, folder, opened.display, workspace)
        return Published(step, folder, files)


def embargo_copy(
    loaded: LoadedRelease,
    *,
    by: str,
    at: datetime,
    printer: PdfPrinter | None = None,
) -> Path:
    """``published/<stem>/v<N>-embargo/``: the approved version as recipients under embargo get it.

    Made once per version, under the publish lock, from what was approved (checked
    as publish checks it) and with its embargo line; it is not a publication (the
    release stays approved, and publish makes ``v<N>/`` when the embargo lifts).
    Asked for again, the copy is returned as long as it is still what is approved.
    """
    workspace = loaded.workspace
    display = workspace.display(loaded.path)
    opened = OpenRelease(ReleaseFile.read(loaded.path, workspace.limits), loaded, display)
    with _publish_lock(workspace):
        reads = template_reads(loaded)
        current = content_hash(loaded, reads)
        approval = _check_approval(opened, current)
        _check_approval_rules(opened, approval)
        folder = embargo_folder(workspace, loaded.stem, loaded.release.version)
        if (folder / MANIFEST).is_file():
            made = read_manifest(folder, workspace.display(folder))
            if made.content_hash != current or verify_manifest(folder, made):
                raise Refused(
                    display,
                    "send",
                    f"{workspace.display(folder)}/ holds the embargoed copy sent so far, and "
                    "it is not what is approved now; the recipients under embargo have that "
                    "one. Publish the release when the embargo lifts and correct it then "
                    f"(presser correct {display}), or move the folder aside to start again",
                )
            return folder
        staging, _ = _write_version(
            loaded, current, reads, approval, by=by, at=at, printer=printer, embargoed=True
        )
        _put_in_place(staging, folder, display, workspace)
    return folder


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


def staged_release(loaded: LoadedRelease, staging: Path) -> LoadedRelease:
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
    loaded: LoadedRelease,
    current: str,
    reads: ReadLog,
    approval: HistoryEntry,
    *,
    by: str,
    at: datetime,
    printer: PdfPrinter | None = None,
    embargoed: bool = False,
) -> tuple[Path, tuple[str, ...]]:
    """Render version N into a new staging folder beside ``v<N>/``: the folder and its files.

    ``embargoed``: the copy for recipients under embargo, rendered with ``at``
    (before the embargo lifts, so with its embargo line) for ``v<N>-embargo/``.

    Nothing is put in place here (see :func:`publish` for the order).
    """
    from ..digest import TemplateFiles, recording
    from ..render.pipeline import RenderOptions, render_outputs

    workspace = loaded.workspace
    release = loaded.release
    version = release.version
    folder = version_folder(workspace, loaded.stem, version)
    display = workspace.display(loaded.path)
    _check_not_there(folder, display, workspace)
    if embargoed:
        _check_not_there(embargo_folder(workspace, loaded.stem, version), display, workspace)
    _check_same_release(loaded)
    _make_folder(folder.parent, display, workspace)
    # Under the publish lock every staging folder left here is a dead publish's that
    # recorded nothing (finish_interrupted has put in place the ones that did).
    for stale in _staging_folders(folder.parent):
        shutil.rmtree(stale, ignore_errors=True)
    kind = "embargo-" if embargoed else ""
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}v{version}-{kind}", dir=folder.parent))
    try:
        staged = staged_release(loaded, staging)
        # Published at or after its embargo: the frozen copy carries no embargo line.
        with recording() as rendered:
            options = RenderOptions(formats=publish_formats(loaded), published_at=at)
            outputs = render_outputs(staged, staging, options, printer)
        # What the render read must be what was checked against the approval a moment ago.
        search_path = workspace.template_search_path(loaded.organisation.slug)
        moved = [k for k, r in rendered.reads.items() if reads.reads.get(k, r) != r]
        moved += TemplateFiles(search_path).changed(reads)
        if moved:
            raise Refused(
                workspace.display(loaded.path),
                "publish",
                f"{', '.join(sorted(set(moved)))} changed while publishing; run publish again",
            )
        for fmt, data in outputs.items():
            write_atomic(staging / output_name(loaded.stem, fmt), data)
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
            "template_hash": template_hash(loaded, reads),
            "inputs": inputs_record(reads),
            "presser_version": presser.__version__,
            "fields": field_hashes(loaded),
            "images": image_hashes(loaded),
            "files": [
                {
                    "path": name,
                    "sha256": sha256_hex((staging / name).read_bytes()),
                    "size": (staging / name).stat().st_size,
                }
                for name in files
            ],
        }
        text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        write_atomic(staging / MANIFEST, text.encode("utf-8"))
        os.chmod(staging, 0o755)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging, tuple(files)


#: Staging folders: ".presser-v<N>-<random>" in published/<stem>/, beside the v<N>/ they become.
STAGING_PREFIX = TEMP_PREFIX


def _staging_folders(folder: Path, version: int | None = None) -> list[Path]:
    prefix = f"{STAGING_PREFIX}v{version}-" if version is not None else f"{STAGING_PREFIX}v"
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [e for e in entries if e.name.startswith(prefix) and e.is_dir() and not e.is_symlink()]


def _make_folder(folder: Path, display: str, workspace: Workspace) -> None:
    """Create published/<stem>/ (and published/), or say clearly what stands in the way."""
    for part in (workspace.published_dir, folder):
        shown = workspace.display_link(part)
        if part.is_symlink() and not part.exists():
            raise Refused(
                display,
                "publish",
                f"{shown} is a link to {os.readlink(part)}, which does not exist; presser keeps "
                "the published versions in it: make it a folder (or the link's target) and "
                "publish again",
            )
        if part.exists() and not part.is_dir():
            raise Refused(
                display,
                "publish",
                f"{shown} is a file, not a folder; presser keeps the published versions in "
                "it: move the file aside and publish again",
            )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise Refused(
            display, "publish", f"cannot create {workspace.display(folder)}/: {exc.strerror or exc}"
        ) from None


def _check_not_there(folder: Path, display: str, workspace: Workspace) -> None:
    """A version folder is only ever made by the publish that renders it."""
    if folder.exists() or folder.is_symlink():
        raise Refused(
            display,
            "publish",
            f"{workspace.display(folder)}/ exists; it was not made by this publish, and a "
            "version folder is never overwritten or taken over: look at what it holds, move "
            "it aside, and publish again",
        )


def _put_in_place(staging: Path, folder: Path, display: str, workspace: Workspace) -> None:
    """Rename the staging folder to ``v<N>/``: readers see all of it or none."""
    try:
        _check_not_there(folder, display, workspace)
        os.rename(staging, folder)
    except OSError as exc:
        raise WriteError(
            f"{display}: recorded as published, but {workspace.display(folder)}/ could not be "
            f"put in place ({exc.strerror or exc}); run presser publish {display} again to "
            "finish"
        ) from None
    except Refused as exc:
        raise Refused(
            display,
            "publish",
            f"recorded as published, but {exc.reason}; its rendering is kept in "
            f"{workspace.display(staging)}/",
        ) from None
    with contextlib.suppress(OSError):
        handle = os.open(folder.parent, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def finish_interrupted(path: Path, workspace: Workspace) -> Published | None:
    """Put in place what a publish recorded but was stopped before renaming into place.

    For each publish entry in the release's history whose ``v<N>/`` is missing,
    the staging folder whose manifest records exactly that entry (this release,
    version, content hash, time and publisher) becomes ``v<N>/``; nothing else
    does. The outcome when the release's current version was finished, else None.
    Call it under the publish lock.
    """
    from .reading import load_release

    if not _staging_folders(workspace.published_dir / path.stem):
        return None  # nothing left to finish (the usual case: read nothing more)
    try:
        loaded = load_release(path, workspace)
    except ProblemsFound:
        return None  # the workflow step reports it
    release = loaded.release
    display = workspace.display(path)
    finished: Published | None = None
    for entry in release.history:
        if entry.action != "publish" or entry.version is None:
            continue
        folder = version_folder(workspace, loaded.stem, entry.version)
        if folder.exists() or folder.is_symlink():
            continue
        staging = _staging_of(entry, loaded, folder)
        if staging is None:
            continue
        files = tuple(e.path for e in read_manifest(staging).files)
        _put_in_place(staging, folder, display, workspace)
        if release.status == "published" and entry.version == release.version:
            step = Step(
                display, "publish", entry.from_status, entry.to, entry.by, entry.at, release.version
            )
            finished = Published(step, folder, files, finished=True)
    return finished


def _staging_of(entry: HistoryEntry, loaded: LoadedRelease, folder: Path) -> Path | None:
    """The staging folder rendered by the publish that recorded ``entry``, if one is left."""
    expected = {
        "release": _relative(loaded.path, loaded.workspace),
        "version": entry.version,
        "content_hash": entry.content_hash,
        "published_at": entry.at.isoformat(),
        "published_by": entry.by,
    }
    assert entry.version is not None
    for staging in _staging_folders(folder.parent, entry.version):
        try:
            manifest = read_manifest(staging).model_dump()
        except ProblemsFound:
            continue
        if all(manifest.get(key) == value for key, value in expected.items()):
            return staging
    return None


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
    except ProblemsFound:
        return  # validate reports it
    owner = workspace.root / previous.release
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
    paths: tuple[Path, ...],
    workspace: Workspace,
    *,
    by: str,
    now: datetime | None = None,
    printer_for: Callable[[], PdfPrinter | None] | None = None,
) -> list[DueOutcome]:
    """Publish every approved release whose time has come; one outcome per approved release.

    Idempotent: a published release is no longer approved, so a second run
    publishes nothing again. ``printer_for`` gives the printer that lays out the
    PDFs (as for :func:`publish`), asked for once, when the first release is due.
    """
    printer: PdfPrinter | None = None
    asked = False
    from .reading import load_release

    files, refused = workspace.release_files(paths or (workspace.releases_dir,))
    # A link out of the workspace is not read, so whether it is due is unknown: refused.
    outcomes = [DueOutcome(p.path, "refused", p.message) for p in refused]
    for path in files:
        display = workspace.display(path)
        try:
            data = load_file(path, limits=workspace.limits).data
        except ProblemsFound:
            continue  # not readable as YAML: validate reports it; cron has nothing to do
        if isinstance(data, dict) and data.get("status") == "published":
            # A publish stopped between recording and putting v<N>/ in place is finished.
            with _publish_lock(workspace):
                finished = finish_interrupted(path, workspace)
            if finished is not None and finished.folder is not None:
                shown = workspace.display(finished.folder)
                detail = f"v{finished.step.version} -> {shown}/ (an interrupted publish finished)"
                outcomes.append(DueOutcome(display, "published", detail))
            continue
        if not isinstance(data, dict) or data.get("status") != "approved":
            continue
        try:
            loaded = load_release(path, workspace)
            at = now_in(loaded.organisation.profile.timezone, now)
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
            if not asked and printer_for is not None:
                printer, asked = printer_for(), True
            result = publish(path, workspace, by=by, now=now, printer=printer)
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
