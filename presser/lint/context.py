"""What every rule reads: the release, its settings, its text fields and their positions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ..errors import FieldPath, format_field_path
from ..render.text_style import primary_subtag
from ..source.model import LintSettings, Release
from .findings import Finding
from .registry import find_rule
from .source import Alignment, SourceText, align
from .text import Prose, TextField, prose, text_fields
from .typography import literal_block_lines

if TYPE_CHECKING:
    from ..source.validation import LoadedRelease


@dataclass
class LintContext:
    """One release being linted; rules call :meth:`finding` to report."""

    loaded: LoadedRelease
    settings: LintSettings
    source: SourceText | None
    _alignments: dict[FieldPath, Alignment | None] = field(default_factory=dict, repr=False)
    _prose: dict[FieldPath, Prose] = field(default_factory=dict, repr=False)

    @property
    def release(self) -> Release:
        return self.loaded.release

    @property
    def data(self) -> dict[str, Any]:
        data = self.loaded.document.data
        return data if isinstance(data, dict) else {}

    @cached_property
    def language(self) -> str:
        """The release language's primary subtag: sv, en, nb …"""
        return primary_subtag(self.loaded.language)

    @cached_property
    def display_path(self) -> str:
        return self.loaded.workspace.display(self.loaded.path)

    @cached_property
    def organisation_file(self) -> str:
        return self.loaded.workspace.display(self.loaded.organisation.document.path)

    @cached_property
    def literal_lines(self) -> set[int]:
        """Lines of the file inside literal (|) blocks, where trailing spaces are content."""
        return literal_block_lines(self.source.text) if self.source else set()

    @cached_property
    def fields(self) -> tuple[TextField, ...]:
        return tuple(text_fields(self.data))

    def fields_of(self, *kinds: str) -> Iterator[TextField]:
        return (f for f in self.fields if f.kind in kinds)

    def prose(self, text_field: TextField) -> Prose:
        if text_field.path not in self._prose:
            self._prose[text_field.path] = prose(text_field)
        return self._prose[text_field.path]

    def position(self, path: FieldPath, offset: int | None = None) -> tuple[int, int]:
        """Line and column of a field, or of character ``offset`` of its value."""
        document = self.loaded.document
        start = document.positions.get(path) or document.key_position(path)
        if offset is None or self.source is None:
            return start
        alignment = self.alignment(path)
        if alignment is None or not alignment.spans:
            return start
        return self.source.line_column(alignment.source_offset(offset))

    def alignment(self, path: FieldPath) -> Alignment | None:
        """How the field's value maps onto the file; None when it cannot be worked out."""
        if path not in self._alignments:
            value = self._value(path)
            start = self.loaded.document.positions.get(path)
            found = None
            if self.source is not None and isinstance(value, str) and start is not None:
                found = align(self.source.text, self.source.offset(*start), value)
            self._alignments[path] = found
        return self._alignments[path]

    def _value(self, path: FieldPath) -> Any:
        node: Any = self.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def finding(
        self,
        code: str,
        path: FieldPath,
        message: str,
        *,
        offset: int | None = None,
        position: tuple[int, int] | None = None,
    ) -> Finding:
        """A finding of rule ``code`` at a field (or a character of its value)."""
        rule = find_rule(code)
        if rule is None:  # a programming error, caught by the tests
            raise KeyError(f"no lint rule {code}")
        line, column = position or self.position(path, offset)
        return Finding(
            self.display_path, line, column, rule.code, rule.name, rule.severity, message
        )

    def where(self, path: FieldPath) -> str:
        """A field path as messages show it: quotes[0].text."""
        return format_field_path(path)
