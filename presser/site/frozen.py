"""What the newsroom reads back from a frozen page: ``published/<stem>/v<N>/<stem>.html``.

The version folder is the record of what went out, and the release file may
since have become the draft of the next version: so the site takes a
version's headline, lead, language, dates, tags and corrections from the
page's own schema.org JSON-LD (which :mod:`presser.render.context` writes
for every page), its look from the page's ``<style>``, its article from
``<main>``, and its images (address, alt text, caption, credit) from its
figures. Nothing of the draft can leak onto the site that way.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser

from ..errors import PresserError

_MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.DOTALL | re.IGNORECASE)
_BODY = re.compile(r"<body\b[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class FrozenImage:
    """An image as the frozen page shows it."""

    src: str  #: relative to the version folder (images/x.png)
    alt: str  #: text alternative
    caption: str | None  #: caption
    credit: str | None  #: credit line as printed ("Foto: …")


@dataclass(frozen=True)
class FrozenCorrection:
    """A correction notice of the page."""

    at: str  #: ISO 8601
    note: str  #: what was corrected


@dataclass(frozen=True)
class FrozenPage:
    """What the newsroom needs of one published version's page."""

    headline: str
    description: str | None  #: the lead as plain text
    language: str
    published: datetime  #: the release's publication time
    modified: datetime | None  #: the last correction's time
    tags: tuple[str, ...]
    translations: tuple[str, ...]  #: an original's translations, by file name
    translation_of: str | None  #: a translation's original, by file name
    corrections: tuple[FrozenCorrection, ...]
    styles: str  #: the page's own stylesheet (the organisation's look when it went out)
    article: str  #: the inside of <main>: presser's own escaped HTML
    images: tuple[FrozenImage, ...]


def read_frozen_page(html: str, shown: str) -> FrozenPage:
    """The newsroom's view of a frozen page; ``shown`` names it in a problem."""
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    if parser.json_ld is None:
        raise PresserError(f"{shown}: no schema.org JSON-LD, so the newsroom cannot list it")
    try:
        data = json.loads(parser.json_ld)
        published = datetime.fromisoformat(data["datePublished"])
        modified = datetime.fromisoformat(data["dateModified"]) if "dateModified" in data else None
        headline = str(data["headline"])
    except (ValueError, KeyError, TypeError) as exc:
        raise PresserError(f"{shown}: its JSON-LD cannot be read ({exc})") from None
    match = _MAIN.search(html) or _BODY.search(html)
    corrections = tuple(
        FrozenCorrection(str(c.get("datePublished", "")), str(c.get("text", "")))
        for c in data.get("correction", ())
        if isinstance(c, dict)
    )
    return FrozenPage(
        headline=headline,
        description=data.get("description"),
        language=str(data.get("inLanguage", "")),
        published=published,
        modified=modified,
        tags=tuple(str(t) for t in data.get("keywords", ())),
        translations=tuple(
            str(t["identifier"])
            for t in data.get("workTranslation", ())
            if isinstance(t, dict) and "identifier" in t
        ),
        translation_of=_original(data.get("translationOfWork")),
        corrections=corrections,
        styles="\n".join(parser.styles),
        article=match.group(1).strip() if match else "",
        images=tuple(parser.images),
    )


def _original(value: object) -> str | None:
    """The file name a page's ``translationOfWork`` names, if it names one plainly."""
    if isinstance(value, dict) and isinstance(value.get("identifier"), str):
        name = value["identifier"]
        # It becomes part of the site's addresses: a plain file name only.
        if name and "/" not in name and "\\" not in name and not name.startswith("."):
            return str(name)
    return None


class _PageParser(HTMLParser):
    """The JSON-LD, the <style>s and the figures of a page presser rendered."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.json_ld: str | None = None
        self.styles: list[str] = []
        self.images: list[FrozenImage] = []
        self._raw: str | None = None  # "json" or "style" while inside one
        self._text: list[str] = []
        self._figure: dict[str, str] | None = None
        self._span: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        classes = found.get("class", "").split()
        if tag == "script" and found.get("type") == "application/ld+json":
            self._raw, self._text = "json", []
        elif tag == "style":
            self._raw, self._text = "style", []
        elif tag == "figure" and "image" in classes:
            self._figure = {}
        elif self._figure is not None and tag == "img":
            self._figure["src"] = found.get("src", "")
            self._figure["alt"] = found.get("alt", "")
        elif (
            self._figure is not None and tag == "span" and classes[:1] in (["caption"], ["credit"])
        ):
            self._span, self._text = classes[0], []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._raw is not None:
            text = "".join(self._text)
            if self._raw == "json" and self.json_ld is None:
                self.json_ld = text
            elif self._raw == "style":
                self.styles.append(text)
            self._raw = None
        elif tag == "span" and self._span is not None and self._figure is not None:
            self._figure[self._span] = " ".join("".join(self._text).split())
            self._span = None
        elif tag == "figure" and self._figure is not None:
            figure, self._figure = self._figure, None
            if figure.get("src"):
                self.images.append(
                    FrozenImage(
                        src=figure["src"],
                        alt=figure.get("alt", ""),
                        caption=figure.get("caption") or None,
                        credit=figure.get("credit") or None,
                    )
                )

    def handle_data(self, data: str) -> None:
        if self._raw is not None or self._span is not None:
            self._text.append(data)
