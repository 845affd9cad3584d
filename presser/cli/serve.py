"""The preview command: ``serve``."""

from __future__ import annotations

from pathlib import Path

import click

from .common import SafeCommand, workspace_for


@click.command(cls=SafeCommand)
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The port on 127.0.0.1 to listen on (0: any free port).",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the web browser.")
def serve(path: Path | None, port: int, open_browser: bool) -> None:
    """Preview releases in the browser as they will go out, refreshed on every save.

    Lists the releases under PATH (a folder or one release; default:
    releases/) at http://localhost:PORT/, each with its page, its PDF, its
    wire text in each style and its lint findings. Saving a release, one of
    its images, presser.yaml or a template reloads the open page by itself;
    a release that does not validate shows its problems, each with its line.
    Listens on 127.0.0.1 only and writes no file. Ctrl-C stops it.

    \b
    Examples:
      presser serve
      presser serve releases/2026-03-02-simhall.yaml --open
      presser serve --port 8001
    """
    from ..preview.pages import release_url
    from ..preview.server import Preview

    workspace = workspace_for(path)
    preview = Preview(
        workspace.root,
        [path] if path else [],
        port,
        notify=lambda line: click.echo(f"presser serve: {line}", err=True),
    )
    try:
        url = preview.url
        states, _, _ = preview.session.listing()
        if path is not None and path.is_file() and len(states) == 1:
            url = url.rstrip("/") + release_url(states[0].key)
        noun = "release" if len(states) == 1 else "releases"
        click.echo(f"Previewing {len(states)} {noun} at {url}")
        click.echo("Each save reloads the page. Press Ctrl-C to stop.")
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        try:
            preview.serve()
        except KeyboardInterrupt:
            import signal

            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C: the same stop
            click.echo("Stopped.")
    finally:
        preview.close()
