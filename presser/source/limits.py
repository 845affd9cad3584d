"""How much presser will read and render: the limits that keep hostile input cheap.

Every limit has a safe default. The person running presser (who is trusted,
unlike release and template authors) may change them for a workspace in an
optional ``presser.yaml`` at its root::

    limits:
      max_file_bytes: 2097152
      render_timeout_seconds: 120

That file is read by the same strict loader as releases, and checked as
strictly: an unknown setting or a value that is not a positive number is a
positioned problem. See SECURITY.md for what each limit guards against.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..errors import Problem
    from .loading import Document

SETTINGS_FILE = "presser.yaml"


@dataclass(frozen=True)
class Limits:
    """The limits in force for one workspace; each field documents its unit."""

    max_file_bytes: int = field(
        default=1024 * 1024, metadata={"doc": "Size of one release or organisation file, bytes."}
    )
    max_depth: int = field(default=32, metadata={"doc": "Nesting of YAML mappings and lists."})
    max_string_chars: int = field(
        default=100_000, metadata={"doc": "Characters in one text field (or key)."}
    )
    max_list_items: int = field(default=1_000, metadata={"doc": "Items in one list."})
    max_word_chars: int = field(
        default=2_000,
        metadata={
            "doc": "Characters in one word (a run without spaces or line breaks). The PDF "
            "breaks a word too long for its line, at a cost that grows with the square of "
            "the word's length."
        },
    )
    max_markdown_nesting: int = field(
        default=20,
        metadata={
            "doc": "Nesting of Markdown blocks and inline marks (a quote costs 1, a list "
            "level 2, a paragraph 1; emphasis and links inside a paragraph count again)."
        },
    )
    max_image_bytes: int = field(
        default=20 * 1024 * 1024, metadata={"doc": "Size of one image file, bytes."}
    )
    max_image_pixels: int = field(
        default=50_000_000,
        metadata={"doc": "Width x height of one image (decompression bombs)."},
    )
    max_output_bytes: int = field(
        default=8 * 1024 * 1024,
        metadata={
            "doc": "Size of what a template makes for one release (the page with its inlined "
            "stylesheet, or the PDF's HTML), bytes; counted as it is made."
        },
    )
    render_timeout_seconds: float = field(
        default=60.0, metadata={"doc": "Time to render one release in all formats, seconds."}
    )


DEFAULT_LIMITS = Limits()


def limit_docs() -> list[tuple[str, object, str]]:
    """(name, default, description) of every limit, for the docs."""
    return [(f.name, f.default, str(f.metadata["doc"])) for f in fields(Limits)]


def human_bytes(size: int) -> str:
    """``1048576`` -> ``1 MiB``; sizes that are not whole KiB/MiB as bytes."""
    for unit, factor in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor:,} {unit}"
    return f"{size:,} bytes"


def limits_from_settings(document: Document) -> tuple[Limits, list[Problem]]:
    """The limits a loaded ``presser.yaml`` sets, and every problem in it.

    Values arrive as text (the loader types nothing); each must be a positive
    whole number, or for ``render_timeout_seconds`` a positive number. With
    problems, the defaults are returned alongside them.
    """
    problems: list[Problem] = []
    data = document.data
    if data is None:  # an empty file sets nothing
        return DEFAULT_LIMITS, problems
    if not isinstance(data, dict):
        problems.append(document.problem((), "presser.yaml is a mapping of settings (limits: …)"))
        return DEFAULT_LIMITS, problems
    for key in data:
        if key not in _TOP_LEVEL:
            problems.append(
                document.problem((key,), _unknown("setting", key, _TOP_LEVEL), at_key=True)
            )
    section = data.get("limits")
    if section is None:
        return DEFAULT_LIMITS, problems
    if not isinstance(section, dict):
        problems.append(document.problem(("limits",), "limits: is a mapping of limit: value"))
        return DEFAULT_LIMITS, problems
    kinds = {f.name: f.type for f in fields(Limits)}
    values: dict[str, Any] = {}
    for key, raw in section.items():
        where = ("limits", key)
        if key not in kinds:
            problems.append(document.problem(where, _unknown("limit", key, kinds), at_key=True))
            continue
        whole = kinds[key] == "int"
        value = _number(raw, whole=whole)
        if value is None:
            kind = "a positive whole number" if whole else "a positive number"
            problems.append(document.problem(where, f"must be {kind}, such as 1048576"))
            continue
        values[key] = value
    if problems:
        return DEFAULT_LIMITS, problems
    return replace(DEFAULT_LIMITS, **values), problems


# Top-level settings presser.yaml may hold; each is a section of its own.
_TOP_LEVEL = ("limits",)


def _unknown(kind: str, key: str, known: Any) -> str:
    from ..errors import printable

    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(sorted(known))})"
    return f"unknown {kind} {printable(key)}{hint}"


def _number(raw: object, *, whole: bool) -> int | float | None:
    if not isinstance(raw, str):
        return None
    text = raw.strip().replace("_", "")
    try:
        value: int | float = int(text) if whole else float(text)
    except ValueError:
        return None
    # nan and inf are not limits; 0 or less would refuse everything.
    if value != value or value in (float("inf"),) or value <= 0:
        return None
    return value
