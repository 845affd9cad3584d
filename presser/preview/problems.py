"""An error as the preview shows it: each problem with its place and the line it is about.

A writer who breaks a release in the editor should see, in the page, what the
command line would say (``path:line:column: field: message``) and the line
itself with a mark under the column, so the fix is found without switching
windows. The line is read only from a file the error can be about and the
preview already reads: the release, ``presser.yaml``, an organisation's
``organisation.yaml`` or a template on the release's search path; a problem
naming anything else is shown without a line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import PresserError, Problem, ProblemsFound, safe_line

#: How much of an offending line is shown (a minified line can be very long).
MAX_LINE_CHARS = 300
#: A file larger than this is not read for its line.
MAX_READ_BYTES = 8 * 1024 * 1024
#: ``templates/skl/release.html.j2:12: message``: a template error's place.
_TEMPLATE_PLACE = re.compile(r"^(?P<path>[^\s:][^:\n]*\.j2):(?P<line>\d+): (?P<message>.*)$", re.S)


@dataclass(frozen=True)
class Excerpt:
    """The line an error is about, as text for the page, and where the mark goes."""

    number: int
    text: str  #: escaped (safe_line) and cut to MAX_LINE_CHARS
    column: int  #: 1-based; 0: no column to mark

    @property
    def marker(self) -> str:
        """Spaces up to the column, then a caret (the page shows both in a monospace block)."""
        if self.column <= 0 or self.column > len(self.text) + 1:
            return ""
        return " " * (self.column - 1) + "^"


@dataclass(frozen=True)
class Shown:
    """One entry of an error report."""

    place: str  #: ``releases/x.yaml:12:5`` (or a template and line); "" when none
    field: str  #: the field it concerns; "" when none
    message: str
    excerpt: Excerpt | None = None

    @property
    def text(self) -> str:
        """The line the command line prints for it."""
        parts = [p for p in (self.place, self.field) if p]
        return ": ".join([*parts, self.message])


@dataclass(frozen=True)
class ErrorReport:
    """Why a view of a release cannot be shown: every problem at once."""

    title: str
    entries: tuple[Shown, ...]

    def as_text(self) -> str:
        return "\n".join(entry.text for entry in self.entries)


def report_for(error: BaseException, files: Iterable[Path], shown: dict[str, Path]) -> ErrorReport:
    """The report of ``error``; ``shown`` maps each readable file's shown name to the file.

    ``files`` are more candidates (template files), matched by their shown form.
    """
    candidates = dict(shown)
    if isinstance(error, ProblemsFound):
        count = len(error.problems)
        title = f"{count} problem{'s' if count != 1 else ''} found"
        return ErrorReport(title, tuple(_problem(p, candidates) for p in error.problems))
    if isinstance(error, PresserError):
        from ..render.templating import display_path

        for path in files:
            candidates.setdefault(display_path(str(path)), path)
        entries = tuple(_message(line, candidates) for line in _lines(error.format_message()))
        return ErrorReport(_title(error), entries)
    # A bug or a broken install: one clear line, and the server goes on.
    message = safe_line(f"internal error: {type(error).__name__}: {error}")
    return ErrorReport("presser could not show this", (Shown("", "", message),))


def _title(error: PresserError) -> str:
    name = type(error).__name__
    titles = {
        "RenderTimeout": "The render took too long",
        "TemplateProblem": "A template failed",
        "RefusedResource": "The PDF asked for a file presser refuses",
        "UsageProblem": "This release cannot be shown",
    }
    return titles.get(name, "This release cannot be shown")


def _lines(message: str) -> list[str]:
    return [line for line in message.splitlines() if line.strip()] or [message]


def _problem(problem: Problem, candidates: dict[str, Path]) -> Shown:
    place = f"{problem.path}:{problem.line}:{problem.column}"
    excerpt = _excerpt(candidates.get(problem.path), problem.line, problem.column)
    return Shown(place, problem.field, problem.message, excerpt)


def _message(line: str, candidates: dict[str, Path]) -> Shown:
    match = _TEMPLATE_PLACE.match(line)
    if match is None:
        return Shown("", "", line)
    path, number = match["path"], int(match["line"])
    excerpt = _excerpt(candidates.get(path), number, 0)
    return Shown(f"{path}:{number}", "", match["message"], excerpt)


def excerpt(path: Path, line: int, column: int) -> Excerpt | None:
    """Line ``line`` of ``path`` with a mark under ``column`` (a lint finding's place)."""
    return _excerpt(path, line, column)


def _excerpt(path: Path | None, line: int, column: int) -> Excerpt | None:
    """Line ``line`` of ``path``, or None when there is no such file or line."""
    if path is None or line < 1:
        return None
    try:
        if path.stat().st_size > MAX_READ_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    text = _decode(data)
    lines = text.splitlines()
    if line > len(lines):
        return None
    raw = lines[line - 1].expandtabs(1)  # one column per tab, as the loader counts
    cut = raw if len(raw) <= MAX_LINE_CHARS else raw[: MAX_LINE_CHARS - 1] + "…"
    escaped = safe_line(cut)
    # The mark goes under the character the column counts, as long as escaping moved nothing.
    return Excerpt(line, escaped, column if escaped[: column - 1] == cut[: column - 1] else 0)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")
