"""How much presser will read and render: the limits that keep hostile input cheap.

Every limit has a safe default. The person running presser (who is trusted,
unlike release and template authors) may change them for a workspace; see
SECURITY.md for what each one guards against.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass(frozen=True)
class Limits:
    """The limits in force for one workspace; each field documents its unit."""

    max_file_bytes: int = field(
        default=1024 * 1024, metadata={"doc": "Size of one release or organisation file, bytes."}
    )
    max_depth: int = field(default=32, metadata={"doc": "Nesting of YAML mappings and lists."})
    max_string_chars: int = field(
        default=100_000, metadata={"doc": "Characters in one text field."}
    )
    max_list_items: int = field(default=1_000, metadata={"doc": "Items in one list."})
    max_markdown_nesting: int = field(
        default=20, metadata={"doc": "Nesting of Markdown blocks and inline marks."}
    )
    max_image_bytes: int = field(
        default=20 * 1024 * 1024, metadata={"doc": "Size of one image file, bytes."}
    )
    max_image_pixels: int = field(
        default=50_000_000,
        metadata={"doc": "Width x height of one image (decompression bombs)."},
    )
    render_timeout_seconds: float = field(
        default=60.0, metadata={"doc": "Time to render one release in all formats, seconds."}
    )


DEFAULT_LIMITS = Limits()


def limit_docs() -> list[tuple[str, object, str]]:
    """(name, default, description) of every limit, for the docs."""
    return [(f.name, f.default, str(f.metadata["doc"])) for f in fields(Limits)]
