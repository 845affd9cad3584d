"""The editorial workflow: statuses, the steps between them, their rules, who and when.

::

    draft --submit--> review --approve--> approved --publish--> published
      ^                 |                   |  ^                   |
      +-----reject------+                   |  +--schedule (stays) |
      ^                                     +--submit (changed) -> review
      +------------------------correct (version N+1)---------------+

Every step is recorded in the release itself: ``status`` changes and an entry
is appended to ``history`` (action, from, to, by, at, note; approve, schedule
and publish also record the content hash), through :mod:`presser.editorial.release_edit`,
so the file stays byte for byte apart from those lines and a concurrent edit is
never overwritten. Who made a step is what ``--by`` says, else git's
``user.name``, else the login name: an audit trail, not authentication - the
pull request and git history are where identity is checked.

Publishing (rendering the frozen outputs) is in :mod:`presser.editorial.publishing`.
"""

from __future__ import annotations

import getpass
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from ..errors import PresserError, ProblemsFound
from ..source.loading import load_bytes
from ..source.model import HistoryEntry, Release, Status, WorkflowAction
from ..source.validation import LoadedRelease
from ..source.workspace import Workspace
from .manifest import content_hash, inputs_record
from .reading import load_release
from .release_edit import (
    ChangedOnDisk,
    ReleaseFile,
    changed_on_disk_message,
    edit_release_text,
    write_release,
)

#: action -> (the statuses it starts from, the status it leads to)
TRANSITIONS: dict[WorkflowAction, tuple[tuple[Status, ...], Status]] = {
    "submit": (("draft", "approved"), "review"),
    "approve": (("review",), "approved"),
    "reject": (("review",), "draft"),
    "schedule": (("approved",), "approved"),
    "publish": (("approved",), "published"),
    "correct": (("published",), "draft"),
}

_WRONG_STATUS_HINT = {
    "submit": "only a draft (or an approved release that changed) can be submitted for review",
    "approve": "only a release in review can be approved; submit it first (presser submit)",
    "reject": "only a release in review can be rejected",
    "schedule": "only an approved release can be scheduled (presser submit, then approve)",
    "publish": "only an approved release can be published (presser submit, then approve)",
    "correct": "only a published release is corrected; a draft is simply edited",
}


class Refused(PresserError):
    """A workflow step was refused; the release is unchanged. Exit code 1."""

    def __init__(self, display: str, action: str, reason: str, details: Iterable[str] = ()) -> None:
        self.display = display
        self.action = action
        self.reason = reason
        self.details = list(details)
        super().__init__(f"{display}: {action} refused: {reason}")

    def show(self, file: object = None) -> None:
        for line in self.details:
            click.echo(line, err=True)
        click.echo(self.format_message(), err=True)


# --------------------------------------------------------------------------- who and when


def current_user() -> str:
    """Who runs presser: git's ``user.name`` when set, else the login name."""
    git = shutil.which("git")
    if git is not None:
        try:
            result = subprocess.run(
                [git, "config", "user.name"], capture_output=True, text=True, timeout=5, check=False
            )
        except (OSError, subprocess.SubprocessError):
            result = None
        if result is not None and result.returncode == 0 and result.stdout.strip():
            return result.stdout.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return "unknown"


def now_in(timezone: str, now: datetime | None = None) -> datetime:
    """Now (or ``now``) in the organisation's time zone, to the second, with its offset."""
    current = now if now is not None else datetime.now(UTC)
    return current.astimezone(ZoneInfo(timezone)).replace(microsecond=0)


def describe_delta(target: datetime, now: datetime) -> str:
    """``in 2 d 3 h`` or ``5 min ago``: how far ``target`` is from ``now``, roughly."""
    seconds = int((target - now).total_seconds())
    span = timedelta(seconds=abs(seconds))
    days, rest = span.days, span.seconds
    hours, minutes = rest // 3600, rest % 3600 // 60
    if days >= 365:
        text = f"{days // 365} y {days % 365 // 30} mo"
    elif days:
        text = f"{days} d {hours} h"
    elif hours:
        text = f"{hours} h {minutes} min"
    elif minutes:
        text = f"{minutes} min"
    else:
        text = "less than a minute"
    return f"in {text}" if seconds > 0 else f"{text} ago"


def same_person(first: str, second: str) -> bool:
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


# --------------------------------------------------------------------------- opening


@dataclass(frozen=True)
class OpenRelease:
    """A release read for a workflow step: the exact bytes and the validated model."""

    file: ReleaseFile
    loaded: LoadedRelease
    display: str

    @property
    def release(self) -> Release:
        return self.loaded.release

    @property
    def timezone(self) -> str:
        return self.loaded.organisation.profile.timezone


def raw_status(file: ReleaseFile) -> str | None:
    """The status a file says it has, read without validating (None when unreadable)."""
    try:
        data = load_bytes(file.raw, file.path, limits=file.limits).data
    except ProblemsFound:
        return None
    if not isinstance(data, dict):
        return None
    status = data.get("status", "draft")
    return status if isinstance(status, str) else None


def wrong_status(display: str, action: str, status: str, release: Release | None = None) -> Refused:
    if action == "publish" and status == "published" and release is not None:
        hint = (
            f"it is already published as v{release.version}; to change it, start the next "
            f"version with: presser correct {display} --note '…'"
        )
        return Refused(display, action, hint)
    return Refused(display, action, f"it is {status}; {_WRONG_STATUS_HINT[action]}")


def open_for(action: WorkflowAction, path: Path, workspace: Workspace) -> OpenRelease:
    """Read and validate a release for ``action``; refuse a wrong status or an invalid file."""
    display = workspace.display(path)
    file = ReleaseFile.read(path, workspace.limits)
    allowed, _ = TRANSITIONS[action]
    status = raw_status(file)
    if status is not None and status not in allowed:
        release, problems = None, []
        try:
            release = load_release(path, workspace).release
        except ProblemsFound as exc:
            problems = exc.problems
        refusal = wrong_status(display, action, status, release)
        if status == "published":  # a frozen release changed after publishing: say where
            refusal.details = [str(p) for p in problems]
        raise refusal
    try:
        # correct is the way out of a published release's freeze, so it may read a changed one.
        loaded = load_release(path, workspace, frozen=action != "correct")
    except ProblemsFound as exc:
        count = len(exc.problems)
        raise Refused(
            display,
            action,
            f"the release has {count} problem{'s' if count != 1 else ''} (listed above); "
            f"fix {'them' if count != 1 else 'it'} and run presser {action} again",
            [str(p) for p in exc.problems],
        ) from None
    # What was validated must be what gets edited.
    if not file.still_on_disk():
        raise ChangedOnDisk(changed_on_disk_message(display))
    if loaded.release.status not in allowed:
        raise wrong_status(display, action, loaded.release.status, loaded.release)
    return OpenRelease(file, loaded, display)


# --------------------------------------------------------------------------- recording


@dataclass(frozen=True)
class Step:
    """A step that was recorded: what the CLI reports."""

    display: str
    action: str
    from_status: str
    to_status: str
    by: str
    at: datetime
    version: int

    def summary(self) -> str:
        change = f"{self.from_status} -> {self.to_status}"
        return f"{self.display}: {change} ({self.action} by {self.by})"


def record(
    opened: OpenRelease,
    action: WorkflowAction,
    *,
    by: str,
    at: datetime,
    note: str | None = None,
    version: int | None = None,
    content_hash: str | None = None,
    inputs: Mapping[str, str] | None = None,
    correction: Mapping[str, Any] | None = None,
) -> Step:
    """Write the step into the release: the new status and a history entry (and a correction)."""
    from_status = opened.release.status
    to_status = TRANSITIONS[action][1]
    entry: dict[str, Any] = {
        "action": action,
        "from": from_status,
        "to": to_status,
        "by": by,
        "at": at,
        "note": note,
        "version": version,
        "content_hash": content_hash,
        "inputs": dict(inputs) if inputs else None,
    }
    append: dict[str, Mapping[str, Any]] = {}
    if correction is not None:
        append["corrections"] = correction
    append["history"] = entry
    text = edit_release_text(
        opened.file, status=to_status if to_status != from_status else None, append=append
    )
    write_release(opened.file, text, opened.display)
    return Step(
        opened.display,
        action,
        from_status,
        to_status,
        by,
        at,
        opened.release.version + (1 if correction is not None else 0),
    )


def last_status_change(history: Iterable[HistoryEntry]) -> HistoryEntry | None:
    """The last entry that changed the status (a schedule entry does not)."""
    changes = [entry for entry in history if entry.from_status != entry.to]
    return changes[-1] if changes else None


def last_submitter(release: Release) -> str | None:
    submits = [entry for entry in release.history if entry.action == "submit"]
    return submits[-1].by if submits else None


# --------------------------------------------------------------------------- the steps


def submit(path: Path, workspace: Workspace, *, by: str, now: datetime | None = None) -> Step:
    """draft (or approved) -> review; refused while validation or lint reports an error."""
    opened = open_for("submit", path, workspace)
    from ..lint import has_errors, lint_release

    findings = lint_release(opened.loaded)
    if has_errors(findings):
        count = sum(1 for finding in findings if finding.severity == "error")
        raise Refused(
            opened.display,
            "submit",
            f"lint reports {count} error{'s' if count != 1 else ''} (listed above); "
            f"fix them (presser lint {opened.display}) and submit again",
            [f.format() for f in findings],
        )
    return record(opened, "submit", by=by, at=now_in(opened.timezone, now))


def approve(
    path: Path,
    workspace: Workspace,
    *,
    by: str,
    note: str | None = None,
    now: datetime | None = None,
) -> Step:
    """review -> approved, recording the content hash that publish will check."""
    opened = open_for("approve", path, workspace)
    org = opened.loaded.organisation
    rules = org.profile.workflow
    if rules.approvers and not any(same_person(by, name) for name in rules.approvers):
        raise Refused(
            opened.display,
            "approve",
            f"{by} is not an approver for {org.slug} (approvers: {', '.join(rules.approvers)}; "
            f"listed under workflow: in templates/{org.slug}/organisation.yaml)",
        )
    submitter = last_submitter(opened.release)
    if not rules.allow_self_approval and submitter is not None and same_person(by, submitter):
        raise Refused(
            opened.display,
            "approve",
            f"{by} submitted this release and {org.slug} does not allow self-approval "
            "(workflow: allow_self_approval: false); another approver must approve it",
        )
    from ..render.pipeline import template_reads

    reads = template_reads(opened.loaded)  # what the approval covers besides the release
    return record(
        opened,
        "approve",
        by=by,
        at=now_in(opened.timezone, now),
        note=note,
        content_hash=content_hash(opened.loaded, reads),
        inputs=inputs_record(reads),
    )


def reject(
    path: Path, workspace: Workspace, *, by: str, reason: str, now: datetime | None = None
) -> Step:
    """review -> draft, with the reason in the history."""
    opened = open_for("reject", path, workspace)
    return record(opened, "reject", by=by, at=now_in(opened.timezone, now), note=reason)


def correct(
    path: Path, workspace: Workspace, *, by: str, note: str, now: datetime | None = None
) -> Step:
    """published -> draft of the next version, with a correction notice for every output."""
    opened = open_for("correct", path, workspace)
    at = now_in(opened.timezone, now)
    return record(
        opened,
        "correct",
        by=by,
        at=at,
        note=note,
        version=opened.release.version + 1,
        correction={"at": at, "note": note, "by": by},
    )
