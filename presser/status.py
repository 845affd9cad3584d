"""``presser status``: one row per release, for a person (a table) or a script (JSON).

Reads and validates releases and runs the linter, nothing more: no template
is loaded and nothing is rendered, so neither Jinja2 nor WeasyPrint is
imported and the overview stays quick on a large releases/ folder.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import ProblemsFound, printable
from .loading import load_file
from .validation import load_release, release_files
from .workflow import describe_delta
from .workspace import Workspace


@dataclass(frozen=True)
class StatusRow:
    """Where one release stands."""

    path: str
    status: str  #: draft | review | approved | published, or "invalid"
    organisation: str
    headline: str
    version: int | None
    published: str | None  #: ISO 8601 with offset
    published_in: str | None  #: "in 2 d 3 h" / "3 h ago"
    embargo: str | None
    embargo_in: str | None  #: time until the embargo lifts; "lifted" once it has
    problems: int  #: validation problems (the release is invalid when > 0)
    lint_errors: int | None  #: None when the release is invalid (lint needs a valid release)
    lint_warnings: int | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def status_rows(
    paths: Iterable[Path], workspace: Workspace, *, now: datetime | None = None
) -> list[StatusRow]:
    """A row for every release under ``paths`` (default: releases/), by publication time."""
    current = now if now is not None else datetime.now(UTC)
    rows = [_row(path, workspace, current) for path in release_files(paths)]
    return sorted(rows, key=lambda r: (r.published or "", r.path))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _row(path: Path, workspace: Workspace, now: datetime) -> StatusRow:
    display = workspace.display(path)
    try:
        loaded = load_release(path, workspace)
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
            published=_text(raw.get("published")) or None,
            published_in=None,
            embargo=_text(raw.get("embargo")) or None,
            embargo_in=None,
            problems=len(exc.problems),
            lint_errors=None,
            lint_warnings=None,
        )
    from .lint import lint_release

    findings = lint_release(loaded)
    release = loaded.release
    embargo_in = None
    if release.embargo is not None:
        embargo_in = describe_delta(release.embargo, now) if release.embargo > now else "lifted"
    return StatusRow(
        path=display,
        status=release.status,
        organisation=release.organisation,
        headline=release.headline,
        version=release.version,
        published=release.published.isoformat(),
        published_in=describe_delta(release.published, now),
        embargo=release.embargo.isoformat() if release.embargo else None,
        embargo_in=embargo_in,
        problems=0,
        lint_errors=sum(1 for f in findings if f.severity == "error"),
        lint_warnings=sum(1 for f in findings if f.severity != "error"),
    )


_COLUMNS = ("status", "v", "organisation", "published", "embargo", "lint", "file", "headline")


def _cells(row: StatusRow) -> tuple[str, ...]:
    published = f"{row.published[:16].replace('T', ' ')}" if row.published else "-"
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
        row.status,
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
