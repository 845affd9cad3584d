"""``presser lint``: the house style over files or folders, with ``--fix`` and ``--diff``.

The command, and what it prints (findings as text or JSON, diffs, the
summary); linting a file is :func:`presser.editorial.linting.lint_file`.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import EXIT_OK, EXIT_PROBLEMS, UsageProblem
from .common import SafeCommand, workspace_for

if TYPE_CHECKING:
    from ..editorial.linting import FileReport, Mode
    from ..lint.findings import Finding
    from ..source.workspace import Workspace


@click.command(cls=SafeCommand)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--fix", "fix_files", is_flag=True, help="Make the safe fixes in the files.")
@click.option(
    "--diff", "show_diff", is_flag=True, help="Print the safe fixes as a diff; write nothing."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to print findings.",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--explain", metavar="CODE", help="Explain a rule (code or name) and exit.")
def lint(
    paths: tuple[Path, ...],
    fix_files: bool,
    show_diff: bool,
    output_format: str,
    strict: bool,
    explain: str | None,
) -> None:
    """Check releases against the house style (files or folders; default: releases/).

    Findings are printed as PATH:LINE:COLUMN: CODE MESSAGE, each an error or a
    warning; the exit code is 1 if there is an error (with --strict, any
    finding). A release that does not validate is reported as by validate.
    Rules are listed in docs/lint.md; organisation.yaml's lint: selects,
    ignores and tunes them, and a release's lint: {ignore: [CODE]} silences
    one rule in that file.

    --fix makes only safe fixes (quotation marks and dashes of the release's
    language, double and trailing spaces), changing nothing else in the file.

    \b
    Examples:
      presser lint releases/
      presser lint releases/2010-01-28-jonkoping-1-4-miljoner.yaml --strict
      presser lint releases/ --format json
      presser lint releases/x.yaml --diff
      presser lint releases/x.yaml --fix
      presser lint --explain O101
    """
    from ..lint.report import explain_rule

    if explain is not None:
        click.echo(explain_rule(explain))
        return
    if fix_files and show_diff:
        raise UsageProblem("--fix writes the fixes and --diff only shows them; choose one")
    workspace = workspace_for(paths[0] if paths else None)
    mode: Mode = "fix" if fix_files else "diff" if show_diff else "check"
    sys.exit(run_lint(paths, workspace, mode=mode, output_format=output_format, strict=strict))


def run_lint(
    paths: tuple[Path, ...], workspace: Workspace, *, mode: Mode, output_format: str, strict: bool
) -> int:
    """Lint (fix, diff) the files, print the outcome and return the exit code."""
    from ..editorial.linting import FileReport, lint_file
    from ..lint.findings import has_errors

    files, refused = workspace.release_files(paths or (workspace.releases_dir,))
    # A link out of the workspace is reported unread, as an invalid release.
    reports = [FileReport(Path(p.path), p.path, problems=[p]) for p in refused]
    reports += [lint_file(path, workspace, mode=mode) for path in files]
    _organisation_findings_once(reports)
    findings = [f for r in reports for f in r.findings]
    problems = [p for r in reports for p in r.problems]
    if output_format == "json":
        entries = [f.as_dict() for f in findings] + [
            {
                "path": p.path,
                "line": p.line,
                "column": p.column,
                "code": "invalid",
                "name": "invalid-release",
                "severity": "error",
                "message": f"{p.field}: {p.message}",
            }
            for p in problems
        ]
        click.echo(json.dumps(entries, ensure_ascii=False, indent=2))
    elif mode == "diff":
        _print_diffs(reports)
    else:
        _print_text(reports, mode)
    changes = any(r.diff for r in reports)
    failed = bool(problems) or has_errors(findings, strict) or (mode == "diff" and changes)
    failed = failed or any(r.fix_refused for r in reports)  # a fix asked for and not made
    return EXIT_PROBLEMS if failed else EXIT_OK


def _organisation_findings_once(reports: list[FileReport]) -> None:
    """A finding in an organisation's own files (such as O102's) is said once a run, not once
    for each of its releases."""
    said: set[Finding] = set()
    for report in reports:
        kept = []
        for finding in report.findings:
            if finding.path != report.shown:
                if finding in said:
                    continue
                said.add(finding)
            kept.append(finding)
        report.findings = kept


def _print_diffs(reports: list[FileReport]) -> None:
    for report in reports:
        for problem in report.problems:
            click.echo(str(problem), err=True)
        if report.fix_refused:
            click.echo(f"{report.shown}: not fixed: {report.fix_refused}", err=True)
        if report.diff:
            click.echo(report.diff, nl=False)
    count = sum(sum(r.fixed.values()) for r in reports)
    changed = sum(1 for r in reports if r.diff)
    if changed:
        summary = f"{count} fix(es) in {changed} file(s); presser lint --fix makes them."
    else:
        summary = "Nothing to fix."
    click.echo(summary, err=True)


def _print_text(reports: list[FileReport], mode: Mode) -> None:
    for report in reports:
        for problem in report.problems:
            click.echo(str(problem))
        for finding in report.findings:
            click.echo(finding.format())
        if report.fix_refused:
            click.echo(f"{report.shown}: not fixed: {report.fix_refused}")
        if report.fixed:
            done = ", ".join(f"{code} ×{n}" for code, n in sorted(report.fixed.items()))
            click.echo(f"{report.shown}: fixed {sum(report.fixed.values())} ({done})")
    click.echo(_summary(reports, mode))


def _summary(reports: list[FileReport], mode: Mode) -> str:
    severities = Counter(f.severity for r in reports for f in r.findings)
    invalid = sum(1 for r in reports if r.problems)
    noun = "release" if len(reports) == 1 else "releases"
    parts = [
        f"{severities['error']} error(s)",
        f"{severities['warning']} warning(s)",
    ]
    text = f"{', '.join(parts)} in {len(reports)} {noun}"
    if invalid:
        text += f"; {invalid} not valid (fix those first: presser validate)"
    fixable = sum(r.fixable for r in reports)
    if fixable and mode == "check":
        text += f"; --fix can make {fixable} fix(es) (--diff shows them)"
    return text + "."
