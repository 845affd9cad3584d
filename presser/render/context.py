"""The render context: everything a template or renderer may use, as plain data.

This is the contract between Python and templates. Quotes are already set
in the language's house style, dates formatted in the organisation's time
zone, labels chosen, Markdown turned into safe HTML (``Markup``) and into
plain-text blocks. Templates only place these values; they hold no logic
beyond loops and ``if`` on presence. Every field is documented here, and
``docs/context.md`` is generated from these docstrings (a test keeps it so).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

import phonenumbers
from markupsafe import Markup

import presser

from ..source import markdown
from ..source.markdown import TextBlock, TextLink
from ..source.model import Contact, Image, ImageRef, Quote, QuoteRef
from ..source.validation import LoadedRelease
from . import text_style
from .text_style import Labels, QuoteSegment


@dataclass(frozen=True)
class OrganisationContext:
    """The sending organisation."""

    slug: str  #: folder name under templates/
    name: str  #: full name, e.g. "Regionförbundet Jönköpings län"
    short_name: str  #: short form; the full name when none is set
    website: str | None  #: https address, if any
    brand_colour: str  #: accent colour, a validated #rgb/#rrggbb (the default's when unset)


@dataclass(frozen=True)
class MomentContext:
    """A point in time, ready to print."""

    iso: str  #: ISO 8601 with offset, in the organisation's time zone
    #: formatted by the organisation's pattern and locale, zone abbreviated
    #: ("Jan 28, 2010 09:52 CET")
    display: str
    date: str  #: the date alone, long form in the release language ("28 januari 2010")
    #: the date of a US wire dateline, in the release language: AP's month-first
    #: form in English ("January 28, 2010"), else the language's long date ("28 januari 2010")
    us_date: str


@dataclass(frozen=True)
class ContactContext:
    """A person or function to contact, with numbers as written and as links."""

    name: str | None  #: the person's name
    role: str | None  #: title or function
    organisation: str | None  #: organisation or unit, when given
    #: phone number as written; in international form ("+46 36 10 50 00") when the release
    #: is for readers abroad (the us wire style, or a language not the organisation's)
    phone: str | None
    phone_uri: str | None  #: "tel:+4636107424"
    mobile: str | None  #: mobile number, written as phone is
    mobile_uri: str | None  #: "tel:+46704843254"
    email: str | None  #: e-mail address
    email_uri: str | None  #: "mailto:…"
    line: str  #: the whole contact on one line, as the nordic wire prints it


@dataclass(frozen=True)
class QuoteContext:
    """A quote set in house style."""

    id: str | None  #: the quote's id; None for one that can only follow the body
    segments: tuple[QuoteSegment, ...]  #: ("quote" | "attribution", text) parts in reading order
    text: str  #: the whole quote as one sentence of plain text
    speaker: str | None  #: who says it
    role: str | None  #: the speaker's title
    #: the language of the quote's words when not the release's (for lang=), else None
    lang: str | None = None


@dataclass(frozen=True)
class ImageContext:
    """An image with its caption and credit."""

    id: str  #: the image's id
    src: str  #: address relative to the output folder (HTML) and to the PDF's base
    alt: str  #: text alternative
    caption: str | None  #: caption
    credit: str | None  #: photographer or source
    credit_line: str | None  #: "Foto: …" in the release language


@dataclass(frozen=True)
class BlockContext:
    """One block of the body, in order: Markdown, a quote or an image."""

    kind: Literal["markdown", "quote", "image"]  #: what the block is
    html: Markup | None = None  #: for markdown: safe HTML
    text_blocks: tuple[TextBlock, ...] = ()  #: for markdown: plain-text blocks with their links
    quote: QuoteContext | None = None  #: for quote
    image: ImageContext | None = None  #: for image


@dataclass(frozen=True)
class CorrectionContext:
    """A correction of a published release, as every output prints it."""

    date: str  #: the day of the correction, long form in the release language
    iso: str  #: its time, ISO 8601 with offset, in the organisation's time zone
    note: str  #: what was corrected, as written
    #: the whole notice in the release language ("Rättelse 24 november 2026: …")
    line: str


@dataclass(frozen=True)
class LanguageVersionContext:
    """One language version of the release (``translation_of:``), this one included."""

    stem: str  #: its file name without .yaml
    language: str  #: its BCP 47 tag, for hreflang and lang
    name: str  #: the language's name in that language ("Svenska"), as a switch shows it
    headline: str  #: its headline
    href: str  #: its HTML page, beside this one (<stem>.html)
    current: bool  #: whether it is this release
    original: bool  #: whether it is the original the others translate
    #: "Även på engelska: …" in this release's language, for the wire copy; "" for this one
    line: str
    #: "Även på engelska:", the line's words before the headline (the PDF marks the
    #: headline's language); "" for this one
    also_in: str = ""


@dataclass(frozen=True)
class LinkContext:
    """A link listed after the body."""

    text: str  #: the link's text
    url: str  #: its address, as written (for text)
    #: the address for an href: what a URL may not hold (<, ", a space) percent-encoded
    href: str = ""

    def __post_init__(self) -> None:
        if not self.href:
            object.__setattr__(self, "href", _href(self.url))


@dataclass(frozen=True)
class ReleaseContext:
    """Everything about one release that an output shows."""

    stem: str  #: the release file's name without .yaml; outputs are <stem>.<ext>
    language: str  #: BCP 47 tag of the release
    type: str  #: press-release | news | statement | invitation
    type_label: str  #: "Pressmeddelande", "Press release", …
    status: str  #: draft | review | approved | published
    headline: str  #: the headline
    subheadline: str | None  #: line under the headline
    department: str | None  #: sending unit
    #: place for the dateline ("OAKLAND, Calif."); the organisation's city when unset
    dateline: str | None
    published: MomentContext  #: publication time
    embargo: MomentContext | None  #: embargo, if any
    #: "EMBARGOED UNTIL …" in the release language, if embargoed; None in a copy published
    #: at or after the embargo (presser publish), which has no embargo left to state
    embargo_line: str | None
    version: int  #: 1, then one more for each correction
    #: corrections since first publication, oldest first; empty for most releases
    corrections: tuple[CorrectionContext, ...]
    lead_html: Markup | None  #: the lead as safe inline HTML
    lead_text: str | None  #: the lead as plain text
    lead_links: tuple[TextLink, ...]  #: links in the lead
    body: tuple[BlockContext, ...]  #: the body; quotes and images not placed follow at the end
    links: tuple[LinkContext, ...]  #: links listed after the body
    contacts: tuple[ContactContext, ...]  #: "For more information"
    press_contacts: tuple[ContactContext, ...]  #: press contacts
    boilerplate: tuple[str, ...]  #: paragraphs about the organisation(s)
    about_heading: str  #: "Om Regionförbundet Jönköpings län"
    tags: tuple[str, ...]  #: keywords
    #: every language version, this one included: the original first, then the
    #: translations by language; empty for a release in one language
    language_versions: tuple[LanguageVersionContext, ...]
    labels: Labels  #: every other word, in the release language
    organisation: OrganisationContext  #: the sender
    json_ld: Markup  #: schema.org NewsArticle, JSON safe to place inside <script>
    generator: str  #: "presser 0.1.0"


DEFAULT_BRAND_COLOUR = "#333333"


def build_context(
    loaded: LoadedRelease,
    *,
    out_dir: Path | None = None,
    wire: str | None = None,
    published_at: datetime | None = None,
) -> ReleaseContext:
    """Build the render context of a validated release.

    ``out_dir`` is where the outputs go; image addresses are made relative to it.
    ``wire`` is the wire style the text copy is rendered in (None: the release's,
    else its organisation's); ``published_at`` is when a copy is published
    (None: a copy for recipients, which states the embargo).
    """
    release = loaded.release
    org = loaded.organisation.profile
    language = loaded.language
    labels = text_style.labels_for(language)
    country = org.country
    abroad = (wire or release.wire or org.wire) == "us" or _foreign_language(
        language, org.language, country
    )

    def moment_context(value: datetime) -> MomentContext:
        return MomentContext(
            iso=text_style.iso_local(value, org.timezone),
            display=text_style.format_datetime(
                value,
                timezone=org.timezone,
                language=language,
                pattern=org.date_format,
                date_locale=org.date_locale,
            ),
            date=text_style.format_date(value, timezone=org.timezone, locale=language),
            us_date=_dateline_date(value, org.timezone, language),
        )

    quotes = [(q.id, _quote(q, language, org.quote_style)) for q in release.quotes]
    images = {
        i.id: _image(i, loaded, labels, out_dir or loaded.workspace.root / "build")
        for i in release.images
    }
    nesting = loaded.workspace.limits.max_markdown_nesting
    body = _body(release.body, quotes, images, nesting)

    if release.lead is not None:
        lead_html: Markup | None = Markup(
            markdown.inline_to_html(release.lead, max_nesting=nesting)
        )
        lead_text, lead_links = markdown.inline_to_text(release.lead, max_nesting=nesting)
    else:
        lead_html, lead_text, lead_links = None, None, ()

    press = release.press_contacts if release.press_contacts is not None else org.press_contacts
    published = moment_context(release.published)
    embargo = moment_context(release.embargo) if release.embargo else None
    organisation = OrganisationContext(
        slug=loaded.organisation.slug,
        name=org.name,
        short_name=org.short_name or org.name,
        website=org.website,
        brand_colour=org.brand_colour or DEFAULT_BRAND_COLOUR,
    )
    corrections = tuple(
        _correction(c.at, c.note, org.timezone, language, labels) for c in release.corrections
    )
    versions = _language_versions(loaded, labels)
    return ReleaseContext(
        stem=loaded.stem,
        language=language,
        type=release.type,
        type_label=labels.release_type(release.type),
        status=release.status,
        headline=release.headline,
        subheadline=release.subheadline,
        department=release.department,
        dateline=release.dateline or org.city,
        published=published,
        embargo=embargo,
        embargo_line=_embargo_line(release.embargo, published_at, embargo, labels),
        version=release.version,
        corrections=corrections,
        lead_html=lead_html,
        lead_text=lead_text,
        lead_links=lead_links,
        body=body,
        links=tuple(LinkContext(link.text, link.url) for link in release.links),
        contacts=tuple(_contact(c, country, labels, abroad) for c in release.contacts),
        press_contacts=tuple(_contact(c, country, labels, abroad) for c in press),
        boilerplate=_boilerplate(loaded),
        about_heading=labels.about_organisation(org.name),
        tags=release.tags,
        language_versions=versions,
        labels=labels,
        organisation=organisation,
        json_ld=_json_ld(
            release.headline,
            language,
            published,
            organisation,
            lead_text,
            release.tags,
            corrections,
            versions,
        ),
        generator=f"presser {presser.__version__}",
    )


def _language_versions(loaded: LoadedRelease, labels: Labels) -> tuple[LanguageVersionContext, ...]:
    """The release and its other language versions, ordered as they are found."""
    if not loaded.language_versions:
        return ()
    language, release = loaded.language, loaded.release
    this = LanguageVersionContext(
        stem=loaded.stem,
        language=language,
        name=text_style.language_autonym(language),
        headline=release.headline,
        href=f"{loaded.stem}.html",
        current=True,
        original=release.translation_of is None,
        line="",
    )
    others = []
    for version in loaded.language_versions:
        named = text_style.language_name(version.language, language)  # "engelska"
        others.append(
            LanguageVersionContext(
                stem=version.stem,
                language=version.language,
                name=text_style.language_autonym(version.language),
                headline=version.headline,
                href=f"{version.stem}.html",
                current=False,
                original=version.original,
                line=labels.also_in_line(named, version.headline),
                also_in=labels.also_in_prefix(named),
            )
        )
    # The original first, then by language, this release in its place among them.
    ordered = sorted([this, *others], key=lambda v: (not v.original, v.language, v.stem))
    return tuple(ordered)


def _embargo_line(
    lifts: datetime | None,
    published_at: datetime | None,
    embargo: MomentContext | None,
    labels: Labels,
) -> str | None:
    if lifts is None or embargo is None:
        return None
    if published_at is not None and published_at >= lifts:
        return None  # the embargo is over for whoever reads the published copy
    return labels.embargo_until(embargo.display)


def _dateline_date(value: datetime, timezone: str, language: str) -> str:
    """The date of a US wire dateline, in the words of the release's language."""
    if text_style.primary_subtag(language) == "en":
        return text_style.us_dateline_date(value, timezone=timezone)
    # A Swedish text gets a Swedish date ("28 januari 2010"), not an English one inside it.
    return text_style.format_date(value, timezone=timezone, locale=language)


def _foreign_language(language: str, own: str, country: str | None) -> bool:
    """Whether a release is written for readers outside the organisation's country.

    So it is when its language is not the organisation's, or is that language
    as written in another country (sv-FI from a Swedish organisation).
    """
    if text_style.primary_subtag(language) != text_style.primary_subtag(own):
        return True
    territory = text_style.babel_locale(language).territory
    return bool(territory and country and territory != country.upper())


def _correction(
    at: datetime, note: str, timezone: str, language: str, labels: Labels
) -> CorrectionContext:
    date = text_style.format_date(at, timezone=timezone, locale=language)
    return CorrectionContext(
        date=date,
        iso=text_style.iso_local(at, timezone),
        note=note,
        line=labels.correction_line(date, note),
    )


def _href(url: str) -> str:
    """A link's address as markdown-it writes a Markdown link's (mdurl, WHATWG's rules)."""
    import mdurl

    return str(mdurl.encode(url))


def _quote(quote: Quote, language: str, style: str | None) -> QuoteContext:
    segments = text_style.set_quote(
        language,
        text=quote.text,
        speaker=quote.speaker,
        role=quote.role,
        verb=quote.verb,
        attribution=quote.attribution,
        continued=quote.continued,
        style=style,
    )
    return QuoteContext(
        id=quote.id,
        segments=segments,
        text=" ".join(s.text for s in segments),
        speaker=quote.speaker,
        role=quote.role,
        lang=quote.lang if quote.lang and quote.lang.lower() != language.lower() else None,
    )


def _image(image: Image, loaded: LoadedRelease, labels: Labels, out_dir: Path) -> ImageContext:
    file = loaded.image_file(image.path)
    src = Path(os.path.relpath(file, out_dir.resolve())).as_posix()
    return ImageContext(
        id=image.id,
        src=src,
        alt=image.alt,
        caption=image.caption,
        credit=image.credit,
        credit_line=f"{labels.photo}: {image.credit}" if image.credit else None,
    )


def _body(
    body: object,
    quotes: list[tuple[str | None, QuoteContext]],
    images: dict[str, ImageContext],
    max_nesting: int = markdown.MAX_NESTING,
) -> tuple[BlockContext, ...]:
    blocks: list[BlockContext] = []
    placed: set[str] = set()
    quotes_by_id = {k: q for k, q in quotes if k is not None}
    sources = (body,) if isinstance(body, str) else body if isinstance(body, tuple) else ()
    for block in sources:
        if isinstance(block, QuoteRef):
            blocks.append(BlockContext("quote", quote=quotes_by_id[block.quote]))
            placed.add(f"quote:{block.quote}")
        elif isinstance(block, ImageRef):
            blocks.append(BlockContext("image", image=images[block.image]))
            placed.add(f"image:{block.image}")
        elif isinstance(block, str):
            blocks.append(
                BlockContext(
                    "markdown",
                    html=Markup(markdown.to_html(block, max_nesting=max_nesting)),
                    text_blocks=tuple(markdown.to_text_blocks(block, max_nesting=max_nesting)),
                )
            )
    # The spec: a quote (or image) not placed is set after the body, in the order
    # listed; a quote without an id cannot be placed, so it always follows.
    blocks += [
        BlockContext("quote", quote=q) for k, q in quotes if k is None or f"quote:{k}" not in placed
    ]
    blocks += [
        BlockContext("image", image=i) for k, i in images.items() if f"image:{k}" not in placed
    ]
    return tuple(blocks)


def _parsed(number: str, country: str | None) -> phonenumbers.PhoneNumber:
    return phonenumbers.parse(number, None if number.startswith("+") else country)


def _tel_uri(number: str | None, country: str | None) -> str | None:
    if number is None:
        return None
    e164 = phonenumbers.format_number(_parsed(number, country), phonenumbers.PhoneNumberFormat.E164)
    return "tel:" + e164


def _shown_number(number: str | None, country: str | None, abroad: bool) -> str | None:
    """The number as written, or for readers abroad with the country code (+46 36 10 50 00)."""
    if number is None or not abroad:
        return number
    international = phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(_parsed(number, country), international)


def _contact(
    contact: Contact, country: str | None, labels: Labels, abroad: bool = False
) -> ContactContext:
    phone = _shown_number(contact.phone, country, abroad)
    mobile = _shown_number(contact.mobile, country, abroad)
    parts = [p for p in (contact.name, contact.role, contact.organisation) if p]
    if mobile:
        parts.append(f"{labels.mobile} {mobile}")
    if phone:
        parts.append(f"{labels.phone} {phone}")
    if contact.email:
        parts.append(f"{labels.email} {contact.email}")
    return ContactContext(
        name=contact.name,
        role=contact.role,
        organisation=contact.organisation,
        phone=phone,
        phone_uri=_tel_uri(contact.phone, country),
        mobile=mobile,
        mobile_uri=_tel_uri(contact.mobile, country),
        email=contact.email,
        email_uri=f"mailto:{contact.email}" if contact.email else None,
        line=", ".join(parts),
    )


def _boilerplate(loaded: LoadedRelease) -> tuple[str, ...]:
    chosen = loaded.release.boilerplate
    if chosen is None:
        org = loaded.organisation.profile
        for language in text_style.language_fallbacks(loaded.language, org.language):
            if language in org.boilerplate:
                chosen = org.boilerplate[language]
                break
    if chosen is None:
        return ()
    return (chosen,) if isinstance(chosen, str) else tuple(chosen)


def _json_ld(
    headline: str,
    language: str,
    published: MomentContext,
    organisation: OrganisationContext,
    description: str | None,
    tags: tuple[str, ...],
    corrections: tuple[CorrectionContext, ...] = (),
    versions: tuple[LanguageVersionContext, ...] = (),
) -> Markup:
    """schema.org NewsArticle as JSON that is safe inside a <script> element."""
    publisher: dict[str, str] = {"@type": "Organization", "name": organisation.name}
    if organisation.website:
        publisher["url"] = organisation.website
    article: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": headline,
        "inLanguage": language,
        "datePublished": published.iso,
        "author": {"@type": "Organization", "name": organisation.name},
        "publisher": publisher,
    }
    if description:
        article["description"] = description
    if tags:
        article["keywords"] = list(tags)
    if corrections:
        # schema.org: a CorrectionComment per correction; the latest is the last modification.
        article["dateModified"] = corrections[-1].iso
        article["correction"] = [
            {"@type": "CorrectionComment", "text": c.note, "datePublished": c.iso}
            for c in corrections
        ]
    # schema.org: an original names its translations (workTranslation), a translation its
    # original (translationOfWork); each by its file name, which the newsroom links by.
    this = next((v for v in versions if v.current), None)
    others = [
        {"@type": "NewsArticle", "identifier": v.stem, "inLanguage": v.language, "url": v.href}
        for v in versions
        if not v.current and (this is None or this.original or v.original)
    ]
    if this is not None and others:
        if this.original:
            article["workTranslation"] = others
        else:
            article["translationOfWork"] = others[0]
    text = json.dumps(article, ensure_ascii=False, indent=2)
    # Inside <script>, "</" could end the element early; \u003c keeps the JSON identical.
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
