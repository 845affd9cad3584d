"""How ``presser build`` shows its progress: a bar on a terminal, one line per release in a log."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import safe_line

if TYPE_CHECKING:
    from ..source.workspace import Workspace
    from .task import Result


class Progress(Protocol):
    """How a build shows its progress."""

    def start(self, total: int) -> None: ...

    def advance(self, result: Result) -> None: ...

    def finish(self) -> None: ...


class PlainProgress:
    """One line per release rendered (for logs and pipes)."""

    def __init__(self, workspace: Workspace, echo: Callable[[str], None]) -> None:
        self.workspace = workspace
        self.echo = echo

    def start(self, total: int) -> None:
        pass

    def advance(self, result: Result) -> None:
        shown = self.workspace.display(result.path)
        if result.written:
            written = ", ".join(self.workspace.display(p) for p in result.written)
            self.echo(f"{shown} -> {written}")
        else:
            self.echo(f"{shown}: failed (see below)")

    def finish(self) -> None:
        pass


class BarProgress:
    """A progress bar with the count, the last release finished and the time left."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.bar: Any = None

    def start(self, total: int) -> None:
        import click

        self.bar = click.progressbar(
            length=total,
            label="Rendering",
            show_pos=True,
            show_eta=True,
            item_show_func=lambda item: item,
        )
        self.bar.__enter__()

    def advance(self, result: Result) -> None:
        # The name comes from a folder listing: escaped, so it cannot drive the terminal.
        self.bar.update(1, current_item=safe_line(result.path.name))

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
