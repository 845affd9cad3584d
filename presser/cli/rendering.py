"""The commands that check and render releases: ``validate``, ``render``, ``build``, ``schema``.

Thin click commands: each imports the library modules it needs inside it, so
``presser --help`` and ``presser validate`` never import a renderer.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import EXIT_PROBLEMS, ProblemsFound, safe_line
from .common import SafeCommand, workspace_for

if TYPE_CHECKING:
    from ..render.pipeline import RenderOptions
    from ..source.workspace import Workspace


@click.command(cls=SafeCommand)
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
    from ..editorial.reading import validate_files

    workspace = workspace_for(paths[0] if paths else None)
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


# The choices are written out, not imported, so that --help imports no renderer;
# tests/test_cli.py checks they are the model's (KNOWN_FORMATS, WIRE_STYLES).
FORMAT_OPTION = click.option(
    "--format",
    "formats",
    type=click.Choice(["html", "pdf", "txt", "ninjs", "newsml"]),
    multiple=True,
    help="Output format; repeat for several. Default: the organisation's formats: "
    "(organisation.yaml), else html, pdf and txt (ninjs and newsml, the IPTC exports, "
    "only when asked).",
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
PDF_VARIANT_OPTION = click.option(
    "--pdf-variant",
    type=click.Choice(["tagged", "archive"]),
    default=None,
    help="tagged (PDF/UA-1) or archive (PDF/A-3b carrying the release's YAML). "
    "Default: the organisation's pdf_variant (tagged).",
)


@click.command(cls=SafeCommand)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@FORMAT_OPTION
@WIRE_OPTION
@WIDTH_OPTION
@ASCII_OPTION
@PDF_VARIANT_OPTION
@OUT_OPTION
def render(
    paths: tuple[Path, ...],
    formats: tuple[str, ...],
    wire: str | None,
    width: int | None,
    ascii_only: bool,
    pdf_variant: str | None,
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
      presser render releases/x.yaml --format pdf --pdf-variant archive
    """
    from ..render.pipeline import DEFAULT_FORMATS, RenderOptions

    options = RenderOptions(
        formats=formats or DEFAULT_FORMATS,
        wire=wire,
        width=width,
        ascii_only=ascii_only,
        organisation_formats=not formats,
        pdf_variant=pdf_variant,
    )
    _render_all(paths, out_dir, options)


@click.command(cls=SafeCommand)
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
@click.option(
    "--timeline",
    is_flag=True,
    help="Afterwards, print when each worker started, was ready, and took its first "
    "and finished its last release (on standard error).",
)
@FORMAT_OPTION
@WIRE_OPTION
@WIDTH_OPTION
@ASCII_OPTION
def build(
    folder: Path | None,
    out_dir: Path | None,
    jobs: int | None,
    force: bool,
    timeline: bool,
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
      presser build --force --timeline    # where a build's time goes
    """
    from ..build.progress import BarProgress, PlainProgress, Progress
    from ..build.run import default_jobs, run_build
    from ..render.pipeline import DEFAULT_FORMATS, RenderOptions

    options = RenderOptions(
        formats=formats or DEFAULT_FORMATS,
        wire=wire,
        width=width,
        ascii_only=ascii_only,
        organisation_formats=not formats,
    )
    workspace = workspace_for(folder)
    files = _release_files((folder,) if folder else (workspace.releases_dir,), workspace)
    target = out_dir if out_dir is not None else workspace.root / "build"
    workspace.check_output_folder(target, files)
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
    if timeline:
        for line in summary.timeline():
            click.echo(line, err=True)
    if summary.slow_subsetting:
        from ..render.pdf import SLOW_SUBSETTING_WARNING

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
    from ..render.printer import PdfPrinter

    # Started before anything heavy is imported here (the models alone take a tenth of a
    # second), so WeasyPrint is imported in the printer while this process validates.
    printer = PdfPrinter() if "pdf" in options.formats and PdfPrinter.available() else None
    with printer or contextlib.nullcontext():
        from ..editorial.reading import load_all
        from ..render.pipeline import render_release

        workspace = workspace_for(paths[0] if paths else None)
        files = _release_files(paths or (workspace.releases_dir,), workspace)
        target = out_dir if out_dir is not None else workspace.root / "build"
        workspace.check_output_folder(target, files)
        releases = load_all(files, workspace)
        slow_subsetting = False
        for loaded in releases:
            rendered = render_release(loaded, target, options, printer)
            slow_subsetting |= rendered.slow_subsetting
            shown = ", ".join(workspace.display(p) for p in rendered.written)
            click.echo(f"{workspace.display(loaded.path)} -> {shown}")
    noun = "release" if len(releases) == 1 else "releases"
    click.echo(f"{len(releases)} {noun} rendered into {workspace.display(target)}/.")
    if slow_subsetting:  # once a run, however many PDFs fell back
        from ..render.pdf import SLOW_SUBSETTING_WARNING

        click.echo(SLOW_SUBSETTING_WARNING, err=True)


def _release_files(paths: tuple[Path, ...], workspace: Workspace) -> list[Path]:
    """The releases to render; a link out of the workspace refused with every other problem.

    Nothing is rendered then, as when any release is invalid.
    """
    from ..editorial.reading import validate_files

    files, refused = workspace.release_files(paths)
    if refused:
        _, problems = validate_files(files, workspace)
        raise ProblemsFound(refused + problems)
    return files


@click.command(cls=SafeCommand)
def schema() -> None:
    """Print the JSON Schema of the release format, generated from the models.

    Editors that read a "# yaml-language-server: $schema=..." line use it to
    complete and check fields.

    \b
    Example:
      presser schema > schema/release.schema.json
    """
    from ..source.schema import release_schema_text

    click.echo(release_schema_text(), nl=False)
