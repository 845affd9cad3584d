"""What ``presser lint`` does to a file, apart from printing: lint it, fix it or diff the fixes.

Here rather than in :mod:`presser.lint` because it reads a release as every
command does (with the freeze check) and writes ``--fix`` through the one
release writer, :func:`presser.editorial.release_edit.save_release`; the rules
themselves know nothing of files on disk.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import PresserError, Problem, ProblemsFound
from ..lint import fix
from ..lint.engine import context_for, findings_for, selected_codes
from ..lint.findings import Finding
from ..lint.source import SourceText
from ..source.workspace import Workspace
from .reading import load_release
from .release_edit import save_release

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
        context = context_for(loaded, before)
        report.findings = findings_for(context)  # raises for a lint: setting naming no rule
    except ProblemsFound as exc:
        report.problems = list(exc.problems)
        return report
    codes = selected_codes(loaded) & fix.FIXABLE
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
