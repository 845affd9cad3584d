"""The newsroom command: ``site``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from ..errors import UsageProblem
from .common import SafeCommand, workspace_for


@click.command(cls=SafeCommand)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The site's folder (replaced as a whole; refused if it holds files presser "
    "did not put there). Default: build/site/ in the workspace.",
)
@click.option(
    "--base-url",
    default=None,
    help="The address the site will be served from (https://news.example.org/): "
    "canonical links, absolute feed and sitemap addresses. Without it every address "
    "is relative, and the site works from any folder or server.",
)
@click.option(
    "--now",
    "now_text",
    default=None,
    metavar="TIME",
    help="Build the site as it is at TIME (ISO 8601 with offset) instead of now: "
    "releases published later are left out.",
)
def site(out_dir: Path | None, base_url: str | None, now_text: str | None) -> None:
    """Build the newsroom: a static site of every published release, with feeds.

    Built from published/ only (and releases marked published that have no
    version folder, taken as they are): an index per organisation, a page per
    release with its PDF, wire text, images and a press kit, earlier versions,
    tag and contact pages, Atom and RSS feeds, sitemap.xml and robots.txt. A
    release whose publication time has not come is left out until a build
    after it. Only changed files are written; a run with no change writes nothing.

    \b
    Example:
      presser site
      presser site --out /srv/newsroom --base-url https://news.example.org/
    """
    from ..site.build import build_site

    workspace = workspace_for()
    now = None
    if now_text is not None:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError:
            raise UsageProblem(f"--now {now_text!r} is not an ISO 8601 time") from None
        if now.tzinfo is None:
            raise UsageProblem("--now needs its UTC offset (2026-03-02T10:00:00+01:00)")
    if base_url is not None and not base_url.startswith(("https://", "http://")):
        raise UsageProblem("--base-url must be an http:// or https:// address")
    out = out_dir or workspace.root / "build" / "site"
    result = build_site(workspace, out, base_url=base_url, now=now)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    report = result.report
    held = f", {result.held_back} not yet due" if result.held_back else ""
    if report.changed:
        changes = f"{len(report.written)} file(s) written, {len(report.removed)} removed"
    else:
        changes = "nothing changed"
    click.echo(f"{result.shown} release(s) in {workspace.display(out)}/{held}: {changes}.")
