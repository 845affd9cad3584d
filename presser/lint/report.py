"""What presser lint prints: findings as text or JSON, diffs, --explain."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click

from ..errors import EXIT_OK, EXIT_PROBLEMS, UsageProblem
from ..workspace import Workspace
from .command import FileReport, Mode, lint_file
from .findings import has_errors
from .registry import Rule, find_rule, unknown_rule_message


def run_lint(
    paths: tuple[Path, ...], workspace: Workspace, *, mode: Mode, output_format: str, strict: bool
) -> int:
    """Lint (fix, diff) the files, print the outcome and return the exit code."""
    files, refused = workspace.release_files(paths or (workspace.releases_dir,))
    # A link out of the workspace is reported unread, as an invalid release.
    reports = [FileReport(Path(p.path), p.path, problems=[p]) for p in refused]
    reports += [lint_file(path, workspace, mode=mode) for path in files]
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


def explain_rule(code_or_name: str) -> str:
    """--explain: the rule's code, name, severity, setting, rationale and an example."""
    rule = find_rule(code_or_name)
    if rule is None:
        raise UsageProblem(unknown_rule_message(code_or_name))
    return explanation(rule)


def explanation(rule: Rule) -> str:
    from ..model import LintSettings

    head = f"{rule.code} {rule.name} ({rule.severity}"
    if rule.setting:
        default = LintSettings.model_fields[rule.setting].default
        head += f"; lint.{rule.setting}, default {default!r}"
    if rule.fixable:
        head += "; --fix repairs it"
    head += ")"
    indent = "    "
    return "\n".join(
        [
            head,
            "",
            rule.summary,
            "",
            click.wrap_text(rule.rationale, width=78),
            "",
            "Fires on:",
            *(indent + line for line in rule.bad.splitlines()),
            "",
            "Passes:",
            *(indent + line for line in rule.good.splitlines()),
            "",
            f"Silence it in one release with: lint: {{ignore: [{rule.code}]}}",
        ]
    )


__all__ = ["explain_rule", "explanation", "run_lint"]
