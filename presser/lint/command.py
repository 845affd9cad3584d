"""What ``presser lint`` does, apart from printing: lint, fix or diff a list of files."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import PresserError, Problem, ProblemsFound
from ..release_edit import save_release
from ..validation import load_release
from ..workspace import Workspace
from . import fix
from .engine import context_for, findings_for, selected_codes
from .findings import Finding
from .source import SourceText

#: check: report; fix: write the safe fixes; diff: print them as a diff.
Mode = Literal["check", "fix", "diff"]


@dataclass
class FileReport:
    """What lint found (and fixed) in one file."""

    path: Path
    shown: str
    findings: list[Finding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  #: the release is not valid
    fixed: Counter[str] = field(default_factory=Counter)
    diff: str = ""
    fix_refused: str | None = None  #: why --fix wrote nothing
    fixable: int = 0  #: edits --fix would make (counted when only checking)


def lint_file(path: Path, workspace: Workspace, *, mode: Mode = "check") -> FileReport:
    """Lint one file; ``mode`` is check, fix (write the safe fixes) or diff (show them)."""
    report = FileReport(path, workspace.display(path))
    before = SourceText.read(path)
    try:
        loaded = load_release(path, workspace)
    except ProblemsFound as exc:
        report.problems = list(exc.problems)
        return report
    context = context_for(loaded, before)
    codes = selected_codes(loaded) & fix.FIXABLE
    report.findings = findings_for(context)
    if mode == "check" or before is None:
        report.fixable = len(fix.plan(context, codes))
        return report
    if before.encoding == "utf-16":
        report.fix_refused = "--fix edits UTF-8 files only; save the file as UTF-8 first"
        return report
    try:
        result = fix.apply(context, codes)
    except fix.UnsafeFix as exc:
        report.fix_refused = str(exc)
        return report
    if mode == "diff":
        report.diff, report.fixed = result.diff(report.shown), result.counts
        return report
    if result.changed:
        data = fix.encode(context, result.fixed)
        try:
            save_release(path, data, expected=before.raw, display=report.shown, workspace=workspace)
        except PresserError as exc:
            report.fix_refused = _reason(exc.format_message(), report.shown)
            return report
        report.fixed = result.counts
        after = lint_file(path, workspace)  # what is left, read from the file as it now is
        report.findings, report.problems = after.findings, after.problems
    return report


def _reason(message: str, shown: str) -> str:
    """A refusal's message without the file name in front: the report line starts with it."""
    return message.removeprefix(f"{shown}: ")
