"""Safe, strict YAML: bytes -> a tree of plain values that remembers where every node is.

Knows nothing of releases. The tree holds only ``dict``, ``list``, ``str`` and
``None``: every scalar stays text (``NO``, ``1.0``, ``on``, ``+4670…`` and
``12:30:00`` are strings) until the model gives it a type; only a plain
``null``, ``~`` or an empty value is ``None``.

Refused, each with its position: tags of any kind, anchors and aliases (so
no alias bombs), merge keys, duplicate keys (both positions given), complex
keys, more than one document, and beyond the workspace's
:class:`~presser.source.limits.Limits`: files over ``max_file_bytes``, nesting deeper
than ``max_depth``, text (or a key) longer than ``max_string_chars``, a word
longer than ``max_word_chars`` and lists longer than ``max_list_items``.
Invalid UTF-8 (with the byte offset) and control characters are refused too,
also when written as an escape in a double-quoted string (``"\\e[31m"``,
``"\\0"``). A UTF-8 byte order mark is accepted, and so is UTF-16 with a byte
order mark (what old Windows editors call "Unicode"); UTF-16 without one is
refused with "save it as UTF-8".

The tree is built from the parser's events in a loop, never by recursion, so
no input depth can exhaust the stack. A syntax error ends the reading: it is
reported with whatever was found before it, and says that the rest of the
file was not checked; a tab in the indentation is named as such.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import FieldPath, Problem, ProblemsFound, format_field_path
from .limits import DEFAULT_LIMITS, Limits, human_bytes

# The defaults, kept as names for callers that predate presser.source.limits; the
# loader itself reads the limits it is given.
NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})

# YAML forbids these anyway; finding them first gives a clearer message than the parser's.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")

try:  # libyaml's parser is several times faster; the checks below are the same for both.
    from yaml import CSafeLoader as _EventLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _EventLoader  # type: ignore[assignment]

Position = tuple[int, int]  # 1-based line and column

# libyaml refuses deep nesting itself (1,000 levels by default), in words that
# changed between its versions: "Maximum nesting level reached, set with
# yaml_set_max_nest_level()" from its parser, "exceeded maximum nesting depth"
# (while increasing the flow or block level) from its scanner.
_NESTING_REFUSAL = re.compile(r"maximum nesting (?:level|depth)", re.IGNORECASE)
# What both parsers say about a tab where YAML allows only spaces: libyaml's
# "found character that cannot start any token", "found a tab character that
# violates indentation" or "... where an indentation space is expected", and
# PyYAML's "found character '\t' that cannot start any token".
_TAB_REFUSAL = re.compile(r"cannot start any token|found a tab character")
_NOT_CHECKED = "; the rest of the file was not checked"


@dataclass
class Document:
    """A loaded YAML file: its data and where each part of it stands."""

    path: Path
    data: Any
    #: Where each value starts, by field path; ``()`` is the root.
    positions: dict[FieldPath, Position] = field(default_factory=dict)
    #: Where each mapping key starts, by the field path of its value.
    key_positions: dict[FieldPath, Position] = field(default_factory=dict)
    #: The path as messages show it (relative to the current folder); default: ``path``.
    shown: str = ""

    @property
    def display(self) -> str:
        return self.shown or str(self.path)

    def locate(self, loc: tuple[Any, ...]) -> tuple[FieldPath, Position]:
        """The deepest real field path in ``loc`` and the position to report for it.

        ``loc`` may hold parts that are not in the data (pydantic adds union
        branch names, a missing field's name): those are skipped, and a missing
        field is reported at the mapping that should hold it.
        """
        node: Any = self.data
        found: FieldPath = ()
        for part in loc:
            in_mapping = isinstance(node, dict) and isinstance(part, str) and part in node
            in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
            if in_mapping or in_list:
                node = node[part]
                found = (*found, part)
        return found, self.positions.get(found, (1, 1))

    def key_position(self, field_path: FieldPath) -> Position:
        return self.key_positions.get(field_path) or self.positions.get(field_path, (1, 1))

    def problem(self, field_path: FieldPath, message: str, *, at_key: bool = False) -> Problem:
        line, column = (
            self.key_position(field_path) if at_key else self.positions.get(field_path, (1, 1))
        )
        return Problem(self.display, line, column, format_field_path(field_path), message)


def load_file(
    path: Path, *, display_path: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Document:
    """Read and parse one YAML file, or raise :class:`ProblemsFound`."""
    shown = display_path or str(path)
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise _fail(shown, (1, 1), _too_big(size, limits))
        with path.open("rb") as stream:  # read no more than the limit, whatever stat said
            raw = stream.read(limits.max_file_bytes + 1)
    except OSError as exc:
        raise _fail(shown, (1, 1), f"cannot read the file: {exc.strerror or exc}") from None
    return load_bytes(raw, path, display_path=shown, limits=limits)


def load_bytes(
    raw: bytes, path: Path, *, display_path: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Document:
    """Parse YAML bytes; ``path`` is used for messages and as the document's origin."""
    shown = display_path or str(path)
    if len(raw) > limits.max_file_bytes:
        raise _fail(shown, (1, 1), _too_big(len(raw), limits))
    text = _decode(raw, shown)
    match = _CONTROL_CHARACTERS.search(text)
    if match:
        line, column = _position_of(text, match.start())
        raise _fail(
            shown,
            (line, column),
            f"control character U+{ord(match.group()):04X} is not allowed in a YAML file",
        )
    builder = _TreeBuilder(Path(path), shown, limits)
    try:
        error = builder.read(text, _EventLoader)
        if error is not None and _NESTING_REFUSAL.search(error.problem or ""):
            # libyaml refused the nesting before its events reached max_depth (it
            # reads ahead), where and in words that depend on its version. PyYAML's
            # own parser has no such limit and no recursion: read the file again with
            # it, so that max_depth alone decides, at the node where it is crossed.
            builder = _TreeBuilder(Path(path), shown, limits)
            error = builder.read(text, yaml.SafeLoader)
    except yaml.YAMLError as exc:  # reader errors carry no mark
        raise _fail(shown, (1, 1), f"YAML: {exc}") from None
    if error is not None:
        builder.problems.append(_syntax_problem(error, text, shown))
    if builder.problems:
        raise ProblemsFound(builder.problems)
    return Document(Path(path), builder.root, builder.positions, builder.key_positions, shown)


def _too_big(size: int, limits: Limits) -> str:
    return (
        f"the file is {size:,} bytes; the limit is {human_bytes(limits.max_file_bytes)} "
        "(max_file_bytes in presser.yaml)"
    )


def _decode(raw: bytes, shown: str) -> str:
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise _fail(shown, (1, 1), f"invalid UTF-16 at byte {exc.start}") from None
    body = raw.removeprefix(codecs.BOM_UTF8)
    if len(body) >= 4 and b"\x00" in body[:4] and body[:4].replace(b"\x00", b"").isascii():
        # Text with every other byte NUL is UTF-16 saved without its byte order mark.
        raise _fail(shown, (1, 1), "the file looks like UTF-16 without a BOM; save it as UTF-8")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start + (len(raw) - len(body))
        good = body[: exc.start].decode("utf-8")
        line, column = _position_of(good, len(good))
        raise _fail(
            shown,
            (line, column),
            f"invalid UTF-8 at byte {offset} (0x{raw[offset]:02X}); save the file as UTF-8",
        ) from None


def _position_of(text: str, index: int) -> Position:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, shown: str) -> Problem:
    """The parser's error as a problem, at its mark; a tab in the indentation said plainly."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return Problem(shown, 1, 1, "(file)", f"YAML syntax: {exc}{_NOT_CHECKED}")
    # Both parsers count the mark's index and column in characters.
    index = min(mark.index, len(text))
    indentation = text[index - min(mark.column, index) : index]
    if (
        _TAB_REFUSAL.search(exc.problem or "")
        and text.startswith("\t", index)
        and not indentation.strip(" \t")
    ):
        message = "a tab is used for indentation here; use spaces"
    else:
        message = "YAML syntax: " + " ".join(part for part in (exc.context, exc.problem) if part)
    if text[index:].strip():  # a file that ends at its error has no rest left unchecked
        message += _NOT_CHECKED
    return Problem(shown, mark.line + 1, mark.column + 1, "(file)", message)


def _fail(shown: str, position: Position, message: str) -> ProblemsFound:
    return ProblemsFound([Problem(shown, position[0], position[1], "(file)", message)])


@dataclass
class _Open:
    """A mapping or sequence being filled while events stream in."""

    value: dict[str, Any] | list[Any]
    field_path: FieldPath
    pending_key: str | None = None
    key_lines: dict[str, Position] = field(default_factory=dict)


class _TreeBuilder:
    def __init__(self, path: Path, shown: str, limits: Limits = DEFAULT_LIMITS) -> None:
        self.path = path
        self.shown = shown
        self.limits = limits
        self.root: Any = None
        self.positions: dict[FieldPath, Position] = {}
        self.key_positions: dict[FieldPath, Position] = {}
        self.problems: list[Problem] = []
        self.stack: list[_Open] = []
        self.documents = 0

    def problem(self, mark: Any, field_path: FieldPath, message: str) -> None:
        self.problems.append(
            Problem(
                self.shown,
                mark.line + 1,
                mark.column + 1,
                format_field_path(field_path),
                message,
            )
        )

    def read(
        self, text: str, loader: type[yaml.SafeLoader | yaml.CSafeLoader]
    ) -> yaml.MarkedYAMLError | None:
        """Build the tree from ``text`` with ``loader``'s parser; the syntax error that ended it."""
        try:
            self.build(yaml.parse(text, Loader=loader))
        except yaml.MarkedYAMLError as exc:
            return exc
        return None

    def build(self, events: Iterator[yaml.Event]) -> None:
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                self.documents += 1
                if self.documents > 1:
                    self.problem(event.start_mark, (), "only one YAML document per file")
                    return
            elif isinstance(event, yaml.AliasEvent):
                self.problem(event.start_mark, self._next_path(), "aliases (*name) are not allowed")
                return
            elif isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
                if not self._node(event):
                    return
            elif isinstance(event, yaml.CollectionEndEvent):
                self._close()

    def _next_path(self) -> FieldPath:
        """The field path the next node will have."""
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.value, list):
            return (*top.field_path, len(top.value))
        if top.pending_key is not None:
            return (*top.field_path, top.pending_key)
        return top.field_path

    def _node(self, event: Any) -> bool:
        """Take one scalar or collection start; False stops the build (fatal problem)."""
        top = self.stack[-1] if self.stack else None
        is_key = top is not None and isinstance(top.value, dict) and top.pending_key is None
        field_path = self._next_path()
        if event.anchor is not None:
            self.problem(event.start_mark, field_path, "anchors (&name) are not allowed")
            return False
        # A tag the parser inferred is None; any tag written in the file, even the
        # non-specific "!", is the author's and refused.
        if event.tag is not None:
            self.problem(
                event.start_mark,
                field_path,
                f"tags such as {event.tag.replace('tag:yaml.org,2002:', '!!')} are not allowed",
            )
            return False
        position = (event.start_mark.line + 1, event.start_mark.column + 1)
        if isinstance(event, yaml.ScalarEvent) and not self._acceptable_text(event, field_path):
            return False

        if is_key:
            assert top is not None
            if not isinstance(event, yaml.ScalarEvent):
                self.problem(event.start_mark, field_path, "a key must be plain text")
                return False
            key = event.value
            if key == "<<" and not event.style:
                self.problem(event.start_mark, field_path, "merge keys (<<) are not allowed")
                return False
            key_path = (*top.field_path, key)
            if key in top.key_lines:
                first = top.key_lines[key]
                self.problem(
                    event.start_mark,
                    key_path,
                    f"duplicate key '{key}' (first at line {first[0]}, column {first[1]})",
                )
                # Keep reading so that every duplicate is reported; the value goes nowhere.
                key = f"\x00duplicate:{len(top.key_lines)}:{key}"
            top.key_lines[key] = position
            top.pending_key = key
            self.key_positions[key_path] = position
            return True

        if (
            top is not None
            and isinstance(top.value, list)
            and len(top.value) >= self.limits.max_list_items
        ):
            # Fatal: stop before a huge list is held in memory.
            self.problem(
                event.start_mark,
                top.field_path,
                f"more than {self.limits.max_list_items:,} items in one list (max_list_items)",
            )
            return False
        if isinstance(event, yaml.ScalarEvent):
            value: Any = _scalar(event)
        else:
            if len(self.stack) >= self.limits.max_depth:
                self.problem(
                    event.start_mark,
                    field_path,
                    f"nested more than {self.limits.max_depth} levels deep; "
                    "a release never needs that (max_depth)",
                )
                return False
            value = {} if isinstance(event, yaml.MappingStartEvent) else []
        self.positions[field_path] = position
        self._attach(value)
        if not isinstance(event, yaml.ScalarEvent):
            self.stack.append(_Open(value, field_path))
        return True

    def _acceptable_text(self, event: yaml.ScalarEvent, field_path: FieldPath) -> bool:
        """Check one scalar's text; False stops the build (the rest is not worth reading)."""
        value = event.value
        if len(value) > self.limits.max_string_chars:
            self.problem(
                event.start_mark,
                field_path,
                f"{len(value):,} characters; the limit is {self.limits.max_string_chars:,} "
                "(max_string_chars)",
            )
            return False
        # Not fatal: every over-long word of the file is worth reporting.
        long_word = _long_word(value, self.limits.max_word_chars)
        if long_word is not None:
            start, length = long_word
            joiner = _JOINER.search(value, start, start + length)
            joined = (
                f", its parts joined by U+{ord(joiner.group()):04X} "
                f"{unicodedata.name(joiner.group())}, where a line cannot break"
                if joiner
                else ""
            )
            self.problem(
                event.start_mark,
                field_path,
                f"a word of {length:,} characters without a space (from character "
                f"{start + 1:,}{joined}); the limit is {self.limits.max_word_chars:,} "
                "(max_word_chars)",
            )
        # Escapes in double quotes ("\e", "\x07", "\0") make characters the file's
        # own check never saw.
        match = _CONTROL_CHARACTERS.search(value) if event.style == '"' else None
        if match:
            self.problem(
                event.start_mark,
                field_path,
                f"control character U+{ord(match.group()):04X} (written as an escape) "
                "is not allowed",
            )
            return False
        return True

    def _attach(self, value: Any) -> None:
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        if isinstance(top.value, list):
            top.value.append(value)
        else:
            assert top.pending_key is not None
            if not top.pending_key.startswith("\x00duplicate:"):
                top.value[top.pending_key] = value
            top.pending_key = None

    def _close(self) -> None:
        self.stack.pop()


# A word, for max_word_chars, is what the PDF's line breaker cannot break: no
# white space but the no-break spaces (U+00A0, figure space U+2007, narrow
# no-break space U+202F), which glue their neighbours into one word, as the word
# joiner U+2060, U+FEFF and the non-breaking hyphen U+2011 (not white space) do.
_WORD_CHARACTER = "[\\S\u00a0\u2007\u202f]"
_JOINER = re.compile("[\u00a0\u2007\u202f\u2060\ufeff\u2011]")


def _long_word(text: str, limit: int) -> tuple[int, int] | None:
    """Where the first run of more than ``limit`` unbreakable characters starts, and its length."""
    if len(text) <= limit:
        return None
    # Tried only where a word starts, so each word is read once however long.
    match = re.search(rf"(?<!{_WORD_CHARACTER}){_WORD_CHARACTER}{{{limit + 1},}}", text)
    return (match.start(), len(match.group())) if match else None


def _scalar(event: yaml.ScalarEvent) -> str | None:
    if not event.style:  # plain: only the null words are not text
        return None if event.value in NULL_WORDS else event.value
    return event.value
