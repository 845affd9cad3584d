"""The command line: the ``presser`` group, and each family of commands registered on it.

The commands live one family to a module (:mod:`.rendering`, :mod:`.project`,
:mod:`.lint`, :mod:`.editorial`), as plain click commands over the library
functions; none imports this module. Heavy modules (Jinja, markdown-it, Babel,
WeasyPrint) are imported inside the commands that need them, so ``presser
--help`` and ``presser validate`` start fast. Every error is a
:class:`presser.errors.PresserError`, which click reports with its exit code;
there is no try/except ladder here.
"""

from __future__ import annotations

import click

from .. import __version__
from . import editorial, lint, project, rendering
from .common import EXIT_CODES_HELP, SafeGroup


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


#: Every command, in the order ``presser --help`` lists them (click sorts them by name).
COMMANDS = (
    rendering.validate,
    rendering.render,
    rendering.build,
    rendering.schema,
    project.init,
    project.new,
    project.orgs,
    lint.lint,
    editorial.submit,
    editorial.approve,
    editorial.reject,
    editorial.publish,
    editorial.correct,
    editorial.status,
)
for command in COMMANDS:
    cli.add_command(command)


def main() -> None:
    """Console entry point."""
    cli(prog_name="presser")
