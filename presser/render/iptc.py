"""What the two IPTC exports (ninjs, NewsML-G2) share: the release's identity and facts.

News agencies take a release by its identifier: the same URI for every
version, so a correction replaces the story it corrects instead of arriving as
a second one. :func:`release_uri` is fixed by what fixes the release's place in
``published/`` (its organisation and file name), never by a website or a time
that may change; the newsroom's feeds use it as their entry ids too.

:func:`export_facts` gathers, from a loaded release, what the render context
does not carry because no page prints it: each image's pixel size, media type
and byte size, and the times as ISO 8601. The exporters are then plain
functions of the context and these facts, as the text copy is of the context.

Choices, written once for both formats:

- ``firstCreated`` is the release's ``published`` time; ``versionCreated`` the
  last correction's time (the first version: ``published`` again). A render
  depends on the release alone, never on the clock.
- The publication status is *usable* for an approved or published release,
  *withheld* for one still in the workflow (a proof must not be run).
- The embargo is stated exactly when the other outputs state it: a copy for
  embargoed recipients carries it, the copy published after it lifts does not.
- Every release type is genre ``Press_Release``: all four are a press office's
  own words (IPTC's genre scheme has no finer term for them).
- Images are associations (ninjs) and links (NewsML-G2), not part of the body
  markup; their address is given when a base URL is known (the newsroom's),
  as both schemas want an absolute URI there.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from markupsafe import Markup

from ..source.images import check_image_file
from ..source.validation import LoadedRelease
from .context import ReleaseContext

#: IPTC's genre for a press release, as a URI and as a QCode of its scheme.
GENRE_URI = "http://cv.iptc.org/newscodes/genre/Press_Release"
GENRE_QCODE = "genre:Press_Release"
#: The namespace of :func:`release_uri`'s UUIDs (uuid5 of the URL below: fixed forever).
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://presser.invalid/release")


def release_uri(organisation: str, stem: str) -> str:
    """The release's identifier, the same for every version: ``urn:uuid:…``.

    A name-based UUID (RFC 9562 version 5) of the organisation's slug and the
    release's file name, the two things that fix its folder in ``published/``
    and its address in the newsroom.
    """
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{organisation}/{stem}')}"


def image_uri(item_uri: str, image_id: str) -> str:
    """An image's identifier, derived from its release's: stable across versions too."""
    return f"urn:uuid:{uuid.uuid5(uuid.UUID(item_uri.removeprefix('urn:uuid:')), image_id)}"


@dataclass(frozen=True)
class ImageFacts:
    """One image as an agency needs it: what its file is, besides what the page shows."""

    id: str  #: the image's id in the release
    file_name: str  #: the file's name, as the newsroom's downloads give it
    src: str  #: its address relative to the output folder (as the page's)
    media_type: str  #: "image/png", "image/jpeg", "image/webp"
    width: int  #: in pixels
    height: int  #: in pixels
    size: int  #: in bytes


@dataclass(frozen=True)
class ExportFacts:
    """What the exports need beyond the render context."""

    uri: str  #: :func:`release_uri`
    status: str  #: draft | review | approved | published
    first_created: str  #: ISO 8601 with offset
    version_created: str  #: ISO 8601 with offset
    images: tuple[ImageFacts, ...]  #: in the release's order
    #: the absolute address the images' ``src`` is relative to (the newsroom's), or None
    base_url: str | None = None

    @property
    def usable(self) -> bool:
        return self.status in ("approved", "published")


def export_facts(
    loaded: LoadedRelease, context: ReleaseContext, base_url: str | None = None
) -> ExportFacts:
    """The facts of ``loaded`` for the exports; ``context`` gives the images' addresses."""
    release = loaded.release
    srcs = {block.image.id: block.image.src for block in context.body if block.image is not None}
    images = []
    for image in release.images:
        file = loaded.image_file(image.path)
        info = check_image_file(file, loaded.workspace.limits)
        images.append(
            ImageFacts(
                id=image.id,
                file_name=file.name,
                src=srcs.get(image.id, file.name),
                media_type=info.mime_type,
                width=info.width,
                height=info.height,
                size=file.stat().st_size,
            )
        )
    version_created = context.corrections[-1].iso if context.corrections else None
    return ExportFacts(
        uri=release_uri(loaded.organisation.slug, loaded.stem),
        status=release.status,
        first_created=context.published.iso,
        version_created=version_created or context.published.iso,
        images=tuple(images),
        base_url=base_url,
    )


def image_href(facts: ExportFacts, image: ImageFacts) -> str | None:
    """The image's absolute address, when a base URL is known."""
    if facts.base_url is None:
        return None
    return facts.base_url.rstrip("/") + "/" + image.src


def body_html(context: ReleaseContext) -> Markup:
    """The body as an HTML fragment: Markdown as the page sets it, quotes as blockquotes.

    Images are left out: they travel as associations with their own metadata.
    """
    parts: list[Markup] = []
    for block in context.body:
        if block.kind == "markdown" and block.html is not None:
            parts.append(block.html)
        elif block.kind == "quote" and block.quote is not None:
            parts.append(Markup("<blockquote><p>{}</p></blockquote>\n").format(block.quote.text))
    return Markup("").join(parts)


def correction_note(context: ReleaseContext) -> str | None:
    """Every correction notice, one a line, as the outputs print them; None without any."""
    if not context.corrections:
        return None
    return "\n".join(c.line for c in context.corrections)
