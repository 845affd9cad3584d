"""presser lint --fix: the safe fixes, made in place without touching anything else.

Fixed: straight quotation marks paired in a text (Q103) set as the language's own
marks, a hyphen used as a dash (T105) as an en dash, runs of spaces between words
(T102) as one, and spaces at line ends (T104) removed.

Why not re-dump the YAML with ruamel.yaml's round trip? It re-indents sequences
to one indentation for the whole file and re-flows a changed folded (>) text
at its own width, so lines nobody meant to change would change. Instead each
fix is a replacement of a span of the original text, located through the
loader's positions and :mod:`presser.lint.source`, made only where the span
stands for exactly the characters being replaced (never across a line fold).
Every byte outside the spans stays as it was. The result is parsed again and
must hold the same data, give or take those characters, or nothing is written.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..errors import PresserError, ProblemsFound, terminal_safe
from ..source.loading import load_bytes
from .context import LintContext
from .typography import (
    double_spaces,
    quotation_marks,
    quote_pairs,
    spaced_hyphens,
    trailing_space_lines,
)

#: The rules --fix can repair.
FIXABLE = frozenset({"Q103", "T102", "T104", "T105"})


@dataclass(frozen=True, order=True)
class Edit:
    """Replace ``source[start:end]`` with ``replacement``, for rule ``code``."""

    start: int
    end: int
    replacement: str
    code: str


@dataclass
class FixResult:
    """The fixed text of one file and how many of each rule's findings it mends."""

    original: str
    fixed: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return self.fixed != self.original

    def diff(self, shown_path: str) -> str:
        """A unified diff of the fix, escaped for the terminal like every other output.

        Lines are the file's own (split at line feeds only, so a U+2028 in a
        value is shown as an escape rather than taken for a line end); every
        line goes through :func:`presser.errors.terminal_safe`, which keeps å,
        curly quotes and a CRLF file's line ends as they are.
        """
        lines = difflib.unified_diff(
            _lines(self.original),
            _lines(self.fixed),
            fromfile=f"a/{shown_path}",
            tofile=f"b/{shown_path}",
        )
        shown = []
        for line in lines:
            if not line.endswith("\n"):  # the file's last line has no line end
                line += "\n\\ No newline at end of file\n"
            shown.append(terminal_safe(line))
        return "".join(shown)


def _lines(text: str) -> list[str]:
    """``text`` split after each line feed, every line keeping its end."""
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


class UnsafeFix(PresserError):
    """The fixed text would not hold the same data; nothing is written."""


def plan(ctx: LintContext, codes: set[str]) -> list[Edit]:
    """The edits for the selected fixable rules, in file order, none overlapping."""
    if ctx.source is None:
        return []
    edits: list[Edit] = []
    opening, closing = quotation_marks(ctx.language)
    for text_field in ctx.fields:
        value = text_field.value
        wanted: list[tuple[int, int, str, str]] = []
        if "Q103" in codes:
            for start, end in quote_pairs(value) or ():
                wanted += [(start, start + 1, opening, "Q103"), (end, end + 1, closing, "Q103")]
        if "T105" in codes:
            wanted += [(m.start(1), m.end(1), "–", "T105") for m in spaced_hyphens(value)]
        if "T102" in codes:
            wanted += [(m.start(), m.end(), " ", "T102") for m in double_spaces(value)]
        alignment = ctx.alignment(text_field.path) if wanted else None
        for start, end, replacement, code in wanted:
            span = alignment.source_span(start, end) if alignment else None
            if span is not None:
                edits.append(Edit(span[0], span[1], replacement, code))
    if "T104" in codes:
        spaces = trailing_space_lines(ctx.source.text, ctx.literal_lines)
        edits += [Edit(start, end, "", "T104") for start, end in spaces]
    chosen: list[Edit] = []
    for edit in sorted(edits):
        if not chosen or edit.start >= chosen[-1].end:
            chosen.append(edit)
    return chosen


def apply(ctx: LintContext, codes: set[str]) -> FixResult:
    """The file's text with the fixes made; raises :class:`UnsafeFix` if the data would change."""
    assert ctx.source is not None
    original = ctx.source.text
    edits = plan(ctx, codes)
    pieces: list[str] = []
    position = 0
    for edit in edits:
        pieces += [original[position : edit.start], edit.replacement]
        position = edit.end
    pieces.append(original[position:])
    result = FixResult(original, "".join(pieces), Counter(e.code for e in edits))
    if result.changed:
        _check_same_data(ctx, result.fixed)
    return result


def encode(ctx: LintContext, text: str) -> bytes:
    """The fixed text in the file's own encoding (a UTF-8 byte order mark kept)."""
    assert ctx.source is not None
    return text.encode(ctx.source.encoding)


# Marks a fix may turn into one another, and the white space it may change.
_SAME_MARK = str.maketrans({c: '"' for c in "”“„«»"} | {"–": "-"})
_WHITESPACE = re.compile(r"\s+")


def _normal(value: Any) -> Any:
    if isinstance(value, str):
        return _WHITESPACE.sub("", value.replace("--", "-").translate(_SAME_MARK))
    if isinstance(value, dict):
        return {key: _normal(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_normal(item) for item in value]
    return value


def _check_same_data(ctx: LintContext, fixed: str) -> None:
    try:
        document = load_bytes(
            fixed.encode("utf-8"), ctx.loaded.path, limits=ctx.loaded.workspace.limits
        )
    except ProblemsFound as exc:
        raise UnsafeFix(f"the fixed file would not parse: {exc.problems[0]}") from None
    if _normal(document.data) != _normal(ctx.loaded.document.data):
        raise UnsafeFix("the fixed file would hold other data than the original")
