"""IPTC ninjs 3.1 (News in JSON) of a release: ``<stem>.ninjs.json``.

What agencies and newsroom systems read without a person in between. The
mapping (the shared choices are in :mod:`presser.render.iptc`):

- ``uri``: the release's identifier, the same for every version; ``version``
  counts from "1", one more per correction, and a corrected version carries
  its correction notices in ``edNote``;
- ``headlines`` (roles ``main``, ``sub``), ``descriptions`` (the lead, role
  ``summary``, as text and HTML), ``bodies`` (the lead and body as ``text/html``
  and ``text/plain``), ``located`` (the dateline), ``language``;
- ``embargoedUntil`` while the copy is embargoed; ``pubStatus``;
  ``firstCreated`` / ``versionCreated``;
- ``organisations``: the sender (``rel`` ``publisher``) with its press
  contacts as ``contactInfo``, one entry per phone, mobile and e-mail, named
  after the person (so an agency's desk can call them: Superdesk's ninjs
  formatter drops them);
- ``people``: the release's own contacts (``rel`` ``contact``, with
  ``contactInfo``) and everyone quoted (``rel`` ``quoted``);
- ``subjects``: the tags (``rel`` ``keyword``); ``genres``: ``Press_Release``;
- ``associations``: one picture per image, its caption, credit and alt text,
  and a rendition ``original`` with media type, pixel size and byte size (and
  ``href`` when a base URL is known); then the release's other language
  versions (``translation_of:``), each by its own ``uri``, ``language`` and
  headline, ``rel`` ``original`` for the release this one translates and
  ``translation`` for a translation of it.

Keys are in a fixed order and the JSON is indented, so two renders of one
release are byte for byte the same and a diff of two versions reads.
"""

from __future__ import annotations

import json
from typing import Any

from .context import ContactContext, ReleaseContext
from .iptc import (
    GENRE_URI,
    ExportFacts,
    body_html,
    correction_note,
    image_href,
    image_uri,
    release_uri,
)
from .text import body_text

NINJS_VERSION = "3.1"
NINJS_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json"


def render_ninjs(context: ReleaseContext, facts: ExportFacts) -> bytes:
    """The ninjs document of one release as UTF-8 JSON, one final newline."""
    item = ninjs_item(context, facts)
    return (json.dumps(item, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def ninjs_item(context: ReleaseContext, facts: ExportFacts) -> dict[str, Any]:
    """The ninjs object of one release (the dict :func:`render_ninjs` writes)."""
    item: dict[str, Any] = {
        "uri": facts.uri,
        "standard": {"name": "ninjs", "version": NINJS_VERSION, "schema": NINJS_SCHEMA},
        "type": "text",
        "representationType": "full",
        "version": str(context.version),
        "firstCreated": facts.first_created,
        "versionCreated": facts.version_created,
        "pubStatus": "usable" if facts.usable else "withheld",
    }
    if context.embargo_line is not None and context.embargo is not None:
        item["embargoedUntil"] = context.embargo.iso
    note = correction_note(context)
    if note:
        item["edNote"] = note
    item["language"] = context.language
    item["genres"] = [{"name": context.type_label, "uri": GENRE_URI}]
    headlines = [{"role": "main", "value": context.headline}]
    if context.subheadline:
        headlines.append({"role": "sub", "value": context.subheadline})
    item["headlines"] = headlines
    if context.lead_text is not None and context.lead_html is not None:
        item["descriptions"] = [
            {"role": "summary", "contentType": "text/plain", "value": context.lead_text},
            {"role": "summary", "contentType": "text/html", "value": str(context.lead_html)},
        ]
    text = body_text(context)
    html = (f"<p>{context.lead_html}</p>\n" if context.lead_html else "") + str(body_html(context))
    item["bodies"] = [
        {"role": "main", "contentType": "text/html", "value": html},
        {
            "role": "main",
            "contentType": "text/plain",
            "charCount": len(text),
            "wordCount": len(text.split()),
            "value": text,
        },
    ]
    if context.dateline:
        item["located"] = context.dateline
    org = context.organisation
    item["by"] = org.name
    item["copyrightHolder"] = org.name
    organisation: dict[str, Any] = {"name": org.name, "rel": "publisher", "literal": org.slug}
    if org.website:
        organisation["uri"] = org.website
    contact_info = [entry for c in context.press_contacts for entry in contact_entries(c)]
    if org.website:
        contact_info.append({"type": "web", "value": org.website})
    if contact_info:
        organisation["contactInfo"] = contact_info
    item["organisations"] = [organisation]
    people = [
        {"name": c.name or c.role or "", "rel": "contact", "contactInfo": contact_entries(c)}
        for c in context.contacts
    ]
    quoted: list[str] = []
    for block in context.body:
        speaker = block.quote.speaker if block.quote else None
        if speaker and speaker not in quoted:
            quoted.append(speaker)
    people += [{"name": name, "rel": "quoted"} for name in quoted]
    if people:
        item["people"] = people
    if context.tags:
        item["subjects"] = [{"name": tag, "rel": "keyword"} for tag in context.tags]
    images = {block.image.id: block.image for block in context.body if block.image is not None}
    associations = []
    for image in facts.images:
        shown = images.get(image.id)
        rendition: dict[str, Any] = {"name": "original"}
        href = image_href(facts, image)
        if href:
            rendition["href"] = href
        rendition.update(
            contentType=image.media_type,
            title=image.file_name,
            width=image.width,
            height=image.height,
            sizeInBytes=image.size,
        )
        association: dict[str, Any] = {
            "name": image.id,
            "rel": "image",
            "uri": image_uri(facts.uri, image.id),
            "type": "picture",
            "version": str(context.version),
        }
        if shown is not None:
            descriptions = [{"role": "alt", "contentType": "text/plain", "value": shown.alt}]
            if shown.caption:
                descriptions.insert(
                    0, {"role": "caption", "contentType": "text/plain", "value": shown.caption}
                )
            association["descriptions"] = descriptions
            if shown.credit:
                association["by"] = shown.credit
        association["renditions"] = [rendition]
        associations.append(association)
    for version in context.language_versions:
        if version.current:
            continue
        associations.append(
            {
                "name": version.stem,
                "rel": "original" if version.original else "translation",
                "uri": release_uri(context.organisation.slug, version.stem),
                "type": "text",
                "language": version.language,
                "headlines": [{"role": "main", "value": version.headline}],
            }
        )
    if associations:
        item["associations"] = associations
    return item


def contact_entries(contact: ContactContext) -> list[dict[str, str]]:
    """A contact's phone, mobile and e-mail as ninjs ``contactInfo`` entries."""
    named: dict[str, str] = {}
    if contact.name:
        named["name"] = contact.name
    if contact.role:
        named["role"] = contact.role
    entries = []
    for kind, value in (
        ("phone", contact.phone_uri),
        ("mobile", contact.mobile_uri),
        ("email", contact.email),
    ):
        if value:
            entries.append({"type": kind, **named, "value": value.removeprefix("tel:")})
    return entries
