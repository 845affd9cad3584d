"""Markdown in release text fields, rendered to safe HTML or to plain-text blocks.

One markdown-it-py parser (``js-default`` preset: no raw HTML, no linkify, no
typographer) serves every output, with these house rules applied after parsing:

- **Links** are kept only for the schemes ``http``, ``https``, ``mailto`` and
  ``tel`` (scheme matched case-insensitively and written lower-case in the
  output). Any other link -- relative, ``javascript:``, ``vbscript:``,
  ``data:``, ``file:``, however cased, padded or entity-encoded -- loses its
  href and keeps only its text. Link titles are dropped.
- **Images** are not supported in text fields (images are placed with
  ``image: ID``): ``![alt](src)`` renders as its alt text, never as ``<img>``.
- **Headings** are demoted so that the release headline stays the page's only
  ``h1``: ``#`` and ``##`` become ``h2``; ``###`` and deeper become ``h3``.
- **Tables and strikethrough** (``js-default`` extras) are switched off: a
  press release has no use for them and the wire copy cannot show them.
- **Code blocks** lose their language class; in the wire copy they become
  paragraphs with their line breaks kept.
- **Nesting** is limited by ``max_markdown_nesting`` (:mod:`presser.source.limits`,
  default 20): :func:`depth` counts token levels (a quote costs one, a list
  level two: the list and its item; a paragraph one) plus the nesting of
  emphasis and links inside a paragraph, so about eight nested lists or
  eighteen nested quotes. Validation refuses deeper text with its position
  (:func:`too_deep`), so nothing is silently lost; the renderer's parser is
  capped at the limit as well, which keeps it clear of RecursionError (it
  drops what is deeper) on text that never went through validation.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from .limits import DEFAULT_LIMITS

__all__ = [
    "MAX_NESTING",
    "TextBlock",
    "TextLink",
    "allowed_url",
    "depth",
    "inline_to_html",
    "inline_to_text",
    "to_html",
    "to_text_blocks",
]

MAX_NESTING = DEFAULT_LIMITS.max_markdown_nesting

_ALLOWED_SCHEME_RE = re.compile(r"(https?|mailto|tel):", re.IGNORECASE)
# Inline whitespace only: a no-break space is the author's choice and stays.
_INLINE_SPACE_RE = re.compile(r"[ \t\r\f\v]+")
_ASCII_SPACE = " \t\r\n\f\v"


@dataclass(frozen=True)
class TextLink:
    """A link in plain text: its text stands in the sentence, its URL apart."""

    text: str
    url: str


@dataclass(frozen=True)
class TextBlock:
    """One block of body text for the plain-text wire copy.

    ``text`` has all markup removed, inline whitespace collapsed to single
    spaces and hard line breaks kept as ``"\\n"``. ``level`` is the heading level
    after demotion (2 or 3); for list items the list depth (1 = top level); for
    quotes the blockquote depth (1 = ``>``); for paragraphs 0, or the depth of
    the list item they continue (a second paragraph of an item). ``number`` is
    the item's number in a numbered list, else 0.
    """

    kind: Literal["heading", "paragraph", "bullet", "numbered", "quote"]
    text: str
    links: tuple[TextLink, ...]
    level: int = 0
    number: int = 0


def allowed_url(url: str) -> str | None:
    """Return ``url`` with its scheme lower-cased if the scheme is allowed, else None."""
    match = _ALLOWED_SCHEME_RE.match(url)
    if match is None:
        return None
    return match.group(1).lower() + url[match.end(1) :]


class _ReleaseMarkdown(MarkdownIt):
    """markdown-it with every link destination accepted at parse time.

    markdown-it's own check rejects a link by leaving its whole source
    (``[text](javascript:...)``) as literal text. We want a refused link to keep
    just its text, so the parser accepts every destination and
    ``_sanitize`` unwraps the ones :func:`allowed_url` refuses.
    """

    def validateLink(self, url: str) -> bool:
        return True


def _demoted_heading_tag(tag: str) -> str:
    return "h2" if tag in ("h1", "h2") else "h3"


def _sanitize_inline(children: Sequence[Token]) -> list[Token]:
    """Unwrap refused links, turn images into their alt text, drop link titles."""
    result: list[Token] = []
    kept_links: list[bool] = []
    for token in children:
        if token.type == "image":
            text, _ = _plain_inline(token.children or [])
            result.append(Token("text", "", 0, content=text))
        elif token.type == "link_open":
            href = allowed_url(str(token.attrs.get("href", "")))
            kept_links.append(href is not None)
            if href is not None:
                token.attrs = {"href": href}
                result.append(token)
        elif token.type == "link_close":
            # Links cannot nest in CommonMark; the stack just keeps open/close paired.
            if kept_links.pop() if kept_links else False:
                result.append(token)
        else:
            result.append(token)
    return result


def _sanitize(state: StateCore) -> None:
    """Core rule run after parsing: apply the house rules listed in the module doc."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = _demoted_heading_tag(token.tag)
        elif token.type == "fence":
            token.info = ""  # no class="language-..." attribute
        elif token.type == "inline" and token.children is not None:
            token.children = _sanitize_inline(token.children)


@functools.lru_cache(maxsize=8)
def _make_parser(max_nesting: int = MAX_NESTING) -> MarkdownIt:
    md = _ReleaseMarkdown("js-default", {"maxNesting": max_nesting})
    md.disable(["table", "strikethrough"])
    md.core.ruler.push("presser_sanitize", _sanitize)
    return md


_MD = _make_parser()


def depth(source: str, *, inline: bool = False, max_nesting: int = MAX_NESTING) -> int:
    """How deeply ``source`` nests: block token levels plus inline nesting within them.

    Parsed with two levels of slack over ``max_nesting``, so that text the
    renderer's parser would cut at its cap always measures deeper than it.
    """
    md = _make_parser(max_nesting + 2)
    tokens = _inline_tokens(source, md) if inline else md.parse(source)
    deepest = 0
    for token in tokens:
        inner = 0
        if token.children:
            level = 0
            for child in token.children:
                level += child.nesting
                inner = max(inner, level)
        deepest = max(deepest, token.level + inner)
    return deepest


def too_deep(source: str, *, inline: bool = False, max_nesting: int = MAX_NESTING) -> str | None:
    """A message when ``source`` nests deeper than ``max_nesting``, else None."""
    found = depth(source, inline=inline, max_nesting=max_nesting)
    if found <= max_nesting:
        return None
    return (
        f"Markdown nested {found} levels deep (quotes, lists, emphasis); the limit is "
        f"{max_nesting} (max_markdown_nesting)"
    )


def to_html(source: str, *, max_nesting: int = MAX_NESTING) -> str:
    """Render block Markdown to a safe HTML fragment."""
    html: str = _make_parser(max_nesting).render(source)
    return html


def _inline_tokens(source: str, md: MarkdownIt = _MD) -> list[Token]:
    """Parse ``source`` as a single run of inline Markdown (no block syntax)."""
    tokens = md.parseInline(source.strip(_ASCII_SPACE))
    for token in tokens:
        if token.children is None:
            continue
        # A line break in the lead is a space; a blank line is one space too.
        children: list[Token] = []
        for child in token.children:
            if child.type == "softbreak":
                if children and children[-1].type == "text" and children[-1].content == " ":
                    continue
                child = Token("text", "", 0, content=" ")
            children.append(child)
        token.children = children
    return tokens


def inline_to_html(source: str, *, max_nesting: int = MAX_NESTING) -> str:
    """Render inline Markdown (the lead) to safe HTML without a ``<p>`` wrapper.

    Block syntax is not interpreted (``# x`` and ``- x`` stay text); line breaks
    become spaces, except explicit hard breaks (two trailing spaces or a
    backslash), which become ``<br>``.
    """
    md = _make_parser(max_nesting)
    html: str = md.renderer.render(_inline_tokens(source, md), md.options, {})
    return html


def _collapse(text: str) -> str:
    lines = (_INLINE_SPACE_RE.sub(" ", line).strip(" ") for line in text.split("\n"))
    return "\n".join(lines).strip("\n")


def _plain_inline(children: Sequence[Token]) -> tuple[str, tuple[TextLink, ...]]:
    """Plain text and links of sanitized inline tokens."""
    parts: list[str] = []
    links: list[TextLink] = []
    link_start: int | None = None
    link_href = ""
    for token in children:
        if token.type in ("text", "text_special", "code_inline"):
            # Text tokens hold no newlines; "\n" is reserved for hard breaks.
            parts.append(token.content.replace("\n", " "))
        elif token.type == "softbreak":
            parts.append(" ")
        elif token.type == "hardbreak":
            parts.append("\n")
        elif token.type == "image":
            parts.append(_plain_inline(token.children or [])[0])
        elif token.type == "link_open":
            link_start = len(parts)
            link_href = str(token.attrs.get("href", ""))
        elif token.type == "link_close" and link_start is not None:
            links.append(TextLink(_collapse("".join(parts[link_start:])), link_href))
            link_start = None
    return _collapse("".join(parts)), tuple(links)


def inline_to_text(
    source: str, *, max_nesting: int = MAX_NESTING
) -> tuple[str, tuple[TextLink, ...]]:
    """Inline Markdown (the lead) to plain text and its links, in order."""
    children: list[Token] = []
    for token in _inline_tokens(source, _make_parser(max_nesting)):
        children.extend(token.children or [])
    return _plain_inline(children)


@dataclass
class _List:
    kind: Literal["bullet", "numbered"]
    next_number: int


@dataclass
class _Item:
    kind: Literal["bullet", "numbered"]
    depth: int
    number: int
    # False until the item's first paragraph (or nested block) has been emitted.
    emitted: bool = False


@dataclass
class _Quote:
    depth: int


@dataclass
class _Walker:
    """Turns the flat token stream into TextBlocks, tracking list and quote nesting."""

    blocks: list[TextBlock] = field(default_factory=list)
    stack: list[_List | _Item | _Quote] = field(default_factory=list)

    def _list_depth(self) -> int:
        return sum(isinstance(frame, _List) for frame in self.stack)

    def _quote_depth(self) -> int:
        return sum(isinstance(frame, _Quote) for frame in self.stack)

    def flush_item(self) -> None:
        """Emit the enclosing item (empty) before a nested block, to keep order."""
        top = self.stack[-1] if self.stack else None
        if isinstance(top, _Item) and not top.emitted:
            self._emit_item(top, "", ())

    def _emit_item(self, item: _Item, text: str, links: tuple[TextLink, ...]) -> None:
        number = item.number if item.kind == "numbered" else 0
        self.blocks.append(TextBlock(item.kind, text, links, item.depth, number))
        item.emitted = True

    def paragraph(self, text: str, links: tuple[TextLink, ...]) -> None:
        top = self.stack[-1] if self.stack else None
        if isinstance(top, _Item) and not top.emitted:
            self._emit_item(top, text, links)
        elif not text:
            return
        elif isinstance(top, _Item):
            self.blocks.append(TextBlock("paragraph", text, links, top.depth))
        elif isinstance(top, _Quote):
            self.blocks.append(TextBlock("quote", text, links, top.depth))
        else:
            self.blocks.append(TextBlock("paragraph", text, links))

    def heading(self, tag: str, text: str, links: tuple[TextLink, ...]) -> None:
        self.flush_item()
        if text:
            self.blocks.append(TextBlock("heading", text, links, int(tag[1:])))

    def open_list(self, kind: Literal["bullet", "numbered"], start: int) -> None:
        self.flush_item()
        self.stack.append(_List(kind, start))

    def open_item(self) -> None:
        parent = self.stack[-1]
        assert isinstance(parent, _List)
        self.stack.append(_Item(parent.kind, self._list_depth(), parent.next_number))
        parent.next_number += 1

    def close_item(self) -> None:
        item = self.stack.pop()
        assert isinstance(item, _Item)
        if not item.emitted:
            self._emit_item(item, "", ())

    def open_quote(self) -> None:
        self.flush_item()
        self.stack.append(_Quote(self._quote_depth() + 1))


def to_text_blocks(source: str, *, max_nesting: int = MAX_NESTING) -> list[TextBlock]:
    """Block Markdown to blocks for the plain-text wire copy.

    Every paragraph, heading, list item and quoted paragraph becomes one block,
    in source order. Code blocks become paragraphs (line breaks kept);
    thematic breaks are left out; empty paragraphs and headings are skipped.
    """
    walker = _Walker()
    tokens = _make_parser(max_nesting).parse(source)
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "bullet_list_open":
            walker.open_list("bullet", 0)
        elif kind == "ordered_list_open":
            walker.open_list("numbered", int(token.attrs.get("start", 1)))
        elif kind in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            walker.stack.pop()
        elif kind == "list_item_open":
            walker.open_item()
        elif kind == "list_item_close":
            walker.close_item()
        elif kind == "blockquote_open":
            walker.open_quote()
        elif kind == "paragraph_open":
            walker.paragraph(*_plain_inline(tokens[index + 1].children or []))
        elif kind == "heading_open":
            walker.heading(token.tag, *_plain_inline(tokens[index + 1].children or []))
        elif kind in ("fence", "code_block"):
            walker.paragraph(token.content.rstrip("\n"), ())
        elif kind == "hr":
            walker.flush_item()
    return walker.blocks
