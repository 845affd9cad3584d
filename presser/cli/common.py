"""What every command shares: click's own messages escaped, the exit codes, the workspace."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import terminal_safe

if TYPE_CHECKING:
    from ..source.workspace import Workspace

EXIT_CODES_HELP = """
\b
Exit codes:
  0  success
  1  problems in a release, organisation or template, or an output not written
  2  usage error (unknown option, missing file)
  130  stopped with Ctrl-C (build, send): what finished is kept
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


class SafeCommand(click.Command):
    """A command whose usage errors reach the terminal escaped."""

    make_context = _escaped_usage_errors(click.Command.make_context)


class SafeGroup(click.Group):
    """The group of commands, its own usage errors escaped too."""

    command_class = SafeCommand
    make_context = _escaped_usage_errors(click.Group.make_context)


def workspace_for(start: Path | None = None) -> Workspace:
    """The workspace holding ``start`` (default: the current folder)."""
    from ..source.workspace import find_workspace

    return find_workspace(start)
