"""The command line: thin click commands over the library functions.

Heavy modules (Jinja, markdown-it, Babel, WeasyPrint) are imported inside the
commands that need them, so ``presser --help`` and ``presser validate`` start fast.
Every error is a :class:`presser.errors.PresserError`, which click reports
with its exit code; there is no try/except ladder here.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .errors import EXIT_PROBLEMS, ProblemsFound, printable, safe_line, terminal_safe

if TYPE_CHECKING:
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
    from .validation import validate_files

    workspace = _workspace(paths[0] if paths else None)
    files, refused = workspace.release_files(paths or (workspace.releases_dir,))
    valid, problems = validate_files(files, workspace)
    problems = refused + problems
    files += [Path(p.path) for p in refused]  # counted among the releases checked
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
    help="Worker processes rendering at once. Default: one per core.",
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
    from .build import default_jobs, run_build
    from .build_progress import BarProgress, PlainProgress, Progress
    from .pipeline import FORMATS, RenderOptions
    from .writing import check_output_folder

    options = RenderOptions(
        formats=formats or FORMATS, wire=wire, width=width, ascii_only=ascii_only
    )
    workspace = _workspace(folder)
    files = _release_files((folder,) if folder else (workspace.releases_dir,), workspace)
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
        notify=lambda line: click.echo(f"Note: {safe_line(line)}", err=True),
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
    from .printer import PdfPrinter
    from .writing import check_output_folder

    # Started first, so WeasyPrint is imported in the printer while this process validates.
    printer = PdfPrinter() if "pdf" in options.formats and PdfPrinter.available() else None
    with printer or contextlib.nullcontext():
        workspace = _workspace(paths[0] if paths else None)
        files = _release_files(paths or (workspace.releases_dir,), workspace)
        target = out_dir if out_dir is not None else workspace.root / "build"
        check_output_folder(target, workspace, files)
        releases = load_all(files, workspace)
        for loaded in releases:
            written = render_release(loaded, target, options, printer)
            shown = ", ".join(workspace.display(p) for p in written)
            click.echo(f"{workspace.display(loaded.path)} -> {shown}")
    noun = "release" if len(releases) == 1 else "releases"
    click.echo(f"{len(releases)} {noun} rendered into {workspace.display(target)}/.")
    _warn_slow_subsetting()


def _release_files(paths: tuple[Path, ...], workspace: Workspace) -> list[Path]:
    """The releases to render; a link out of the workspace refused with every other problem.

    Nothing is rendered then, as when any release is invalid.
    """
    from .validation import validate_files

    files, refused = workspace.release_files(paths)
    if refused:
        _, problems = validate_files(files, workspace)
        raise ProblemsFound(refused + problems)
    return files


def _warn_slow_subsetting() -> None:
    """Once a run, if WeasyPrint fell back to its slow font subsetting."""
    pdf = sys.modules.get("presser.renderers.pdf")
    if pdf is not None and pdf.slow_subsetting_seen():
        click.echo(pdf.SLOW_SUBSETTING_WARNING, err=True)


@cli.command()
@click.argument("slug")
@click.option(
    "--org",
    "organisation",
    default=None,
    help="The organisation's folder name; needed only when there are several.",
)
def new(slug: str, organisation: str | None) -> None:
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
            click.echo(f"{safe_line(slug)}\t(invalid: see below)")
            continue
        cells = (slug, profile.name, profile.language, profile.timezone)
        click.echo("\t".join(safe_line(cell) for cell in cells))
    if problems:
        raise ProblemsFound(problems)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--org", "slug", required=True, help="Folder name of the organisation (skl).")
@click.option("--name", required=True, help="The organisation's full name.")
@click.option("--language", default="en", show_default=True, help="Its releases' language.")
@click.option("--timezone", default="Europe/Stockholm", show_default=True, help="IANA time zone.")
@click.option(
    "--country",
    default=None,
    help="Country code for phone numbers (SE); default: the time zone's, else asked.",
)
def init(
    directory: Path,
    slug: str,
    name: str,
    language: str,
    timezone: str,
    country: str | None,
) -> None:
    """Create a workspace: templates/ORG/organisation.yaml, releases/ with an example, README.

    Phone numbers without + are read as the country's: --country, else the
    time zone's (Europe/Stockholm: SE), else asked on a terminal.

    \b
    Example:
      presser init newsroom --org acme --name "Acme Inc." --language en --timezone America/New_York
      cd newsroom && presser build
    """
    from .scaffold import init_workspace

    made = init_workspace(
        directory,
        slug=slug,
        name=name,
        language=language,
        timezone=timezone,
        country=country,
        ask_country=_ask_country if _stdin_is_terminal() else None,
    )
    for path in made.created:
        click.echo(f"Created {safe_line(str(path))}")
    if made.country is None:
        profile = safe_line(str(made.created[0]))
        click.echo(
            f"Note: no country for phone numbers; set country: in {profile} "
            "to write them without +",
            err=True,
        )


def _stdin_is_terminal() -> bool:
    # Its own function so that a test can stand in for a person at a terminal.
    return sys.stdin is not None and sys.stdin.isatty()


def _ask_country() -> str | None:
    """Ask for the country of local phone numbers; an empty answer means none."""
    import phonenumbers

    def known(text: str) -> str | None:
        code = text.strip().upper()
        if code and code not in phonenumbers.SUPPORTED_REGIONS:
            raise click.BadParameter(
                f"{printable(text)} is not a country code known for phone numbers (such as SE)"
            )
        return code or None

    answer: str | None = click.prompt(
        "Country for phone numbers written without + (such as SE; empty for none)",
        default="",
        show_default=False,
        value_proc=known,
    )
    return answer


def main() -> None:
    """Console entry point."""
    cli(prog_name="presser")


# The editorial commands (lint, and the workflow from submit to status) live in
# presser.cli_editorial, whose decorators add them to the cli group above. It is
# imported last because it imports cli (and _workspace) from this module.
from . import cli_editorial  # noqa: E402, F401
