"""The commands that set up and list a workspace: ``init``, ``new``, ``orgs``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import ProblemsFound, printable, safe_line
from .common import SafeCommand, workspace_for


@click.command(cls=SafeCommand)
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
    from ..scaffold import new_release

    workspace = workspace_for()
    path = new_release(workspace, slug, organisation)
    click.echo(f"Created {workspace.display(path)}")


@click.command(cls=SafeCommand)
def orgs() -> None:
    """List the organisations in this workspace with their language and time zone.

    \b
    Example:
      presser orgs
    """
    workspace = workspace_for()
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


@click.command(cls=SafeCommand)
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
    from ..scaffold import init_workspace

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
