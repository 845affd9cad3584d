"""Typographic patterns shared by the rules that report them and the fixes that mend them."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import yaml

from ..render.text_style import set_quote

try:  # libyaml's scanner is ten times faster; the tokens are the same.
    from yaml import CSafeLoader as _Scanner
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Scanner  # type: ignore[assignment]


# Runs of two or more spaces between two visible characters on one line. Indentation and
# a Markdown hard break (two spaces at a line's end) are not matched.
_DOUBLE_SPACE = re.compile(r"(?<=[^\s]) {2,}(?=[^\s])")
# A hyphen standing for a dash: " - " (or " -- ") between words.
_SPACED_HYPHEN = re.compile(r"(?<=[^\s]) (--?) (?=[^\s])")
# French sets a (narrow) space before ; : ! ? — only , and . are wrong there.
_SPACE_BEFORE = {"fr": re.compile(r"(?<=\w)[ \t]+(?=[,.](?:\s|$))")}
_SPACE_BEFORE_DEFAULT = re.compile(r"(?<=\w)[ \t]+(?=[,.;:!?](?:\s|$))")
_REPEATED = re.compile(r"(?<![\w-])([^\W\d_]+)\s+(\1)(?![\w-])", re.IGNORECASE)
# Repetitions that are grammar: "that that", "had had", "what it is is", Swedish
# "det är det det handlar om".
_GRAMMATICAL_REPEATS = frozenset({"that", "had", "is", "det"})


def straight_quotes(value: str) -> list[int]:
    return [match.start() for match in re.finditer('"', value)]


def quote_pairs(value: str) -> list[tuple[int, int]] | None:
    """Opening and closing offsets of straight quotes; None when they do not pair cleanly.

    A mark after a space, an opening bracket or the start opens; one before a space,
    punctuation or the end closes. Anything else (12" screens, an odd count) is left
    for the author.
    """
    offsets = straight_quotes(value)
    if not offsets or len(offsets) % 2:
        return None
    pairs = []
    for opening, closing in zip(offsets[::2], offsets[1::2], strict=True):
        before = value[opening - 1] if opening else " "
        after_open = value[opening + 1 : opening + 2]
        after_close = value[closing + 1 : closing + 2] or " "
        opens = (before.isspace() or before in "([–—-") and not after_open.isspace()
        closes = not value[closing - 1].isspace() and (
            after_close.isspace() or after_close in ".,;:!?)]"
        )
        if not (opens and closes):
            return None
        pairs.append((opening, closing))
    return pairs


@functools.cache
def quotation_marks(language: str) -> tuple[str, str]:
    """The marks for a quotation inside running text, from presser.render.text_style's tables.

    The Nordic house style sets a quote with a dash, which cannot enclose words in a
    sentence; there the language's curly marks (sv, fi ”…”; others “…”) are used.
    """
    for style in (None, "curly"):
        (segment,) = set_quote(language, text="x", speaker=None, style=style)
        opening, _, closing = segment.text.partition("x")
        if closing:
            return opening, closing
    return "“", "”"


def double_spaces(value: str) -> Iterator[re.Match[str]]:
    return _DOUBLE_SPACE.finditer(value)


def spaced_hyphens(value: str) -> Iterator[re.Match[str]]:
    """' - ' between words, but not a Markdown list item or a minus before a number."""
    for match in _SPACED_HYPHEN.finditer(value):
        following = value[match.end() : match.end() + 1]
        if not following.isdigit():
            yield match


def space_before_punctuation(value: str, language: str) -> Iterator[re.Match[str]]:
    return _SPACE_BEFORE.get(language, _SPACE_BEFORE_DEFAULT).finditer(value)


def repeated_words(value: str) -> Iterator[re.Match[str]]:
    for match in _REPEATED.finditer(value):
        if match.group(1).casefold() not in _GRAMMATICAL_REPEATS:
            yield match


def trailing_space_lines(source: str, protected: set[int]) -> Iterator[tuple[int, int]]:
    """(start, end) of trailing spaces and tabs on each line, except the protected lines."""
    for number, match in enumerate(re.finditer(r"[^\n]*\n?", source), 1):
        line = match.group().rstrip("\r\n")
        stripped = line.rstrip(" \t")
        if len(stripped) < len(line) and number not in protected:
            yield match.start() + len(stripped), match.start() + len(line)


def literal_block_lines(source: str) -> set[int]:
    """1-based lines inside literal (|) block scalars, where trailing spaces are content.

    In Markdown two spaces at a line's end are a hard line break, so they stay.
    """
    lines: set[int] = set()
    try:
        for token in yaml.scan(source, Loader=_Scanner):
            if isinstance(token, yaml.ScalarToken) and token.style == "|":
                lines.update(range(token.start_mark.line + 2, token.end_mark.line + 2))
    except yaml.YAMLError:
        return set(range(1, source.count("\n") + 2))  # unreadable: touch nothing
    return lines
