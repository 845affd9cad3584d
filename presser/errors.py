"""Problems found in user files, and the one exception the CLI knows how to report.

Every exception presser raises descends from :class:`PresserError`, a
``click.ClickException``, so the command line needs no try/except ladder:
click prints the message (escaped for the terminal) and exits with the code.
The tree::

    PresserError (click.ClickException)           exit 1 unless said otherwise
    ├── ProblemsFound                             positioned problems, all at once
    ├── UsageProblem                              exit 2: how presser was called
    ├── WriteError                                an output not written; the old one kept
    │   └── ChangedOnDisk (writing)               the file changed after presser read it
    ├── TemplateProblem                           an organisation template failed
    ├── ImageRefused (source.images)              also a ValueError, for model validators
    ├── UnknownOrganisation (source.workspace)
    ├── UnsafeFix (lint.fix)                      a fix that would change the data
    ├── RefusedResource (render.pdf)              the PDF asked for a file it may not read
    ├── PrinterFailed (render.printer)
    ├── RenderTimeout (render.timeout)
    ├── ReleaseEditError (editorial.release_edit)
    │   └── ReleaseFrozen                         a published release is not rewritten
    ├── Refused (editorial.workflow)              a workflow step refused, with the reason
    ├── BuildFailed (build.run)                   some releases not rendered
    ├── BuildInterrupted (build.run)              exit 130: Ctrl-C
    ├── DamagedCache (build.cache)                caught: the cache is not used
    ├── RelayRefused (distribution.relay)         the SMTP relay refused: nothing was sent
    ├── SendLocked (distribution.log)             another send of the version is running
    └── SendIncomplete (cli.send)                 a recipient not reached (failed, unknown)
        └── SendStopped                           exit 130: Ctrl-C or SIGTERM during a send

Two are not in it on purpose: the time limit's ``_Expired`` is a
``BaseException`` so that no ``except Exception`` in a library can swallow it,
and ``OutputTooLarge`` is a Jinja ``TemplateError`` raised inside a template's
render, which ends as a :class:`TemplateProblem`.

Exit codes (documented in the README and in ``presser --help``):

- 0: success
- 1: a release, organisation or template has problems (all reported at once),
  or an output could not be written
- 2: usage error (unknown option, missing argument, path not found)
- 130: ``presser build`` or ``presser send`` stopped with Ctrl-C (what finished is
  kept, and recorded)
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import click

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
#: A build stopped with Ctrl-C (128 + SIGINT, as shells report it).
EXIT_INTERRUPTED = 130

#: A field path as pydantic reports it: keys and list indexes.
FieldPath = tuple[str | int, ...]


def format_field_path(field_path: FieldPath) -> str:
    """``("quotes", 0, "text")`` -> ``quotes[0].text``; the root is ``(root)``."""
    text = ""
    for part in field_path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = safe_line(part)
            text += f".{name}" if text else name
    return text or "(root)"


def safe_line(text: str) -> str:
    """Text for one line of a terminal: every non-printable character as an escape.

    Control characters, terminal escapes, bidi overrides and line breaks
    (``\\n``, ``\\r``, U+2028) alike: a file name or a value shown with it can
    neither drive the terminal nor start a line of output of its own. Letters
    of every script, marks and quotation marks are printable and stay as they are.
    The one escaping function: :func:`terminal_safe` and :func:`printable` use it.
    """
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


def terminal_safe(text: str) -> str:
    """Text of several lines for a terminal: each line as :func:`safe_line` shows it.

    Line ends (``\\n``, or ``\\r\\n`` as a file with CRLF line ends has them)
    stay; a lone ``\\r``, which would let a line overwrite the one before, is
    escaped. Idempotent (an escape is printable), so text escaped once may pass again.
    """
    return "".join(
        safe_line(line) + ending for line, ending in _LINES.findall(text) if line or ending
    )


_LINES = re.compile(r"([^\n]*?)(\r\n|\n|$)")


def printable(value: object, limit: int = 60) -> str:
    """A value as it may be echoed to a terminal: escaped, quoted and cut short.

    Values come from untrusted files; ``repr``-style escaping keeps control
    characters and ANSI escapes from reaching the terminal.
    """
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"'{safe_line(text)}'"


#: difflib's similarity ratio for a "did you mean" (its own default).
CLOSE_ENOUGH = 0.6


def closest(word: str, candidates: Iterable[str], *, cutoff: float = CLOSE_ENOUGH) -> str | None:
    """The candidate most like ``word`` by difflib's ratio (at least ``cutoff``), or None.

    The one "did you mean" of presser: unknown fields, settings, organisations
    and lint rules all suggest through it.
    """
    import difflib

    found = difflib.get_close_matches(
        word, _could_be_close(word, tuple(candidates), cutoff), 1, cutoff
    )
    return found[0] if found else None


def did_you_mean(word: str, candidates: Iterable[str], *, cutoff: float = CLOSE_ENOUGH) -> str:
    """``; did you mean 'x'?`` for the closest candidate, or nothing."""
    found = closest(word, candidates, cutoff=cutoff)
    return f"; did you mean '{found}'?" if found else ""


def _could_be_close(word: str, candidates: tuple[str, ...], cutoff: float) -> list[str]:
    """The candidates difflib could find close to ``word``; the others cannot be.

    difflib's ratio is at most twice the characters the two share over their
    total length, and they share at most the distinct letters they have in
    common plus the repeats in ``word``. Counted with set operations this rules
    most candidates out in a fraction of difflib's time, which matters for a
    file of thousands of unknown keys.
    """
    letters = frozenset(word)
    repeats = len(word) - len(letters)
    return [
        name
        for name, its_letters in _letters(candidates)
        if 2.0 * (len(letters & its_letters) + repeats) / (len(word) + len(name) or 1) >= cutoff
    ]


@functools.cache
def _letters(candidates: tuple[str, ...]) -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple((name, frozenset(name)) for name in candidates)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, at one place."""

    path: str
    line: int
    column: int
    field: str
    message: str

    def __post_init__(self) -> None:
        # Values from untrusted files reach messages; escape them once, here, for every output.
        for name in ("path", "field", "message"):
            object.__setattr__(self, name, safe_line(getattr(self, name)))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.field}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class PresserError(click.ClickException):
    """The base of every error presser reports to a user.

    A ``click.ClickException`` so that the CLI needs no try/except ladder:
    click prints :meth:`format_message` and exits with :attr:`exit_code`.
    """

    exit_code = EXIT_PROBLEMS

    def format_message(self) -> str:
        # Messages quote paths and values that come from untrusted files.
        return terminal_safe(super().format_message())


class ProblemsFound(PresserError):
    """One or more files have problems; every one is listed."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def show(self, file: object = None) -> None:
        # click prefixes "Error: "; a list of positioned problems reads better bare.
        click.echo(self.format_message(), err=True)
        count = len(self.problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''} found.", err=True)

    def as_json(self) -> str:
        return json.dumps([p.as_dict() for p in self.problems], ensure_ascii=False, indent=2)


class UsageProblem(PresserError):
    """Something about how presser was called, not about the files."""

    exit_code = EXIT_USAGE


class WriteError(PresserError):
    """An output could not be written; the previous output, if any, is kept."""


class TemplateProblem(PresserError):
    """An organisation template failed to render (syntax error, unsafe access)."""
