"""IPTC NewsML-G2 2.35 of a release: ``<stem>.newsml.xml``, one ``newsItem``.

The mapping follows the ninjs one (:mod:`presser.render.ninjs`; the shared
choices are in :mod:`presser.render.iptc`), in NewsML-G2's own terms:

- ``guid`` is the release's identifier for every version, ``version`` counts
  from 1; a corrected version carries ``signal qcode="sig:correction"`` and
  its correction notices as ``edNote`` (Superdesk's formatter never emits the
  signal: it compares ``"Corrected"`` with lower-case states);
- ``itemMeta``: ``itemClass ninat:text``, the provider, ``versionCreated``,
  ``firstCreated``, ``embargoed`` while the copy is embargoed, ``pubStatus``,
  and a ``link`` per image (``irel:seeAlso``, with its media type; ``href``
  when a base URL is known, else a ``residref`` to the image's identifier),
  and one per other language version of the release (``irel:seeAlso`` to its
  item id, with its ``xml:lang`` and headline as ``title``);
- ``contentMeta``: ``located`` (the dateline), ``infoSource`` (the sender,
  its press contacts as ``contactInfo``), the release's contacts as
  ``contributor``, the people quoted and the tags as ``subject``, ``genre``
  ``genre:Press_Release``, ``headline`` (roles ``hld:main``/``hld:sub``),
  ``description`` (the lead, ``drol:summary``), ``language``;
- ``contentSet``: the lead and body as XHTML (``inlineXML``) and as plain text
  (``inlineData``).

Written with :mod:`xml.etree.ElementTree`, so every value is escaped by the
serialiser; the Markdown's HTML is re-parsed into XHTML elements
(:func:`xhtml_fragment`), never pasted as a string.
"""

from __future__ import annotations

from html.parser import HTMLParser
from xml.etree import ElementTree as ET

from .context import ContactContext, ReleaseContext
from .iptc import (
    GENRE_QCODE,
    ExportFacts,
    body_html,
    correction_note,
    image_href,
    image_uri,
    release_uri,
)
from .text import body_text

NAR = "http://iptc.org/std/nar/2006-10-01/"
XHTML = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: IPTC's catalog of the standard schemes (ninat, stat, sig, genre, drol, hld, irel, cpnat…).
CATALOG = "http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_38.xml"
_VOID = frozenset({"br", "hr", "img", "wbr", "col", "area", "source", "track", "input"})


def render_newsml(context: ReleaseContext, facts: ExportFacts) -> bytes:
    """The NewsML-G2 ``newsItem`` of one release as UTF-8 XML, one final newline."""
    ET.register_namespace("", NAR)
    ET.register_namespace("h", XHTML)
    item = newsml_item(context, facts)
    ET.indent(item, space="  ")
    text = ET.tostring(item, encoding="unicode", xml_declaration=False)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode("utf-8")


def _nar(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NAR}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def newsml_item(context: ReleaseContext, facts: ExportFacts) -> ET.Element:
    """The ``newsItem`` element of one release."""
    org = context.organisation
    item = ET.Element(
        f"{{{NAR}}}newsItem",
        {
            "guid": facts.uri,
            "version": str(context.version),
            "standard": "NewsML-G2",
            "standardversion": "2.35",
            "conformance": "power",
            XML_LANG: context.language,
        },
    )
    _nar(item, "catalogRef", href=CATALOG)
    _nar(item, "rightsInfo").append(_party("copyrightHolder", org.name, org.slug))

    meta = _nar(item, "itemMeta")
    _nar(meta, "itemClass", qcode="ninat:text")
    meta.append(_party("provider", org.name, org.slug))
    _nar(meta, "versionCreated", facts.version_created)
    _nar(meta, "firstCreated", facts.first_created)
    if context.embargo_line is not None and context.embargo is not None:
        _nar(meta, "embargoed", context.embargo.iso)
    _nar(meta, "pubStatus", qcode="stat:usable" if facts.usable else "stat:withheld")
    _nar(meta, "generator", "presser", versioninfo=context.generator.split()[-1])
    note = correction_note(context)
    if note:
        _nar(meta, "edNote", note)
        _nar(meta, "signal", qcode="sig:correction")
    for image in facts.images:
        href = image_href(facts, image)
        where = {"href": href} if href else {"residref": image_uri(facts.uri, image.id)}
        _nar(
            meta,
            "link",
            rel="irel:seeAlso",
            contenttype=image.media_type,
            title=image.file_name,
            **where,
        )
    for version in context.language_versions:
        if version.current:
            continue
        # The same release in another language: by its own item id, language and headline.
        link = _nar(
            meta,
            "link",
            rel="irel:seeAlso",
            residref=release_uri(org.slug, version.stem),
            contenttype="application/vnd.iptc.g2.newsitem+xml",
            title=version.headline,
        )
        link.set(XML_LANG, version.language)

    content = _nar(item, "contentMeta")
    if context.dateline:
        located = _nar(content, "located")
        _nar(located, "name", context.dateline)
    source = _party("infoSource", org.name, org.slug, role="isrol:originfo")
    details = _nar(source, "organisationDetails")
    for contact in context.press_contacts:
        details.append(_contact_info(contact, "press contact"))
    if org.website:
        info = _nar(details, "contactInfo")
        _nar(info, "web", org.website)
    content.append(source)
    content.append(_party("creator", org.name, org.slug))
    for contact in context.contacts:
        contributor = _nar(content, "contributor", literal=contact.name or contact.role or "")
        _nar(contributor, "name", contact.name or contact.role or "")
        person = _nar(contributor, "personDetails")
        person.append(_contact_info(contact, "for more information"))
    quoted: list[str] = []
    for block in context.body:
        speaker = block.quote.speaker if block.quote else None
        if speaker and speaker not in quoted:
            quoted.append(speaker)
    for name in quoted:
        subject = _nar(content, "subject", type="cpnat:person")
        _nar(subject, "name", name)
    for tag in context.tags:
        subject = _nar(content, "subject", type="cpnat:abstract")
        _nar(subject, "name", tag)
    genre = _nar(content, "genre", qcode=GENRE_QCODE)
    _nar(genre, "name", context.type_label)
    _nar(content, "headline", context.headline, role="hld:main")
    if context.subheadline:
        _nar(content, "headline", context.subheadline, role="hld:sub")
    if context.lead_text:
        _nar(content, "description", context.lead_text, role="drol:summary")
    _nar(content, "language", tag=context.language)

    content_set = _nar(item, "contentSet")
    inline = _nar(content_set, "inlineXML", contenttype="application/xhtml+xml")
    lead = f"<p>{context.lead_html}</p>" if context.lead_html else ""
    inline.append(xhtml_fragment(context.headline, lead + str(body_html(context))))
    _nar(content_set, "inlineData", body_text(context), contenttype="text/plain")
    return item


def _party(tag: str, name: str, literal: str, **attrs: str) -> ET.Element:
    element = ET.Element(f"{{{NAR}}}{tag}", {"literal": literal, **attrs})
    _nar(element, "name", name)
    return element


def _contact_info(contact: ContactContext, what: str) -> ET.Element:
    """A contact as ``contactInfo``: who (a note), then e-mail and numbers."""
    info = ET.Element(f"{{{NAR}}}contactInfo")
    if contact.email:
        _nar(info, "email", contact.email)
    for number, kind in ((contact.phone_uri, "fixed"), (contact.mobile_uri, "mobile")):
        if number:
            _nar(info, "phone", number.removeprefix("tel:"), role=f"iptc:{kind}")
    who = ", ".join(p for p in (contact.name, contact.role, contact.organisation) if p)
    _nar(info, "note", f"{who} ({what})")
    return info


def xhtml_fragment(title: str, html: str) -> ET.Element:
    """An XHTML document holding ``html`` (presser's own safe HTML) as its body."""
    root = ET.Element(f"{{{XHTML}}}html")
    head = ET.SubElement(root, f"{{{XHTML}}}head")
    ET.SubElement(head, f"{{{XHTML}}}title").text = title
    body = ET.SubElement(root, f"{{{XHTML}}}body")
    builder = _XhtmlBuilder(body)
    builder.feed(html)
    builder.close()
    return root


class _XhtmlBuilder(HTMLParser):
    """HTML as the Markdown renderer writes it, into XHTML elements (void ones closed)."""

    def __init__(self, body: ET.Element) -> None:
        super().__init__(convert_charrefs=True)
        self._stack = [body]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = ET.SubElement(
            self._stack[-1], f"{{{XHTML}}}{tag}", {k: v or "" for k, v in attrs}
        )
        if tag not in _VOID:
            self._stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        ET.SubElement(self._stack[-1], f"{{{XHTML}}}{tag}", {k: v or "" for k, v in attrs})

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._stack) - 1, 0, -1):
            if self._stack[index].tag == f"{{{XHTML}}}{tag}":
                del self._stack[index:]
                return

    def handle_data(self, data: str) -> None:
        parent = self._stack[-1]
        if len(parent):
            last = parent[-1]
            last.tail = (last.tail or "") + data
        else:
            parent.text = (parent.text or "") + data
