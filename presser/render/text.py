"""Plain-text newswire copy of a release, in a named wire style.

Two styles, :data:`WIRE_STYLES`:

``nordic``
    The layout of the two transcribed releases in releases/, line for line, under
    the embargo line when there is one (the wires read the first line first)::

        (embargo line)

        Regionförbundet Jönköpings län
        (department)

        Headline
        (subheadline)

        Pressmeddelande   •   Jan 28, 2010 09:52 CET

        (correction notices, one a line)

        Lead.

        Body paragraphs, quotes ("– …, säger …"), bullets ("• item"),
        one blank line between them. A subheading sits on its own line
        directly above its paragraph.

        » Läs mer om konferensen
          https://…

        (the other language versions: "Även på engelska: <headline>", one a line)

        För mer information
        first contact's line

        next contact's line

        Presskontakt
        press contact's line

        Boilerplate.

    Unwrapped by default.

``us``
    ``FOR IMMEDIATE RELEASE`` (or the embargo line), the headline, any
    correction notices, then the
    lead opened by the dateline ``OAKLAND, Calif., January 28, 2010 /Org/ --``,
    the body, the links as ``text: url``, ``About Org`` with the boilerplate,
    the contacts one field a line, the other language versions (``Also in
    Swedish: <headline>``, one a line), and ``###``. Wrapped at 72 columns by
    default. The dateline's date is in the release's language (a Swedish
    release: ``STOCKHOLM, 22 januari 2010 /Org/ --``), as is every word
    around it; the phone numbers are in international form (``+46 36 10 50
    00``), as the wire's readers are abroad.

Shared rules:

- An inline link keeps its text in the sentence; the link's address follows
  its paragraph on a line of its own, ``  {text}: {url}`` (``mailto:`` and
  ``tel:`` shown as the bare address; a link whose text already is its address
  is not repeated). So no address ever lands inside a quoted sentence.
- An image is a line ``[Foto: credit] caption`` (the alt text when there is no
  caption; ``[Foto]`` when there is no credit): the wire carries no pictures,
  but the desk should know one exists.
- A Markdown blockquote is indented four spaces per level; list items are
  ``• item`` (``1. item`` when numbered), two spaces deeper per nesting level.
- Wrapping (``width`` > 0) uses :mod:`textwrap` without breaking long words
  or at hyphens, so URLs and e-mail addresses are never split. A link line
  wraps like any paragraph, its continuation two spaces deeper; an address
  longer than the width stands alone on its line, so no line is longer than
  the width unless it is a lone address.
- ``ascii_only`` transliterates every line through
  :func:`presser.render.transliterate.to_ascii` before wrapping, so the width holds
  for the ASCII text (``…`` becomes three characters).
- Plain text is not escaped: ``<script>`` stays literal. Control characters
  (which validation should already keep out) are removed; tabs become spaces.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..source.fields import WIRE_STYLES
from ..source.markdown import TextBlock, TextLink
from .context import BlockContext, ContactContext, ReleaseContext
from .transliterate import to_ascii

__all__ = ["DEFAULT_WIDTHS", "WIRE_STYLES", "render_text"]

#: Wrapping width when none is given: the transcribed releases are unwrapped; US wires
#: use 72 columns.
DEFAULT_WIDTHS: dict[str, int] = {"nordic": 0, "us": 72}

_BULLET = "•"
_LINK_BULLET = "»"
_TYPE_SEPARATOR = "   •   "
_QUOTE_INDENT = "    "
_LINK_INDENT = "  "


@dataclass(frozen=True)
class _Line:
    """One logical line before wrapping: ``first`` opens it, ``rest`` indents continuations."""

    text: str
    first: str = ""
    rest: str = ""
    wrap: bool = True  # False for a line that must stay whole (a phone number, "###")


@dataclass
class _Chunk:
    """A paragraph-like group of lines; chunks are separated by one blank line."""

    lines: list[_Line]
    kind: str = "paragraph"
    # A heading (or a contacts label) runs straight into what follows, as in the
    # transcribed releases.
    attach: bool = False


def render_text(
    context: ReleaseContext,
    *,
    wire: str = "nordic",
    width: int | None = None,
    ascii_only: bool = False,
) -> bytes:
    """Render ``context`` as newswire plain text: UTF-8, LF line endings, one final newline.

    ``width`` None means the wire's default (:data:`DEFAULT_WIDTHS`); 0 means no wrapping.
    """
    if wire not in WIRE_STYLES:
        raise ValueError(f"unknown wire style {wire!r}; expected one of {', '.join(WIRE_STYLES)}")
    chosen = DEFAULT_WIDTHS[wire] if width is None else width
    if chosen < 0:
        raise ValueError(f"width must be 0 (no wrapping) or positive, not {width}")
    chunks = _nordic(context) if wire == "nordic" else _us(context, chosen)
    convert: Callable[[str], str] = to_ascii if ascii_only else _identity
    text = _layout(chunks, chosen, convert)
    if ascii_only:
        text = to_ascii(text)  # the layout's own characters (bullets) included
    return text.encode("utf-8")


def body_text(context: ReleaseContext) -> str:
    """The lead and the body alone as plain text, unwrapped, laid out as the copy lays them.

    What the IPTC exports carry as their ``text/plain`` body: no headline,
    contacts or boilerplate, which those formats hold in fields of their own.
    """
    chunks: list[_Chunk] = []
    if context.lead_text:
        chunks.append(_paragraph(context.lead_text, context.lead_links))
    chunks += _body(context.body, context.labels.photo)
    return _layout(chunks, 0, _identity)


# --------------------------------------------------------------------------- styles


def _nordic(context: ReleaseContext) -> list[_Chunk]:
    org = context.organisation
    chunks = [
        # First of all, as in the us style: a desk must see the embargo before the story.
        _Chunk(_optional(context.embargo_line), kind="notice"),
        _Chunk([_Line(org.name), *_optional(context.department)], kind="masthead"),
        _Chunk([_Line(context.headline), *_optional(context.subheadline)], kind="headline"),
        _Chunk(
            [_Line(context.type_label + _TYPE_SEPARATOR + context.published.display)],
            kind="dateline",
        ),
        *_corrections(context),
    ]
    if context.lead_text:
        chunks.append(_paragraph(context.lead_text, context.lead_links, kind="lead"))
    chunks += _body(context.body, context.labels.photo)
    for link in context.links:
        chunks.append(
            _Chunk(
                [
                    _Line(f"{_LINK_BULLET} {link.text}", rest=_LINK_INDENT),
                    _Line(link.url, first=_LINK_INDENT),
                ],
                kind="link",
            )
        )
    chunks += _language_versions(context)
    labels = context.labels
    chunks += _contacts(labels.more_information, context.contacts, _nordic_contact)
    chunks += _contacts(labels.press_contact, context.press_contacts, _nordic_contact)
    chunks += [_Chunk([_Line(p)], kind="boilerplate") for p in context.boilerplate]
    return chunks


def _us(context: ReleaseContext, width: int) -> list[_Chunk]:
    labels = context.labels
    notice = context.embargo_line or labels.for_immediate_release
    chunks = [
        _Chunk([_Line(notice)], kind="notice"),
        _Chunk([_Line(context.headline), *_optional(context.subheadline)], kind="headline"),
        *_corrections(context),
    ]
    text: list[_Chunk] = []
    if context.lead_text:
        text.append(_paragraph(context.lead_text, context.lead_links, kind="lead"))
    text += _body(context.body, labels.photo)
    chunks += _with_dateline(text, _us_dateline(context))
    if context.links:
        chunks.append(
            _Chunk(
                [_Line(f"{link.text}: {link.url}", rest=_LINK_INDENT) for link in context.links],
                kind="links",
            )
        )
    if context.boilerplate:
        chunks.append(_Chunk([_Line(context.about_heading)], kind="heading", attach=True))
        chunks += [_Chunk([_Line(p)], kind="boilerplate") for p in context.boilerplate]
    more = _contacts(labels.more_information, context.contacts, _us_contact(context))
    press = _contacts(labels.press_contact, context.press_contacts, _us_contact(context))
    chunks += more + press
    chunks += _language_versions(context)
    end = "###".center(width).rstrip() if width else "###"
    chunks.append(_Chunk([_Line(end, wrap=False)], kind="end"))
    return chunks


def _corrections(context: ReleaseContext) -> list[_Chunk]:
    """The correction notices, one line each, above the text they correct."""
    if not context.corrections:
        return []
    return [_Chunk([_Line(c.line) for c in context.corrections], kind="correction")]


def _language_versions(context: ReleaseContext) -> list[_Chunk]:
    """The release's other languages, one line each (``Även på engelska: <headline>``)."""
    lines = [_Line(v.line) for v in context.language_versions if not v.current]
    return [_Chunk(lines, kind="languages")] if lines else []


def _us_dateline(context: ReleaseContext) -> str:
    """``OAKLAND, Calif., January 28, 2010 /Org/ --``; the place is left out when unknown."""
    parts = []
    if context.dateline:
        # The city goes in capitals; what follows it ("Calif.") is printed as written (AP).
        city, comma, rest = context.dateline.partition(",")
        parts.append(city.upper() + comma + rest)
    parts.append(context.published.us_date)
    return ", ".join(parts) + f" /{context.organisation.name}/ --"


def _with_dateline(chunks: list[_Chunk], dateline: str) -> list[_Chunk]:
    """Open the first running-text paragraph with the dateline (or give it a line of its own)."""
    for chunk in chunks:
        if chunk.kind in ("lead", "paragraph", "quote") and chunk.lines:
            first = chunk.lines[0]
            opened = _Line(f"{dateline} {first.text}", first.first, first.rest, first.wrap)
            chunk.lines = [opened, *chunk.lines[1:]]
            return chunks
    return [_Chunk([_Line(dateline)], kind="lead"), *chunks]


# --------------------------------------------------------------------------- body


def _optional(text: str | None) -> list[_Line]:
    return [_Line(text)] if text else []


def _link_lines(links: Iterable[TextLink], indent: str = _LINK_INDENT) -> list[_Line]:
    """The addresses of a paragraph's links, one line each, after the paragraph."""
    lines: list[_Line] = []
    seen: set[tuple[str, str]] = set()
    for link in links:
        address = link.url
        for scheme in ("mailto:", "tel:"):
            if address.lower().startswith(scheme):
                address = address[len(scheme) :]
        # The sentence already shows an address that is its own link text.
        if link.text in (link.url, address) or (link.text, address) in seen:
            continue
        seen.add((link.text, address))
        line = f"{link.text}: {address}" if link.text else address
        lines.append(_Line(line, first=indent, rest=indent + _LINK_INDENT))
    return lines


def _paragraph(text: str, links: Iterable[TextLink], *, kind: str = "paragraph") -> _Chunk:
    return _Chunk([_Line(text), *_link_lines(links)], kind=kind)


def _body(blocks: Iterable[BlockContext], photo_label: str) -> list[_Chunk]:
    chunks: list[_Chunk] = []
    for block in blocks:
        if block.kind == "quote" and block.quote is not None:
            chunks.append(_Chunk([_Line(block.quote.text)], kind="quote"))
        elif block.kind == "image" and block.image is not None:
            image = block.image
            credit = f"[{image.credit_line}]" if image.credit_line else f"[{photo_label}]"
            caption = image.caption or image.alt
            chunks.append(_Chunk([_Line(f"{credit} {caption}".strip())], kind="image"))
        elif block.kind == "markdown":
            chunks += _markdown(block.text_blocks)
    if chunks and chunks[-1].kind == "heading":
        # A heading closing the body has nothing of its own to run into.
        chunks[-1].attach = False
    return chunks


def _markdown(blocks: Iterable[TextBlock]) -> list[_Chunk]:
    chunks: list[_Chunk] = []
    in_list = False  # list items and their paragraphs share one chunk: a list is one block
    for block in blocks:
        if block.kind == "heading":
            chunks.append(
                _Chunk([_Line(block.text), *_link_lines(block.links)], "heading", attach=True)
            )
            in_list = False
        elif block.kind in ("bullet", "numbered"):
            depth = "  " * max(block.level - 1, 0)
            mark = f"{block.number}." if block.kind == "numbered" else _BULLET
            lines = [
                _Line(block.text, first=f"{depth}{mark} ", rest=depth + " " * (len(mark) + 1)),
                *_link_lines(block.links, depth + " " * (len(mark) + 1) + _LINK_INDENT),
            ]
            if in_list:
                chunks[-1].lines += lines
            else:
                chunks.append(_Chunk(lines, kind="list"))
            in_list = True
        elif block.kind == "paragraph" and block.level > 0 and in_list:
            # A further paragraph of a list item: aligned with the item's text.
            indent = "  " * block.level
            chunks[-1].lines += [
                _Line(block.text, first=indent, rest=indent),
                *_link_lines(block.links, indent + _LINK_INDENT),
            ]
        elif block.kind == "quote":
            indent = _QUOTE_INDENT * max(block.level, 1)
            chunks.append(
                _Chunk(
                    [
                        _Line(block.text, first=indent, rest=indent),
                        *_link_lines(block.links, indent + _LINK_INDENT),
                    ],
                    kind="blockquote",
                )
            )
            in_list = False
        else:
            chunks.append(_paragraph(block.text, block.links))
            in_list = False
    return chunks


# --------------------------------------------------------------------------- contacts


def _contacts(
    label: str,
    contacts: Iterable[ContactContext],
    lines_of: Callable[[ContactContext], list[_Line]],
) -> list[_Chunk]:
    chunks = [_Chunk(lines_of(contact), kind="contact") for contact in contacts]
    if not chunks:
        return []
    # The label sits directly above the first contact, as in the transcribed releases.
    return [_Chunk([_Line(label)], kind="heading", attach=True), *chunks]


def _nordic_contact(contact: ContactContext) -> list[_Line]:
    return [_Line(contact.line)]


def _capitalised(label: str) -> str:
    return label[:1].upper() + label[1:]


def _us_contact(context: ReleaseContext) -> Callable[[ContactContext], list[_Line]]:
    labels = context.labels

    def lines(contact: ContactContext) -> list[_Line]:
        fields = [contact.name, contact.role, contact.organisation]
        out = [_Line(field) for field in fields if field]
        if contact.phone:
            out.append(_Line(f"{_capitalised(labels.phone)} {contact.phone}", wrap=False))
        if contact.mobile:
            out.append(_Line(f"{_capitalised(labels.mobile)} {contact.mobile}", wrap=False))
        if contact.email:
            out.append(_Line(contact.email, wrap=False))
        return out

    return lines


# --------------------------------------------------------------------------- layout


def _identity(text: str) -> str:
    return text


def _clean(text: str) -> str:
    """Plain text safe to print: LF line breaks, no control characters, tabs as spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").replace("\x85", "\n")
    return "".join(
        " " if ch == "\t" else ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc"
    )


def _wrap(line: _Line, width: int, convert: Callable[[str], str]) -> list[str]:
    first, rest = convert(line.first), convert(line.rest)
    out: list[str] = []
    # A hard line break inside the text starts a new line at the continuation indent.
    for index, part in enumerate(convert(_clean(line.text)).split("\n")):
        opening = first if index == 0 else rest
        if width == 0 or not line.wrap:
            out.append(opening + part)
            continue
        wrapped = textwrap.wrap(
            part,
            width=width,
            initial_indent=opening,
            subsequent_indent=rest,
            break_long_words=False,
            break_on_hyphens=False,
        )
        out += wrapped or [opening]
    return [piece.rstrip() for piece in out]


def _layout(chunks: list[_Chunk], width: int, convert: Callable[[str], str]) -> str:
    out: list[str] = []
    attach = True  # nothing to separate from before the first chunk
    for chunk in chunks:
        lines = [text for line in chunk.lines for text in _wrap(line, width, convert)]
        if not any(lines):
            continue
        if not attach:
            out.append("")
        out += lines
        attach = chunk.attach
    return "\n".join(out).strip("\n") + "\n"
