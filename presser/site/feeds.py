"""The newsroom's feeds (Atom, RSS 2.0), ``sitemap.xml`` and ``robots.txt``.

Written with the standard library's :mod:`xml.etree.ElementTree` rather than
a feed library: ``feedgen`` 1.0.0 drops ``rel``, ``type`` and ``hreflang`` on
Atom links (its issue 135), and ``feedgenerator`` (Pelican's) derives entry
ids from URLs, so they change when an address does. Here every element is
what we write, the serialiser escapes every value, and no dependency is added.

- An entry's id is the release's identifier (:func:`presser.render.iptc.release_uri`),
  fixed at first publication: a correction changes the entry's ``updated``
  and its content, never its id (RSS: the same ``guid``, not a permalink).
- Full text: Atom ``content type="html"`` and RSS ``content:encoded`` carry
  the release's article, its relative addresses (its images) rewritten to be
  relative to the feed, as readers resolve them (``xml:base`` is not honoured
  by all, and RSS has none); the lead is the summary / description.
- Addresses are absolute with ``--base-url``; without it they are relative to
  the feed's own place (Atom allows that; RSS readers resolve them against the
  feed's address, as feedparser does), so the site works from any folder.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"


@dataclass(frozen=True)
class FeedEntry:
    """One release in a feed; every address relative to the feed (or absolute)."""

    id: str  #: the release's identifier
    title: str
    link: str  #: the release's page
    language: str
    published: datetime  #: first publication
    updated: datetime  #: the latest version
    summary: str | None  #: the lead
    content: str  #: the article's HTML
    categories: tuple[str, ...]  #: the tags
    author: str  #: the organisation
    enclosure: tuple[str, str, int] | None  #: (address, media type, bytes) of the PDF


@dataclass(frozen=True)
class Feed:
    """A feed: the releases of an organisation, of a tag, or of the whole site."""

    id: str  #: urn:uuid, fixed by the feed's place in the site
    title: str
    subtitle: str | None
    language: str
    self_atom: str  #: the Atom feed's own address
    self_rss: str  #: the RSS feed's own address
    alternate: str  #: the index page the feed follows
    author: str
    entries: tuple[FeedEntry, ...]  #: newest first


def feed_id(site_key: str, place: str) -> str:
    """A feed's id: a name-based UUID of the site and the feed's place in it."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'presser-site:{site_key}:{place}')}"


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def atom(feed: Feed, generator: str) -> bytes:
    """The feed as Atom (RFC 4287)."""
    ET.register_namespace("", ATOM)
    a = f"{{{ATOM}}}"
    root = ET.Element(f"{a}feed", {XML_LANG: feed.language})
    _sub(root, f"{a}id", feed.id)
    _sub(root, f"{a}title", feed.title)
    if feed.subtitle:
        _sub(root, f"{a}subtitle", feed.subtitle)
    updated = max((e.updated for e in feed.entries), default=None)
    _sub(root, f"{a}updated", _iso(updated or datetime(1970, 1, 1, tzinfo=UTC)))
    _sub(root, f"{a}link", rel="self", type="application/atom+xml", href=feed.self_atom)
    _sub(root, f"{a}link", rel="alternate", type="text/html", href=feed.alternate)
    _sub(
        root,
        f"{a}link",
        rel="alternate",
        type="application/rss+xml",
        href=feed.self_rss,
    )
    _sub(_sub(root, f"{a}author"), f"{a}name", feed.author)
    _sub(root, f"{a}generator", "presser", version=generator.split()[-1])
    for entry in feed.entries:
        item = _sub(root, f"{a}entry", **{XML_LANG: entry.language})
        _sub(item, f"{a}id", entry.id)
        _sub(item, f"{a}title", entry.title)
        _sub(item, f"{a}published", _iso(entry.published))
        _sub(item, f"{a}updated", _iso(entry.updated))
        _sub(
            item,
            f"{a}link",
            rel="alternate",
            type="text/html",
            hreflang=entry.language,
            href=entry.link,
        )
        if entry.enclosure:
            href, media_type, length = entry.enclosure
            _sub(item, f"{a}link", rel="enclosure", type=media_type, length=str(length), href=href)
        _sub(_sub(item, f"{a}author"), f"{a}name", entry.author)
        for category in entry.categories:
            _sub(item, f"{a}category", term=category)
        if entry.summary:
            _sub(item, f"{a}summary", entry.summary)
        _sub(item, f"{a}content", entry.content, type="html")
    return _document(root)


def rss(feed: Feed, generator: str) -> bytes:
    """The feed as RSS 2.0, with the Atom self link and full text in content:encoded."""
    ET.register_namespace("atom", ATOM)
    ET.register_namespace("content", CONTENT)
    root = ET.Element("rss", version="2.0")
    channel = _sub(root, "channel")
    _sub(channel, "title", feed.title)
    _sub(channel, "link", feed.alternate)
    _sub(channel, "description", feed.subtitle or feed.title)
    _sub(channel, "language", feed.language)
    _sub(channel, "generator", generator)
    _sub(channel, "docs", "https://www.rssboard.org/rss-specification")
    updated = max((e.updated for e in feed.entries), default=None)
    if updated is not None:
        _sub(channel, "lastBuildDate", format_datetime(updated))
    _sub(channel, f"{{{ATOM}}}link", rel="self", type="application/rss+xml", href=feed.self_rss)
    for entry in feed.entries:
        item = _sub(channel, "item")
        _sub(item, "title", entry.title)
        _sub(item, "link", entry.link)
        _sub(item, "guid", entry.id, isPermaLink="false")
        _sub(item, "pubDate", format_datetime(entry.published))
        for category in entry.categories:
            _sub(item, "category", category)
        if entry.summary:
            _sub(item, "description", entry.summary)
        if entry.enclosure:
            href, media_type, length = entry.enclosure
            _sub(item, "enclosure", url=href, type=media_type, length=str(length))
        _sub(item, f"{{{CONTENT}}}encoded", entry.content)
    return _document(root)


def sitemap(pages: list[tuple[str, datetime | None]]) -> bytes:
    """``sitemap.xml``: each page's address and, for a release, when it last changed."""
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for address, modified in pages:
        url = _sub(root, f"{{{SITEMAP}}}url")
        _sub(url, f"{{{SITEMAP}}}loc", address)
        if modified is not None:
            _sub(url, f"{{{SITEMAP}}}lastmod", _iso(modified))
    return _document(root)


def robots(sitemap_address: str | None) -> bytes:
    """``robots.txt``: everything may be crawled; the sitemap named when its address is known."""
    lines = ["User-agent: *", "Allow: /"]
    if sitemap_address:
        lines.append(f"Sitemap: {sitemap_address}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _document(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    text = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n").encode("utf-8")
