"""The release's text fields, and their prose with Markdown markup taken out.

Rules read words and sentences from :class:`Prose`, which keeps for every
character the offset it came from in the field's value, so a finding can
point into the YAML file (see :mod:`presser.lint.source`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import FieldPath

#: prose: sentences a reader reads; name: names, roles, credits, tags.
FieldKind = Literal["headline", "prose", "name"]


@dataclass(frozen=True)
class TextField:
    """One text value of the release, as written in the file (before stripping)."""

    path: FieldPath
    value: str
    kind: FieldKind
    markdown: bool = False
    readable: bool = False  #: counts toward readability and sentence length


_CONTACT_FIELDS = ("name", "role", "organisation")


def text_fields(data: dict[str, Any]) -> Iterator[TextField]:
    """Every text value in the release's raw data, with its field path."""

    def get(path: FieldPath) -> Any:
        node: Any = data
        for part in path:
            if isinstance(node, dict) and isinstance(part, str):
                node = node.get(part)
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                return None
        return node

    def text(
        path: FieldPath, kind: FieldKind, *, markdown: bool = False, readable: bool = False
    ) -> Iterator[TextField]:
        value = get(path)
        if isinstance(value, str) and value.strip():
            yield TextField(path, value, kind, markdown, readable)

    def items(name: str) -> range:
        value = data.get(name)
        return range(len(value)) if isinstance(value, list) else range(0)

    yield from text(("headline",), "headline")
    yield from text(("subheadline",), "headline")
    yield from text(("department",), "name")
    yield from text(("dateline",), "name")
    yield from text(("lead",), "prose", markdown=True, readable=True)
    if isinstance(data.get("body"), str):
        yield from text(("body",), "prose", markdown=True, readable=True)
    for index in items("body"):
        yield from text(("body", index), "prose", markdown=True, readable=True)
    for index in items("quotes"):
        for name in ("text", "continued"):
            yield from text(("quotes", index, name), "prose", readable=True)
        for name in ("speaker", "role", "verb", "attribution"):
            yield from text(("quotes", index, name), "name")
    for index in items("links"):
        yield from text(("links", index, "text"), "name")
    for index in items("images"):
        yield from text(("images", index, "alt"), "prose")
        yield from text(("images", index, "caption"), "prose")
        yield from text(("images", index, "credit"), "name")
    for group in ("contacts", "press_contacts"):
        for index in items(group):
            for name in _CONTACT_FIELDS:
                yield from text((group, index, name), "name")
    if isinstance(data.get("boilerplate"), str):
        yield from text(("boilerplate",), "prose")
    for index in items("boilerplate"):
        yield from text(("boilerplate", index), "prose")
    for index in items("tags"):
        yield from text(("tags", index), "name")


@dataclass(frozen=True)
class Prose:
    """A field's text with Markdown markup removed; ``origin[i]`` is where ``text[i]`` was."""

    field: TextField
    text: str
    origin: tuple[int, ...]

    def value_offset(self, index: int) -> int:
        if not self.origin:
            return 0
        return self.origin[min(max(index, 0), len(self.origin) - 1)]


# A paragraph break the sentence splitter never joins across (headings, list items).
BREAK = "\n\n"
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+")
_BLOCKQUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?")
# Inline markup: links and images keep their text, the rest goes. Each repeated
# part stops at the character that would start the next attempt (a link's text
# at "[", its URL at an unbalanced "(", an autolink at "<") and none gives back
# what it took, so a line of "[ [ [" or "<http:<http:" is read once, not once
# per bracket. In "[a [b](u)" the link is "b", as CommonMark reads it.
_INLINE = re.compile(
    r"!?\[(?P<text>[^\[\]\n]*+)\]"
    r"\((?P<url>(?:[^()\s]|\([^()\s]*+\))*+)(?:\s++\"[^\"]*+\")?\)"
    r"|<(?P<auto>(?:https?|mailto|tel):[^<>\s]*+)>"
    r"|(?P<mark>\*\*|__|\*|`|(?<!\w)_(?=\S)|(?<=\S)_(?!\w))"
)


def prose(field: TextField) -> Prose:
    """The words of a field as a reader sees them."""
    if not field.markdown:
        return Prose(field, field.value, tuple(range(len(field.value))))
    chars: list[str] = []
    origin: list[int] = []

    def add(text: str, start: int) -> None:
        chars.extend(text)
        origin.extend(range(start, start + len(text)))

    def add_break(at: int) -> None:
        chars.extend(BREAK)
        origin.extend((at, at))

    offset = 0
    for line in field.value.splitlines(keepends=True):
        marker = _HEADING.match(line) or _LIST_ITEM.match(line) or _BLOCKQUOTE.match(line)
        standalone = bool(marker) and not _BLOCKQUOTE.match(line)
        if standalone and chars:
            add_break(offset)
        start = marker.end() if marker else 0
        _add_inline(line[start:], offset + start, add)
        if standalone:
            add_break(offset + len(line.rstrip("\r\n")))
        offset += len(line)
    return Prose(field, "".join(chars), tuple(origin))


def _add_inline(line: str, base: int, add: Any) -> None:
    position = 0
    for match in _INLINE.finditer(line):
        add(line[position : match.start()], base + position)
        if match.group("text") is not None:
            add(match.group("text"), base + match.start("text"))
        position = match.end()
    add(line[position:], base + position)


def inline_links(value: str) -> Iterator[tuple[str, str, int, int]]:
    """Markdown links in a value: (text, url, text offset, url offset)."""
    for match in _INLINE.finditer(value):
        if match.group("url") is not None and not match.group(0).startswith("!"):
            yield match.group("text"), match.group("url"), match.start("text"), match.start("url")
        elif match.group("auto") is not None:
            yield match.group("auto"), match.group("auto"), match.start("auto"), match.start("auto")


# --------------------------------------------------------------------------- words, sentences

#: A word: letters or digits, joined by inner hyphens, apostrophes or number separators.
WORD = re.compile(r"\w+(?:[-'’.,:/]\w+)*")
_LETTERS = re.compile(r"[^\W\d_]")

# A sentence ends at . ! ? or … (with closing quotes or brackets after them) before
# white space and a capital, a digit or an opening quote; or at a paragraph break.
# A run of stops is tried from its first character only, and no part gives back
# what it took: a run of dots or of spaces is read once, not once per character.
_SENTENCE_END = re.compile(
    r"(?<![.!?…])(?P<stop>[.!?…]++)[\"”’»)\]]*+(?=\s++[\"“”„»«(\[–-]?\s*+[^\W_a-zåäöæøü])"
    r"|(?P<break>\n[ \t]*\n)"
)
# Abbreviations after which a full stop and a capital do not end a sentence.
ABBREVIATIONS = frozenset(
    {
        # en
        "dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr", "no", "vs", "etc", "inc", "ltd",
        "co", "corp", "e.g", "i.e", "u.s", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
        "sep", "sept", "oct", "nov", "dec",
        # sv and the other Nordic languages
        "bl.a", "t.ex", "m.m", "d.v.s", "dvs", "o.s.v", "osv", "p.g.a", "s.k", "f.d", "ca",
        "kl", "resp", "nr", "leg", "fil", "pol", "mag", "med", "ing", "dir", "tf", "fr",
        # de
        "z.b", "bzw", "usw",
    }
)  # fmt: skip


def words(text: str) -> list[re.Match[str]]:
    """Word matches (with positions); a word holds at least one letter or digit."""
    return list(WORD.finditer(text))


def letter_count(word: str) -> int:
    return len(_LETTERS.findall(word))


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text``, without surrounding white space."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group("stop") is not None and match.group("stop") == ".":
            # Only the last few characters: a long run without a sentence end stays linear.
            before = re.search(r"([\w.]+)$", text[max(start, match.start() - 12) : match.start()])
            if before and before.group(1).lower() in ABBREVIATIONS:
                continue
            if before and len(before.group(1)) == 1 and before.group(1).isupper():
                continue  # an initial: "Anna B. Berg"
        end = match.end() if match.group("stop") is not None else match.start()
        spans.append((start, end))
        start = match.end()
    spans.append((start, len(text)))
    trimmed = []
    for begin, end in spans:
        piece = text[begin:end]
        left = len(piece) - len(piece.lstrip())
        right = len(piece.rstrip())
        if piece.strip() and WORD.search(piece):
            trimmed.append((begin + left, begin + right))
    return trimmed
