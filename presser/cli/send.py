"""presser send: a published release by e-mail to the organisation's lists and wires.

Only --dry-run is built so far: every message is written as an .eml file and
nothing is sent. The library is :mod:`presser.distribution`, imported inside.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import UsageProblem, safe_line
from .common import SafeCommand, workspace_for


@click.command(cls=SafeCommand)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--list",
    "lists",
    multiple=True,
    metavar="NAME",
    help="A list or wire of the organisation's distribution: to send to (repeatable). "
    "Default: the release's distribution:.",
)
@click.option("--dry-run", is_flag=True, help="Write every message as an .eml file; send nothing.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where --dry-run writes the messages. Default: build/outbox/<name>/v<N>/.",
)
def send(file: Path, lists: tuple[str, ...], dry_run: bool, out: Path | None) -> None:
    """Send a published release by e-mail: one message per recipient.

    To the lists of journalists and newswire desks in distribution: of the
    organisation.yaml. Sending itself is not built yet: without --dry-run,
    send exits 2 ("sending needs smtp: in presser.yaml", else "sending is not
    built yet; use --dry-run"). A release that is not published is refused.

    \b
    Example:
      presser send releases/2026-03-02-spring-fair.yaml --list journalists-sv --dry-run
    """
    from datetime import UTC, datetime

    from ..distribution.message import build_messages, published_folder
    from ..editorial.reading import load_release
    from ..writing import write_atomic

    workspace = workspace_for(file)
    if not dry_run:
        from ..distribution.settings import smtp_settings

        if smtp_settings(workspace) is None:
            raise UsageProblem("sending needs smtp: in presser.yaml")
        raise UsageProblem("sending is not built yet; use --dry-run")
    loaded = load_release(file, workspace)
    published_folder(loaded)  # an unpublished release is refused before anything else
    distribution = loaded.organisation.profile.distribution
    known = distribution.names if distribution else ()
    names = list(lists) or list(loaded.release.distribution or ())
    if not names:
        there = ", ".join(known) or "none (add distribution: to organisation.yaml)"
        raise UsageProblem(
            f"name the lists or wires to send to with --list NAME, or distribution: in the "
            f"release; there are: {there}"
        )
    from ..errors import did_you_mean

    unknown = [name for name in names if name not in known]
    if unknown:
        raise UsageProblem(
            f"no list or wire '{safe_line(unknown[0])}' (there is: {', '.join(known) or 'none'})"
            f"{did_you_mean(unknown[0], known)}"
        )
    messages = build_messages(loaded, names, now=datetime.now(UTC))
    folder = out or (
        workspace.root / "build" / "outbox" / loaded.stem / f"v{loaded.release.version}"
    )
    folder.mkdir(parents=True, exist_ok=True)
    for outgoing in messages:
        target = folder / outgoing.file_name()
        write_atomic(target, outgoing.message.as_bytes())
        click.echo(
            safe_line(f"{outgoing.target}: {outgoing.address} -> {workspace.display(target)}")
        )
    click.echo(f"{len(messages)} message(s) written, none sent (--dry-run).")
