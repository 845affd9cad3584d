"""Link rules (K): insecure addresses and link text that says nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..context import LintContext
from ..findings import Finding
from ..registry import rule
from ..text import inline_links

# Link text that only makes sense next to the link, per language; compared without
# case and trailing punctuation.
VAGUE_LINK_TEXT = frozenset(
    {
        # en
        "click here", "here", "read more", "read more here", "more", "link", "this link",
        "click", "more info", "more information", "learn more",
        # sv
        "klicka här", "här", "läs mer", "läs mer här", "mer", "länk", "denna länk",
        "mer info", "mer information",
        # da, nb, nn
        "klik her", "klikk her", "her", "læs mere", "læs mere her", "les mer", "les mer her",
        # fi, de, fr, es, nl
        "klikkaa tästä", "tästä", "lue lisää", "hier klicken", "hier", "mehr", "weiterlesen",
        "cliquez ici", "ici", "en savoir plus", "haga clic aquí", "aquí", "klik hier",
        "lees meer",
    }
)  # fmt: skip


def _links(ctx: LintContext) -> Iterator[tuple[tuple[str | int, ...], str, str, int, int]]:
    """(field path, text, url, text offset, url offset) of every link in the release."""
    for index, link in enumerate(ctx.release.links):
        yield ("links", index, "text"), link.text, link.url, -1, -1
    for text_field in ctx.fields_of("prose"):
        if text_field.markdown:
            for text, url, text_at, url_at in inline_links(text_field.value):
                yield text_field.path, text, url, text_at, url_at


@rule(
    "K101",
    "insecure-link",
    "warning",
    summary="A link uses http:// where https:// is expected.",
    rationale="Browsers mark http:// pages as not secure, and most sites answer on https:// "
    "now; a newsroom that follows the link should not get a warning.",
    bad="links:\n  - {text: Läs mer om projektet, url: http://www.skl.se/projekt}",
    good="links:\n  - {text: Läs mer om projektet, url: https://www.skl.se/projekt}",
)
def insecure_link(ctx: LintContext) -> Iterator[Finding]:
    for path, _text, url, _text_at, url_at in _links(ctx):
        if re.match(r"http://", url, re.IGNORECASE):
            where = (*path[:-1], "url") if path[0] == "links" else path
            yield ctx.finding(
                "K101",
                where,
                f"{url!r} uses http://; use https:// if the site has it",
                offset=url_at if url_at >= 0 else None,
            )


@rule(
    "K102",
    "vague-link-text",
    "error",
    summary="Link text such as 'click here', 'klicka här', 'här' or 'read more'.",
    rationale="Link text is read on its own: by screen readers, in link lists, on paper. "
    "Say where the link goes ('Läs mer om konferensen').",
    bad="links:\n  - {text: Klicka här, url: https://www.skl.se/konferens}",
    good="links:\n  - {text: Program för konferensen, url: https://www.skl.se/konferens}",
)
def vague_link_text(ctx: LintContext) -> Iterator[Finding]:
    for path, text, _url, text_at, _url_at in _links(ctx):
        normalised = " ".join(text.split()).casefold().rstrip(".:!»›>… ")
        if normalised in VAGUE_LINK_TEXT:
            yield ctx.finding(
                "K102",
                path,
                f"link text {text!r} says nothing on its own; say where the link goes",
                offset=text_at if text_at >= 0 else None,
            )
