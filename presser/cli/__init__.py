"""The command line: the ``presser`` group, and each family of commands registered on it.

The commands live one family to a module (:mod:`.rendering`, :mod:`.project`,
:mod:`.lint`, :mod:`.editorial`), as plain click commands over the library
functions; none imports this module. A family's module is imported when one of
its commands is first looked up, and heavy modules (Jinja, markdown-it, Babel,
WeasyPrint) inside the commands that need them, so ``presser --help`` and
``presser validate`` start fast. Every error is a
:class:`presser.errors.PresserError`, which click reports with its exit code;
there is no try/except ladder here.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, MutableMapping
from typing import NoReturn

import click

from .. import __version__
from .common import EXIT_CODES_HELP, SafeGroup

#: Every command, by the module of its family (``presser --help`` sorts them by name).
COMMANDS: dict[str, str] = {
    "validate": "rendering",
    "render": "rendering",
    "build": "rendering",
    "schema": "rendering",
    "init": "project",
    "new": "project",
    "orgs": "project",
    "lint": "lint",
    "submit": "editorial",
    "approve": "editorial",
    "reject": "editorial",
    "publish": "editorial",
    "correct": "editorial",
    "status": "editorial",
    "send": "send",
    "serve": "serve",
    "site": "site",
    "unsubscribe": "send",
}


class _Commands(MutableMapping[str, click.Command]):
    """The group's commands, each imported with its family's module when first looked up.

    ``presser validate`` then imports the commands of one family, not of four;
    every name is known without an import (for click's listing and its "no such
    command" hints), and a command's module is the one :data:`COMMANDS` names.
    """

    def __init__(self, families: dict[str, str]) -> None:
        self._families = dict(families)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            module = importlib.import_module(f"{__name__}.{self._families[name]}")
            self._loaded[name] = getattr(module, name)
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command
        self._families.setdefault(name, "")

    def __delitem__(self, name: str) -> None:
        del self._families[name]
        self._loaded.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._families

    def __iter__(self) -> Iterator[str]:
        return iter(self._families)

    def __len__(self) -> int:
        return len(self._families)


@click.group(
    cls=SafeGroup,
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


cli.commands = _Commands(COMMANDS)


def main() -> None:
    """Console entry point: the command, then an exit without the interpreter's teardown.

    Tearing down the modules of a render (pydantic's schemas, Jinja, Babel's data)
    takes about 50 ms after the work is done. Everything presser writes is written
    and closed by then (``write_atomic``), its printer and workers are joined; the
    exit handlers (logging, multiprocessing) still run and the standard streams are
    flushed, then the process ends with the command's exit code.
    """
    try:
        cli(prog_name="presser")  # standalone mode: always ends in SystemExit
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    _exit(code)


def _exit(code: object) -> NoReturn:
    """``sys.exit(code)``'s effect, minus the teardown (see :func:`main`)."""
    import atexit
    import os
    import sys

    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("message"): printed, exit code 1
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: Python's own exit says 120
            code = code or 120
    os._exit(code)
