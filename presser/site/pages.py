"""The newsroom's page contexts: plain data the site templates only place.

As for a release page (:mod:`presser.render.context`), every word, date and
address is prepared here, so the templates in ``templates/_default/site/``
hold no logic beyond loops and ``if`` on presence. Every address is relative
to the page it is on (:func:`relative`), so the site works from ``file://``
and from any web server; only ``canonical`` and ``og_url`` are absolute, and
only when ``--base-url`` is given.

The templates and what they get:

``site/index.html.j2``, ``site/tag.html.j2``
    ``page`` (:class:`PageMeta`), ``listing`` (:class:`Listing`)
``site/release.html.j2``
    ``page``, ``release`` (:class:`ReleasePage`)
``site/contact.html.j2``
    ``page``, ``contacts`` (:class:`ContactPage`)

All extend ``site/base.html.j2`` (blocks ``head``, ``header``, ``main``,
``footer``). An organisation overrides any of them, and ``site/site.css``, from
``templates/<org>/site/`` like its release template, for its own pages (its
index, contact page and releases); the pages of the whole site (the overall
index, the tag pages) use the workspace's defaults. Every page is checked
before it is written (:mod:`presser.site.check`).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from markupsafe import Markup

#: The site's own words, by language (the release's words come with its page).
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "releases": "Press releases",
        "all_releases": "All press releases",
        "contacts": "Press contacts",
        "downloads": "Downloads",
        "pdf": "PDF",
        "text": "Wire text",
        "ninjs": "ninjs (IPTC)",
        "newsml": "NewsML-G2 (IPTC)",
        "press_kit": "Press kit (zip)",
        "images": "Images",
        "full_size": "full size",
        "earlier": "Earlier versions",
        "version": "Version",
        "tags": "Tags",
        "tag": "Tag",
        "previous": "Newer",
        "next": "Older",
        "page": "Page",
        "feeds": "Feeds",
        "languages": "Other languages",
        "none": "No press releases yet.",
        "website": "Website",
        "phone": "tel.",
        "mobile": "mobile",
        "email": "email",
    },
    "sv": {
        "releases": "Pressmeddelanden",
        "all_releases": "Alla pressmeddelanden",
        "contacts": "Presskontakter",
        "downloads": "Nedladdningar",
        "pdf": "PDF",
        "text": "Text för nyhetsbyråer",
        "ninjs": "ninjs (IPTC)",
        "newsml": "NewsML-G2 (IPTC)",
        "press_kit": "Presskit (zip)",
        "images": "Bilder",
        "full_size": "full storlek",
        "earlier": "Tidigare versioner",
        "version": "Version",
        "tags": "Ämnen",
        "tag": "Ämne",
        "previous": "Nyare",
        "next": "Äldre",
        "page": "Sida",
        "feeds": "Flöden",
        "languages": "Andra språk",
        "none": "Inga pressmeddelanden ännu.",
        "website": "Webbplats",
        "phone": "tel.",
        "mobile": "mobil",
        "email": "e-post",
    },
}


def words(language: str) -> dict[str, str]:
    """The site's words in ``language`` (its primary subtag), else in English."""
    return WORDS.get(language.split("-")[0].lower(), WORDS["en"])


def relative(here: str, target: str) -> str:
    """``target`` (a path in the site) as an address from the page at ``here``."""
    folder = posixpath.dirname(here) or "."
    return posixpath.relpath(target, folder)


@dataclass(frozen=True)
class Link:
    """An address and its text."""

    href: str  #: relative to the page
    text: str  #: what the reader sees


@dataclass(frozen=True)
class Alternate:
    """The same page in another language (``hreflang`` and the language switch)."""

    href: str  #: relative to the page
    hreflang: str  #: BCP 47 tag
    label: str  #: the language's name in that language


@dataclass(frozen=True)
class FeedLink:
    """A feed the page announces (``<link rel="alternate">``)."""

    href: str  #: relative to the page
    type: str  #: application/atom+xml | application/rss+xml
    title: str  #: "Atom", "RSS"


@dataclass(frozen=True)
class PageMeta:
    """What every page has: language, title, description, cards, navigation."""

    lang: str  #: BCP 47 tag of the page
    title: str  #: <title> and the one <h1> of lists (a release's h1 is its headline)
    description: str | None  #: meta description and og:description (a release's lead)
    og_type: str  #: "article" for a release, else "website"
    og_image: str | None  #: the first image (absolute with --base-url, else relative)
    og_url: str | None  #: the page's absolute address (with --base-url)
    canonical: str | None  #: the same, as <link rel="canonical">
    site_name: str  #: the organisation's name, or the site's
    stylesheet: str  #: the site's stylesheet, relative
    brand_colour: str  #: a validated #rgb/#rrggbb
    home: str  #: the index this page belongs to, relative
    nav: tuple[Link, ...]  #: the header's links (releases, contacts, feeds)
    feeds: tuple[FeedLink, ...]  #: the feeds announced in <head>
    alternates: tuple[Alternate, ...]  #: language versions (empty until releases name them)
    words: dict[str, str]  #: the site's words in the page's language
    generator: str  #: "presser 0.1.0"


@dataclass(frozen=True)
class ListedRelease:
    """A release in a list: headline, date, lead, tags."""

    href: str  #: its page, relative
    headline: str
    date_iso: str  #: publication time, ISO 8601
    date: str  #: the date in the list's language ("28 januari 2010")
    description: str | None  #: the lead
    organisation: str  #: the organisation's name
    language: str  #: the release's language (its hreflang)
    tags: tuple[Link, ...]  #: its tag pages
    corrected: bool  #: whether it has been corrected


@dataclass(frozen=True)
class Listing:
    """One page of a list of releases, newest first."""

    heading: str  #: the page's h1
    releases: tuple[ListedRelease, ...]
    page_number: int  #: 1, 2, …
    page_count: int
    newer: str | None  #: the previous page, relative
    older: str | None  #: the next page, relative
    atom: str  #: this list's Atom feed, relative
    rss: str  #: this list's RSS feed, relative


@dataclass(frozen=True)
class Download:
    """A file of the release to download."""

    href: str  #: relative
    label: str  #: "PDF", "Wire text", …
    file_name: str
    size: str  #: "152 kB"


@dataclass(frozen=True)
class ImageDownload:
    """An image at full size, with what goes with it."""

    href: str  #: relative, the full-size file (also what the page shows)
    file_name: str
    alt: str
    caption: str | None
    credit: str | None  #: as printed ("Foto: …")
    size: str  #: "48 kB"


@dataclass(frozen=True)
class EarlierVersion:
    """An earlier version, kept at its own address, and the notice that replaced it."""

    href: str  #: its frozen page, relative
    label: str  #: "Version 1"
    note: str | None  #: the correction that ended it


@dataclass(frozen=True)
class ReleasePage:
    """A release's page: its latest version as published, and what to download."""

    styles: Markup  #: the frozen page's own stylesheet (checked CSS presser wrote)
    article: Markup  #: the inside of the frozen page's <main> (presser's escaped HTML)
    version: int  #: the latest version's number
    downloads: tuple[Download, ...]
    images: tuple[ImageDownload, ...]
    press_kit: Download | None  #: every image and the PDF in one zip
    earlier: tuple[EarlierVersion, ...]  #: oldest first
    tags: tuple[Link, ...]
    organisation: Link  #: the organisation's index


@dataclass(frozen=True)
class ContactCard:
    """A press contact, with numbers as links."""

    name: str | None
    role: str | None
    phone: str | None
    phone_uri: str | None  #: "tel:+46…"
    mobile: str | None
    mobile_uri: str | None
    email: str | None
    email_uri: str | None  #: "mailto:…"


@dataclass(frozen=True)
class ContactPage:
    """An organisation's contact page."""

    heading: str  #: the page's h1
    organisation: str  #: its name
    website: str | None
    cards: tuple[ContactCard, ...]


def file_size(size: int) -> str:
    """A size as people read it: ``152 kB``, ``1.4 MB``."""
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{round(size / 1000)} kB"
    return f"{size / 1_000_000:.1f} MB"
