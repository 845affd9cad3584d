"""``presser status``: one row per release, for a person (a table) or a script (JSON).

Reads and validates releases and runs the linter, nothing more: no template
is loaded and nothing is rendered (an approved release's content hash reads
its template files as bytes, to tell whether it changed since its approval),
so neither Jinja2 nor WeasyPrint is imported and the overview stays quick on
a large releases/ folder. Times are shown in each organisation's time zone.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import Problem, ProblemsFound, printable
from ..source.loading import load_file
from ..source.validation import LoadedRelease
from ..source.workspace import Workspace
from .manifest import approval_holds
from .publishing import is_scheduled, release_time
from .reading import load_release
from .workflow import describe_delta, last_status_change


@dataclass(frozen=True)
class StatusRow:
    """Where one release stands."""

    path: str
    status: str  #: draft | review | approved | published, or "invalid"
    organisation: str
    headline: str
    version: int | None
    timezone: str | None  #: the organisation's time zone, which the times below are in
    published: str | None  #: ISO 8601 with offset (as written when the release is invalid)
    published_in: str | None  #: "in 2 d 3 h" / "3 h ago"
    embargo: str | None
    embargo_in: str | None  #: time until the embargo lifts; "lifted" once it has
    problems: int  #: validation problems (the release is invalid when > 0)
    lint_errors: int | None  #: None when the release is invalid (lint needs a valid release)
    lint_warnings: int | None
    scheduled_for: str | None = None  #: approved and scheduled: when publish --due publishes it
    #: approved, but the content is no longer what was approved: publish refuses it
    changed_since_approval: bool = False
    rejected: str | None = None  #: a draft sent back from review: the reason given
    language: str | None = None  #: the release's language (its own, or its organisation's)
    translation_of: str | None = None  #: a translation: the original it names (a file stem)
    #: an original: its translations beside it, language tag to file stem
    translations: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def status_rows(
    paths: Iterable[Path], workspace: Workspace, *, now: datetime | None = None
) -> list[StatusRow]:
    """A row for every release under ``paths`` (default: releases/), by publication time."""
    current = now if now is not None else datetime.now(UTC)
    files, refused = workspace.release_files(paths)
    rows = [_refused(problem) for problem in refused]
    memo: dict[Any, Any] = {}  # one look at each folder, for the language versions
    rows += [_row(path, workspace, current, memo) for path in files]
    # By instant, not by text: 10:00+02:00 comes before 09:30+01:00.
    return sorted(rows, key=lambda r: (_instant(r.published), r.path))


_UNDATED = datetime.min.replace(tzinfo=UTC)


def _instant(iso: str | None) -> datetime:
    """The moment an ISO 8601 time stands for; a missing or unreadable one sorts first."""
    try:
        moment = datetime.fromisoformat(iso) if iso else None
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        return _UNDATED
    return moment


def _local(iso: str, timezone: str | None) -> str:
    """``2010-01-28 09:52 CET``: an ISO time in the organisation's zone, to the minute."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso[:16].replace("T", " ")  # an invalid release's time, as written
    if timezone is None or moment.utcoffset() is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M %Z")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _refused(problem: Problem) -> StatusRow:
    """A link out of the workspace: shown as an invalid release, and not read."""
    return StatusRow(
        path=problem.path,
        status="invalid",
        organisation="",
        headline="",
        version=None,
        timezone=None,
        published=None,
        published_in=None,
        embargo=None,
        embargo_in=None,
        problems=1,
        lint_errors=None,
        lint_warnings=None,
    )


def _row(path: Path, workspace: Workspace, now: datetime, memo: dict[Any, Any]) -> StatusRow:
    display = workspace.display(path)
    from ..lint import lint_release

    try:
        loaded = load_release(path, workspace, memo=memo)
        findings = lint_release(loaded)  # raises for a lint: setting that names no rule
    except ProblemsFound as exc:
        data: Any = None
        with contextlib.suppress(ProblemsFound):
            data = load_file(path, limits=workspace.limits).data
        raw = data if isinstance(data, dict) else {}
        return StatusRow(
            path=display,
            status="invalid",
            organisation=_text(raw.get("organisation")),
            headline=_text(raw.get("headline")),
            version=None,
            timezone=None,
            published=_text(raw.get("published")) or None,
            published_in=None,
            embargo=_text(raw.get("embargo")) or None,
            embargo_in=None,
            problems=len(exc.problems),
            lint_errors=None,
            lint_warnings=None,
        )
    release = loaded.release
    zone = ZoneInfo(loaded.organisation.profile.timezone)
    embargo_in = None
    if release.embargo is not None:
        embargo_in = describe_delta(release.embargo, now) if release.embargo > now else "lifted"
    scheduled_for = None
    if release.status == "approved" and is_scheduled(loaded):
        scheduled_for = release_time(loaded).astimezone(zone).isoformat()
    return StatusRow(
        path=display,
        status=release.status,
        organisation=release.organisation,
        headline=release.headline,
        version=release.version,
        timezone=zone.key,
        published=release.published.astimezone(zone).isoformat(),
        published_in=describe_delta(release.published, now),
        embargo=release.embargo.astimezone(zone).isoformat() if release.embargo else None,
        embargo_in=embargo_in,
        problems=0,
        lint_errors=sum(1 for f in findings if f.severity == "error"),
        lint_warnings=sum(1 for f in findings if f.severity != "error"),
        scheduled_for=scheduled_for,
        changed_since_approval=_changed_since_approval(loaded),
        rejected=_rejection(loaded),
        language=loaded.language,
        translation_of=release.translation_of,
        translations={v.language: v.stem for v in loaded.language_versions if not v.original}
        if release.translation_of is None
        else {},
    )


def _changed_since_approval(loaded: LoadedRelease) -> bool:
    """Whether an approved release's content is no longer the approved content."""
    if loaded.release.status != "approved":
        return False
    approval = last_status_change(loaded.release.history)
    if approval is None or approval.action != "approve" or approval.content_hash is None:
        return False  # nothing recorded to compare with (a release marked approved by hand)
    # The recorded inputs are checked again, not rendered: status imports no template engine.
    return not approval_holds(loaded, approval.content_hash, approval.inputs or {})


def _rejection(loaded: LoadedRelease) -> str | None:
    """The reason a draft was sent back from review, while it has not been submitted again."""
    if loaded.release.status != "draft":
        return None
    change = last_status_change(loaded.release.history)
    if change is None or change.action != "reject":
        return None
    return change.note or ""


_COLUMNS = ("status", "v", "organisation", "published", "embargo", "lint", "file", "headline")


#: How much of a rejection's reason the table shows (JSON has all of it).
_REASON_LIMIT = 40


def _notes(row: StatusRow) -> list[str]:
    """What needs a person's attention, in words: ``scheduled for …``, ``rejected: …``."""
    notes = []
    if row.scheduled_for:
        notes.append(f"scheduled for {_local(row.scheduled_for, row.timezone)}")
    if row.changed_since_approval:
        notes.append("changed since approval")
    if row.translation_of:
        # Which original is in the JSON; the table stays within the terminal's width.
        notes.append(f"{row.language} translation")
    elif row.translations:
        notes.append(f"translated into {', '.join(sorted(row.translations))}")
    if row.rejected:
        notes.append(f"rejected: {printable(row.rejected, _REASON_LIMIT)[1:-1]}")
    elif row.rejected is not None:
        notes.append("rejected")
    return notes


def _cells(row: StatusRow) -> tuple[str, ...]:
    published = _local(row.published, row.timezone) if row.published else "-"
    if row.published_in and row.status != "published":
        published += f" ({row.published_in})"
    embargo = "-"
    if row.embargo:
        embargo = "lifted" if row.embargo_in == "lifted" else f"lifts {row.embargo_in}"
    if row.status == "invalid":
        lint = f"{row.problems} problem{'s' if row.problems != 1 else ''}"
    else:
        lint = f"{row.lint_errors} err, {row.lint_warnings} warn"
    headline = printable(row.headline, 200)[1:-1]  # escaped for the terminal, without quotes
    return (
        ", ".join((row.status, *_notes(row))),
        str(row.version) if row.version else "-",
        row.organisation or "-",
        published,
        embargo,
        lint,
        printable(row.path, 200)[1:-1],
        headline,
    )


def format_table(rows: list[StatusRow], width: int | None = None) -> str:
    """Aligned columns; the headline column is cut to the terminal's width."""
    if not rows:
        return "No releases found."
    table = [_COLUMNS, *(_cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(_COLUMNS) - 1)]
    total = width or shutil.get_terminal_size((120, 24)).columns
    used = sum(widths) + 2 * len(widths)
    room = max(total - used, 30)
    lines = []
    for line in table:
        fixed = "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=False))
        last = line[-1] if len(line[-1]) <= room else line[-1][: room - 1] + "…"
        lines.append(f"{fixed}  {last}".rstrip())
    return "\n".join(lines)
