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
from typing import TYPE_CHECKING

import click

from . import __version__
from .errors import EXIT_PROBLEMS, ProblemsFound

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


@click.group(
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


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@FORMAT_OPTION
@click.option("--wire", type=click.Choice(["nordic", "us"]), help="Wire style of the text copy.")
@click.option(
    "--width",
    type=click.IntRange(min=0),
    help="Wrap the text copy at N columns (0: no wrapping). Default: per wire style.",
)
@click.option("--ascii", "ascii_only", is_flag=True, help="Text copy in ASCII only.")
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
def build(folder: Path | None, out_dir: Path | None) -> None:
    """Render every release under FOLDER (default: releases/) in every format.

    \b
    Examples:
      presser build
      presser build releases/2026 --out site/
    """
    from .pipeline import RenderOptions

    _render_all((folder,) if folder else (), out_dir, RenderOptions())


def _render_all(paths: tuple[Path, ...], out_dir: Path | None, options: RenderOptions) -> None:
    from .pipeline import load_all, render_release
    from .validation import release_files
    from .writing import check_output_folder

    workspace = _workspace(paths[0] if paths else None)
    files = release_files(paths or (workspace.releases_dir,))
    target = out_dir if out_dir is not None else workspace.root / "build"
    check_output_folder(target, workspace)
    releases = load_all(files, workspace)
    for loaded in releases:
        written = render_release(loaded, target, options)
        shown = ", ".join(workspace.display(p) for p in written)
        click.echo(f"{workspace.display(loaded.path)} -> {shown}")
    noun = "release" if len(releases) == 1 else "releases"
    click.echo(f"{len(releases)} {noun} rendered into {workspace.display(target)}/.")


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


# --- workflow: submit, approve, reject, publish, correct, status (issue 3) ---


def main() -> None:
    """Console entry point."""
    cli(prog_name="presser")
