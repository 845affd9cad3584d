"""Where a character of a YAML scalar's value stands in the file.

The loader gives the line and column where each scalar starts; a finding
about one word inside a long lead should point at the word. :func:`align`
walks the value and the source side by side (skipping indentation, line
folds, block headers, quotes and escapes) and records, for every character
of the value, the span of source text it came from and whether that span
stands for exactly that character (the character itself, or an escape such
as \" or ''), rather than being folded or indented.
:mod:`presser.lint.fix` only rewrites spans that are exact.
"""

from __future__ import annotations

import bisect
import codecs
from dataclasses import dataclass
from pathlib import Path

_WHITESPACE = " \t\r\n"
_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_LENGTH = {"x": 2, "u": 4, "U": 8}


@dataclass(frozen=True)
class SourceText:
    """A release file's text as the loader read it, with line starts for positions."""

    text: str
    raw: bytes
    encoding: str  #: "utf-8", "utf-8-sig", "utf-16" (only utf-8 files are fixed)
    line_starts: tuple[int, ...]

    @classmethod
    def read(cls, path: Path) -> SourceText | None:
        """The file's text, or None when it cannot be read or decoded (validation says why)."""
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        return cls.from_bytes(raw)

    @classmethod
    def from_bytes(cls, raw: bytes) -> SourceText | None:
        encoding = "utf-8"
        if raw.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            return None
        starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        return cls(text, raw, encoding, tuple(starts))

    def offset(self, line: int, column: int) -> int:
        """The text offset of a 1-based line and column."""
        index = min(max(line, 1), len(self.line_starts)) - 1
        return min(self.line_starts[index] + max(column, 1) - 1, len(self.text))

    def line_column(self, offset: int) -> tuple[int, int]:
        """The 1-based line and column of a text offset."""
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1


@dataclass(frozen=True)
class Alignment:
    """For each character of a scalar's value: its source span, and whether it is exact."""

    spans: tuple[tuple[int, int], ...]
    exact: tuple[bool, ...]

    def source_offset(self, index: int) -> int:
        """Where the value's character ``index`` starts in the source (clamped to the value)."""
        if not self.spans:
            raise IndexError("empty value")
        return self.spans[min(max(index, 0), len(self.spans) - 1)][0]

    def source_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The source span of ``value[start:end]`` when it is written there exactly, else None.

        A span that crosses a line fold or indentation is not: replacing it
        would change more than the value.
        """
        if not 0 <= start < end <= len(self.spans):
            return None
        for index in range(start, end):
            if not self.exact[index]:
                return None
            if index > start and self.spans[index - 1][1] != self.spans[index][0]:
                return None
        return self.spans[start][0], self.spans[end - 1][1]


def align(source: str, start: int, value: str) -> Alignment | None:
    """Align ``value`` with the scalar written at ``source[start:]``; None when they part ways."""
    style = source[start : start + 1]
    position = start
    if style in ("|", ">"):
        newline = source.find("\n", start)
        if newline < 0:
            return None
        position = newline + 1
    elif style in ('"', "'"):
        position = start + 1
    else:
        style = ""
    spans: list[tuple[int, int]] = []
    exact: list[bool] = []
    index = 0
    length = len(source)
    while index < len(value):
        if position >= length:
            return None
        char, written = value[index], source[position]
        if style == '"' and written == "\\":
            decoded = _escape_at(source, position)
            if decoded is None:
                return None
            text, end = decoded
            if text == "":  # an escaped line break: nothing in the value
                position = end
                continue
            if text != char:
                return None
            spans.append((position, end))
            exact.append(True)  # the escape stands for exactly this character
            index, position = index + 1, end
        elif style == "'" and char == "'" and source.startswith("''", position):
            spans.append((position, position + 2))
            exact.append(True)
            index, position = index + 1, position + 2
        elif char == written:
            spans.append((position, position + 1))
            exact.append(True)
            index, position = index + 1, position + 1
        elif char in " \n" and written in _WHITESPACE:
            # A line break folded into a space, or a CR before a kept line break.
            spans.append((position, position + 1))
            exact.append(False)
            index, position = index + 1, position + 1
        elif written in _WHITESPACE:
            position += 1  # indentation, or the rest of a fold
        else:
            return None
    return Alignment(tuple(spans), tuple(exact))


def _escape_at(source: str, position: int) -> tuple[str, int] | None:
    """The text a double-quoted escape at ``position`` stands for, and where it ends."""
    code = source[position + 1 : position + 2]
    if code in ("\n", "\r"):
        end = position + 1
        while end < len(source) and source[end] in _WHITESPACE:
            end += 1
        return "", end
    if code in _ESCAPES:
        return _ESCAPES[code], position + 2
    if code in _HEX_LENGTH:
        digits = source[position + 2 : position + 2 + _HEX_LENGTH[code]]
        try:
            return chr(int(digits, 16)), position + 2 + len(digits)
        except (ValueError, OverflowError):
            return None
    return None
