"""The command line: thin click commands over the library functions.

Heavy modules (Jinja, markdown-it, Babel, WeasyPrint) are imported inside the
commands that need them, so ``presser --help`` and ``presser validate`` start fast.
Every error is a :class:`presser.errors.PresserError`, which click reports
with its exit code; there is no try/except ladder here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .errors import EXIT_PROBLEMS, ProblemsFound, UsageProblem, terminal_safe

if TYPE_CHECKING:
    from .lint.command import Mode
    from .pipeline import RenderOptions
    from .workspace import Workspace

EXIT_CODES_HELP = """
\b
Exit codes:
  0  success
  1  problems in a release, organisation or template, or an output not written
  2  usage error (unknown option, missing file)
"""


def _escaped_usage_errors(make_context: Any) -> Any:
    """Wrap ``make_context`` so that click's own usage errors reach the terminal escaped.

    click quotes what was typed (``No such option: …``, a file name, a
    choice); a name from a hostile folder listing must not carry escape
    sequences to the terminal through them.
    """

    def wrapped(self: click.Command, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return make_context(self, *args, **kwargs)  # type: ignore[no-any-return]
        except click.ClickException as exc:
            # Final in the stubs, a plain attribute at runtime; escaped in place, so click
            # still shows it with its usage line and hint.
            exc.message = terminal_safe(exc.message)  # type: ignore[misc]
            raise

    return wrapped


class _SafeCommand(click.Command):
    make_context = _escaped_usage_errors(click.Command.make_context)


class _SafeGroup(click.Group):
    command_class = _SafeCommand
    make_context = _escaped_usage_errors(click.Group.make_context)


@click.group(
    cls=_SafeGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXIT_CODES_HELP,
)
@click.version_option(__version__, prog_name="presser")
def cli() -> None:
    """presser: press releases as YAML, checked and rendered to HTML, PDF and wire text.

    \b
    Start here:
      presser validate releases/          check every release
      presser build                       render every release into build/
      presser new spring-fair --org skl   start a new draft
    """


def _workspace(start: Path | None = None) -> Workspace:
    from .workspace import find_workspace

    return find_workspace(start)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="How to print problems.",
)
def validate(paths: tuple[Path, ...], output_format: str) -> None:
    """Check releases (files or folders; default: releases/) and list every problem.

    Problems are printed as PATH:LINE:COLUMN: FIELD: MESSAGE, all of them at
    once, and the exit code is 1; a clean run prints one summary line.

    \b
    Examples:
      presser validate releases/2010-01-22-skl-30-miljoner.yaml
      presser validate releases/ --format json
    """
    from .validation import release_files, validate_files

    workspace = _workspace(paths[0] if paths else None)
    files = release_files(paths or (workspace.releases_dir,))
    valid, problems = validate_files(files, workspace)
    if output_format == "json":
        click.echo(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            click.echo(str(problem))
        count = len(files)
        noun = "release" if count == 1 else "releases"
        if problems:
            click.echo(f"{len(problems)} problem(s) in {count - valid} of {count} {noun}.")
        else:
            click.echo(f"{count} {noun} valid.")
    if problems:
        sys.exit(EXIT_PROBLEMS)


FORMAT_OPTION = click.option(
    "--format",
    "formats",
    type=click.Choice(["html", "pdf", "txt"]),
    multiple=True,
    help="Output format; repeat for several. Default: all three.",
)
OUT_OPTION = click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Output folder. Default: build/ in the workspace.",
)
WIRE_OPTION = click.option(
    "--wire", type=click.Choice(["nordic", "us"]), help="Wire style of the text copy."
)
WIDTH_OPTION = click.option(
    "--width",
    type=click.IntRange(min=0),
    help="Wrap the text copy at N columns (0: no wrapping). Default: per wire style.",
)
ASCII_OPTION = click.option("--ascii", "ascii_only", is_flag=True, help="Text copy in ASCII only.")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@FORMAT_OPTION
@WIRE_OPTION
@WIDTH_OPTION
@ASCII_OPTION
@OUT_OPTION
def render(
    paths: tuple[Path, ...],
    formats: tuple[str, ...],
    wire: str | None,
    width: int | None,
    ascii_only: bool,
    out_dir: Path | None,
) -> None:
    """Render releases to OUT/<name>.html, .pdf and .txt.

    A release that does not validate renders nothing; its problems are
    reported as by validate.

    \b
    Examples:
      presser render releases/2010-01-22-skl-30-miljoner.yaml
      presser render releases/x.yaml --format txt --wire us --width 72 --ascii
      presser render releases/ --format pdf --out /tmp/proofs
    """
    from .pipeline import FORMATS, RenderOptions

    options = RenderOptions(
        formats=formats or FORMATS, wire=wire, width=width, ascii_only=ascii_only
    )
    _render_all(paths, out_dir, options)


@cli.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@OUT_OPTION
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes rendering at once. Default: one per core; 1 renders in this process.",
)
@click.option("--force", is_flag=True, help="Render every release, changed or not.")
@FORMAT_OPTION
@WIRE_OPTION
@WIDTH_OPTION
@ASCII_OPTION
def build(
    folder: Path | None,
    out_dir: Path | None,
    jobs: int | None,
    force: bool,
    formats: tuple[str, ...],
    wire: str | None,
    width: int | None,
    ascii_only: bool,
) -> None:
    """Render every release under FOLDER (default: releases/) that changed since the last build.

    A release is rendered again only when its file, its images, its
    organisation's profile or templates (with the defaults they inherit), the
    options or presser itself changed, or when one of its outputs is missing;
    what was rendered from what is kept in OUT/.presser-cache.json. Releases
    render in parallel, one worker process per core. Ctrl-C stops the build
    (exit code 130) and keeps every release finished so far.

    \b
    Examples:
      presser build
      presser build releases/2026 --out site/
      presser build --force --jobs 1
      presser build --format html --format txt
    """
    from .build import BarProgress, PlainProgress, Progress, default_jobs, run_build
    from .pipeline import FORMATS, RenderOptions
    from .validation import release_files
    from .writing import check_output_folder

    options = RenderOptions(
        formats=formats or FORMATS, wire=wire, width=width, ascii_only=ascii_only
    )
    workspace = _workspace(folder)
    files = release_files((folder,) if folder else (workspace.releases_dir,))
    target = out_dir if out_dir is not None else workspace.root / "build"
    check_output_folder(target, workspace, files)
    # A bar on a terminal; one line per release in a log or a pipe.
    progress: Progress = (
        BarProgress(workspace) if sys.stdout.isatty() else PlainProgress(workspace, click.echo)
    )
    summary = run_build(
        files,
        workspace,
        target,
        options,
        jobs=jobs or default_jobs(),
        force=force,
        progress=progress,
    )
    if summary.slow_subsetting:
        from .renderers.pdf import SLOW_SUBSETTING_WARNING

        click.echo(SLOW_SUBSETTING_WARNING, err=True)
    shown = workspace.display(target)
    if summary.rendered == 0:
        noun = "release" if summary.up_to_date == 1 else "releases"
        click.echo(f"Nothing to render: {summary.up_to_date} {noun} up to date in {shown}/.")
        return
    noun = "release" if summary.rendered == 1 else "releases"
    fresh = f" ({summary.up_to_date} up to date)" if summary.up_to_date else ""
    click.echo(f"{summary.rendered} {noun} rendered into {shown}/{fresh}.")


def _render_all(paths: tuple[Path, ...], out_dir: Path | None, options: RenderOptions) -> None:
    from .pipeline import load_all, render_release
    from .validation import release_files
    from .writing import check_output_folder

    workspace = _workspace(paths[0] if paths else None)
    files = release_files(paths or (workspace.releases_dir,))
    target = out_dir if out_dir is not None else workspace.root / "build"
    check_output_folder(target, workspace, files)
    releases = load_all(files, workspace)
    for loaded in releases:
        written = render_release(loaded, target, options)
        shown = ", ".join(workspace.display(p) for p in written)
        click.echo(f"{workspace.display(loaded.path)} -> {shown}")
    noun = "release" if len(releases) == 1 else "releases"
    click.echo(f"{len(releases)} {noun} rendered into {workspace.display(target)}/.")
    _warn_slow_subsetting()


def _warn_slow_subsetting() -> None:
    """Once a run, if WeasyPrint fell back to its slow font subsetting."""
    pdf = sys.modules.get("presser.renderers.pdf")
    if pdf is not None and pdf.slow_subsetting_seen():
        click.echo(pdf.SLOW_SUBSETTING_WARNING, err=True)


@cli.command()
@click.argument("slug")
@click.option("--org", "organisation", required=True, help="The organisation's folder name.")
def new(slug: str, organisation: str) -> None:
    """Start a new draft release in releases/ from the organisation's defaults.

    The draft validates as it is; replace its text and run presser validate.

    \b
    Example:
      presser new spring-fair --org skl
    """
    from .scaffold import new_release

    workspace = _workspace()
    path = new_release(workspace, slug, organisation)
    click.echo(f"Created {workspace.display(path)}")


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the release format, generated from the models.

    Editors that read a "# yaml-language-server: $schema=..." line use it to
    complete and check fields.

    \b
    Example:
      presser schema > schema/release.schema.json
    """
    from .schema import release_schema_text

    click.echo(release_schema_text(), nl=False)


@cli.command()
def orgs() -> None:
    """List the organisations in this workspace with their language and time zone.

    \b
    Example:
      presser orgs
    """
    workspace = _workspace()
    problems = []
    for slug in workspace.organisation_slugs():
        try:
            profile = workspace.organisation(slug).profile
        except ProblemsFound as exc:
            problems.extend(exc.problems)
            click.echo(f"{slug}\t(invalid: see below)")
            continue
        click.echo(f"{slug}\t{profile.name}\t{profile.language}\t{profile.timezone}")
    if problems:
        raise ProblemsFound(problems)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--org", "slug", required=True, help="Folder name of the organisation (skl).")
@click.option("--name", required=True, help="The organisation's full name.")
@click.option("--language", default="en", show_default=True, help="Its releases' language.")
@click.option("--timezone", default="Europe/Stockholm", show_default=True, help="IANA time zone.")
@click.option("--country", default=None, help="Country code for phone numbers (SE).")
def init(
    directory: Path,
    slug: str,
    name: str,
    language: str,
    timezone: str,
    country: str | None,
) -> None:
    """Create a workspace: templates/ORG/organisation.yaml, releases/ with an example, README.

    \b
    Example:
      presser init newsroom --org acme --name "Acme Inc." --language en --timezone America/New_York
      cd newsroom && presser build
    """
    from .scaffold import init_workspace

    created = init_workspace(
        directory, slug=slug, name=name, language=language, timezone=timezone, country=country
    )
    for path in created:
        click.echo(f"Created {path}")


# --- editorial checks: presser lint (issue 3) ---


@cli.command()
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
    from .lint.report import explain_rule, run_lint

    if explain is not None:
        click.echo(explain_rule(explain))
        return
    if fix_files and show_diff:
        raise UsageProblem("--fix writes the fixes and --diff only shows them; choose one")
    workspace = _workspace(paths[0] if paths else None)
    mode: Mode = "fix" if fix_files else "diff" if show_diff else "check"
    sys.exit(run_lint(paths, workspace, mode=mode, output_format=output_format, strict=strict))


# --- workflow: submit, approve, reject, publish, correct, status (issue 3) ---

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


def _who(by: str | None) -> str:
    from .workflow import current_user

    name = " ".join((by or "").split())
    return name or current_user()


@cli.command(epilog=WORKFLOW_EXIT_CODES)
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
    from .workflow import submit as submit_release

    step = submit_release(file, _workspace(file), by=_who(by))
    click.echo(step.summary())


@cli.command(epilog=WORKFLOW_EXIT_CODES)
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
    from .workflow import approve as approve_release

    step = approve_release(file, _workspace(file), by=_who(by), note=note)
    click.echo(step.summary())


@cli.command(epilog=WORKFLOW_EXIT_CODES)
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
    from .workflow import reject as reject_release

    step = reject_release(file, _workspace(file), by=_who(by), reason=reason)
    click.echo(f"{step.summary()}: {reason}")


PUBLISH_EXIT_CODES = """
\b
Exit codes:
  0  published (or scheduled); with --due: nothing was refused
  1  refused (the reason is printed); with --due: at least one release was
     refused, the others were still published
  2  usage error (unknown option, missing file)
"""


@cli.command(epilog=PUBLISH_EXIT_CODES)
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
    from .publishing import publish as publish_release
    from .publishing import publish_due

    who = _who(by)
    if due:
        if schedule:
            raise UsageProblem("--schedule is for one FILE; --due publishes what is due now")
        workspace = _workspace(paths[0] if paths else None)
        outcomes = publish_due(paths, workspace, by=who)
        counts = {kind: 0 for kind in ("published", "waiting", "refused")}
        for outcome in outcomes:
            counts[outcome.outcome] += 1
            if not (quiet and outcome.outcome == "waiting"):
                click.echo(outcome.line(), err=outcome.outcome == "refused")
        if outcomes and not (quiet and counts["published"] == counts["refused"] == 0):
            click.echo(", ".join(f"{n} {kind}" for kind, n in counts.items()) + ".")
        if counts["refused"]:
            sys.exit(EXIT_PROBLEMS)
        return
    if len(paths) != 1 or not paths[0].is_file():
        raise UsageProblem(
            "publish takes one release FILE (or --due [DIR] for every release that is due)"
        )
    workspace = _workspace(paths[0])
    result = publish_release(paths[0], workspace, by=who, schedule=schedule)
    if result.folder is None:
        already = "already scheduled" if result.already_scheduled else "scheduled"
        click.echo(
            f"{result.step.display}: {already}; presser publish --due publishes it from "
            f"{result.when.isoformat() if result.when else '?'}"
        )
        return
    shown = workspace.display(result.folder)
    click.echo(f"{result.step.summary()}: v{result.step.version} -> {shown}/")
    for name in result.files:
        click.echo(f"  {name}")


@cli.command(epilog=WORKFLOW_EXIT_CODES)
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
    from .workflow import correct as correct_release

    step = correct_release(file, _workspace(file), by=_who(by), note=note)
    click.echo(f"{step.summary()}: version {step.version} started; edit, submit, approve, publish")


@cli.command()
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
    from .status import format_table, status_rows

    workspace = _workspace(paths[0] if paths else None)
    rows = status_rows(paths or (workspace.releases_dir,), workspace)
    if output_format == "json":
        click.echo(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
    else:
        click.echo(format_table(rows))


def main() -> None:
    """Console entry point."""
    cli(prog_name="presser")
