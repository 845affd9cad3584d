"""The workflow's commands: submit, approve, reject, publish, correct and status.

Thin click commands, registered on the group by :mod:`presser.cli`; the
library modules (:mod:`presser.editorial`) are imported inside each command.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

import click

from ..errors import EXIT_PROBLEMS, UsageProblem, safe_line
from .common import SafeCommand, workspace_for

BY_OPTION = click.option(
    "--by",
    metavar="NAME",
    default=None,
    help="Who takes the step, for the history. Default: git config user.name, else the login.",
)
RELEASE_FILE = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))

WORKFLOW_EXIT_CODES = """
\b
Exit codes:
  0  done: the step is recorded in the release's history
  1  refused (the reason is printed; the release is unchanged)
  2  usage error (unknown option, missing file)
"""


def _say(line: str, *, err: bool = False) -> None:
    """Print one line of a step's outcome: file names, --by and notes escaped, on one line.

    A name with a line break in it cannot start a line of its own, so a
    publish --due log keeps one line per release.
    """
    click.echo(safe_line(line), err=err)


def _who(by: str | None) -> str:
    from ..editorial.workflow import current_user

    name = " ".join((by or "").split())
    return name or current_user()


@click.command(cls=SafeCommand, epilog=WORKFLOW_EXIT_CODES)
@RELEASE_FILE
@BY_OPTION
def submit(file: Path, by: str | None) -> None:
    """Submit a release for review: draft -> review.

    Refused while presser validate or presser lint reports an error (both are
    listed). An approved release that has changed since its approval is
    submitted again the same way.

    \b
    Example:
      presser submit releases/2026-03-02-spring-fair.yaml
    """
    from ..editorial.workflow import submit as submit_release

    step = submit_release(file, workspace_for(file), by=_who(by))
    _say(step.summary())


@click.command(cls=SafeCommand, epilog=WORKFLOW_EXIT_CODES)
@RELEASE_FILE
@BY_OPTION
@click.option("--note", default=None, help="A note for the history (what was checked).")
def approve(file: Path, by: str | None, note: str | None) -> None:
    """Approve a release in review: review -> approved.

    Records a SHA-256 of the release's content; presser publish refuses the
    release if it changes afterwards. The organisation can limit approvers
    (workflow: approvers:) and forbid approving what you submitted yourself
    (workflow: allow_self_approval: false) in its organisation.yaml.

    \b
    Example:
      presser approve releases/2026-03-02-spring-fair.yaml --by "Pia Press" --note "Checked"
    """
    from ..editorial.workflow import approve as approve_release

    step = approve_release(file, workspace_for(file), by=_who(by), note=note)
    _say(step.summary())


@click.command(cls=SafeCommand, epilog=WORKFLOW_EXIT_CODES)
@RELEASE_FILE
@BY_OPTION
@click.option("--reason", required=True, help="Why, for the author and the history.")
def reject(file: Path, by: str | None, reason: str) -> None:
    """Send a release in review back to its author: review -> draft.

    \b
    Example:
      presser reject releases/2026-03-02-spring-fair.yaml --by "Pia Press" \\
          --reason "The quote is not approved yet"
    """
    from ..editorial.workflow import reject as reject_release

    step = reject_release(file, workspace_for(file), by=_who(by), reason=reason)
    _say(f"{step.summary()}: {reason}")


PUBLISH_EXIT_CODES = """
\b
Exit codes:
  0  published (or scheduled); with --due: nothing was refused
  1  refused (the reason is printed); with --due: at least one release was
     refused, the others were still published
  2  usage error (unknown option, missing file)
"""


@click.command(cls=SafeCommand, epilog=PUBLISH_EXIT_CODES)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--schedule",
    is_flag=True,
    help="If the release is due later, check it now and record it as scheduled for "
    "publish --due; if it is due already, publish it.",
)
@click.option(
    "--due",
    is_flag=True,
    help="Publish every approved release under PATHS (default: releases/) whose time has "
    "come; for cron.",
)
@click.option("--quiet", is_flag=True, help="With --due: print only what was published or refused.")
@BY_OPTION
def publish(
    paths: tuple[Path, ...], schedule: bool, due: bool, quiet: bool, by: str | None
) -> None:
    """Publish an approved release into published/<name>/v<N>/: approved -> published.

    Renders HTML, PDF and text copy with the images and a manifest.json (every
    file's SHA-256, the content hash, presser's version, who approved it and
    when). Refused if the release is invalid, changed since it was approved,
    under an embargo that has not lifted, or due later (unless --schedule). A
    version folder is never overwritten; a published release is frozen until
    presser correct starts its next version.

    With --due, every approved release whose time has come is published, one
    line each (published / waiting / refused); running it again publishes
    nothing twice.

    \b
    Examples:
      presser publish releases/2026-03-02-spring-fair.yaml
      presser publish releases/2026-03-02-spring-fair.yaml --schedule
      presser publish --due --quiet       # from cron, every five minutes
    """
    from ..editorial.publishing import publish as publish_release
    from ..editorial.publishing import publish_due
    from ..render.printer import PdfPrinter

    who = _who(by)
    if due:
        if schedule:
            raise UsageProblem("--schedule is for one FILE; --due publishes what is due now")
        workspace = workspace_for(paths[0] if paths else None)
        # Started only when something is due: from cron, most runs publish nothing.
        with contextlib.ExitStack() as stack:

            def start_printer() -> PdfPrinter | None:
                if not PdfPrinter.available():
                    return None
                return stack.enter_context(PdfPrinter())

            outcomes = publish_due(paths, workspace, by=who, printer_for=start_printer)
        counts = {kind: 0 for kind in ("published", "waiting", "refused")}
        for outcome in outcomes:
            counts[outcome.outcome] += 1
            if not (quiet and outcome.outcome == "waiting"):
                _say(outcome.line(), err=outcome.outcome == "refused")
        if outcomes and not (quiet and counts["published"] == counts["refused"] == 0):
            click.echo(", ".join(f"{n} {kind}" for kind, n in counts.items()) + ".")
        if counts["refused"]:
            sys.exit(EXIT_PROBLEMS)
        return
    if len(paths) != 1 or not paths[0].is_file():
        raise UsageProblem(
            "publish takes one release FILE (or --due [DIR] for every release that is due)"
        )
    workspace = workspace_for(paths[0])
    # Started first, so WeasyPrint is imported in the printer while this process checks
    # the release and its approval (as presser render does).
    printer = PdfPrinter() if PdfPrinter.available() else None
    with printer or contextlib.nullcontext():
        result = publish_release(paths[0], workspace, by=who, schedule=schedule, printer=printer)
    if result.folder is None:
        already = "already scheduled" if result.already_scheduled else "scheduled"
        _say(
            f"{result.step.display}: {already}; presser publish --due publishes it from "
            f"{result.when.isoformat() if result.when else '?'}"
        )
        return
    shown = workspace.display(result.folder)
    _say(f"{result.step.summary()}: v{result.step.version} -> {shown}/")
    for name in result.files:
        _say(f"  {name}")


@click.command(cls=SafeCommand, epilog=WORKFLOW_EXIT_CODES)
@RELEASE_FILE
@BY_OPTION
@click.option("--note", required=True, help="What was corrected; printed on every output.")
def correct(file: Path, by: str | None, note: str) -> None:
    """Start the next version of a published release: published -> draft.

    Adds a corrections: entry (time and note). Edit the release, then submit,
    approve and publish it again: every output of the new version carries the
    correction notice in the release's language, and published/<name>/v1/
    stays as it was.

    \b
    Example:
      presser correct releases/2026-03-02-spring-fair.yaml --note "The fair opens at 10, not 11."
    """
    from ..editorial.workflow import correct as correct_release

    step = correct_release(file, workspace_for(file), by=_who(by), note=note)
    _say(f"{step.summary()}: version {step.version} started; edit, submit, approve, publish")


@click.command(cls=SafeCommand)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A table for people, JSON for scripts.",
)
def status(paths: tuple[Path, ...], output_format: str) -> None:
    """Where every release stands: status, organisation, publication and embargo, lint.

    One row per release under PATHS (default: releases/), by publication
    time. Exit code 0 whatever the releases' state (invalid ones are shown as
    such); 2 for a usage error.

    \b
    Examples:
      presser status
      presser status releases/2026 --format json
    """
    from ..editorial.status import format_table, status_rows

    workspace = workspace_for(paths[0] if paths else None)
    rows = status_rows(paths or (workspace.releases_dir,), workspace)
    if output_format == "json":
        click.echo(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
    else:
        click.echo(format_table(rows))
