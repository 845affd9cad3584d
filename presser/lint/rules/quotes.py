"""Quote rules (Q): roles, speakers, quotation marks, placement."""

from __future__ import annotations

from collections.abc import Iterator

from ..context import LintContext
from ..findings import Finding
from ..registry import rule
from ..typography import quotation_marks, quote_pairs, straight_quotes


@rule(
    "Q101",
    "quote-speaker-without-role",
    "error",
    summary="A speaker's first quote gives no role.",
    rationale="Readers need to know who is speaking the first time a person speaks: "
    "'säger Anders Knape, ordförande för SKL'. Later quotes by the same speaker may "
    "leave the role out. A quote with its own attribution is left alone.",
    bad="quotes:\n  - {id: q1, text: Det är bra., speaker: Anders Knape}",
    good="quotes:\n  - {id: q1, text: Det är bra., speaker: Anders Knape, role: ordförande}",
)
def speaker_without_role(ctx: LintContext) -> Iterator[Finding]:
    seen: set[str] = set()
    for index, quote in enumerate(ctx.release.quotes):
        if not quote.speaker or quote.attribution:
            continue
        speaker = " ".join(quote.speaker.split()).casefold()
        if speaker not in seen and not quote.role:
            yield ctx.finding(
                "Q101",
                ("quotes", index, "speaker"),
                f"first quote by {quote.speaker!r} gives no role; add role: (their title)",
            )
        seen.add(speaker)


@rule(
    "Q102",
    "quote-without-speaker",
    "error",
    summary="A quote has neither a speaker nor an attribution.",
    rationale="An unattributed quote cannot be used by a newsroom: someone has to have said it.",
    bad="quotes:\n  - {id: q1, text: Det är bra.}",
    good="quotes:\n  - {id: q1, text: Det är bra., speaker: Anna Berg, role: kommunalråd}",
)
def quote_without_speaker(ctx: LintContext) -> Iterator[Finding]:
    for index, quote in enumerate(ctx.release.quotes):
        if not quote.speaker and not quote.attribution:
            named = f"quote '{quote.id}'" if quote.id else ctx.where(("quotes", index))
            yield ctx.finding(
                "Q102", ("quotes", index), f"{named} has no speaker; add speaker: (or attribution:)"
            )


@rule(
    "Q103",
    "straight-quotes",
    "warning",
    summary='Straight quotation marks (") typed in the text.',
    rationale='Swedish and Finnish set ”…”, English “…”, German „…“; a straight " is a '
    "typewriter habit, and in Nordic text a plain error. presser sets quotes: in the house "
    "style by itself; this is about quotation marks typed inside the text. --fix sets the "
    "language's own marks where the straight ones pair up.",
    bad='body: Projektet heter "Kunskap till praktik".',
    good="body: Projektet heter ”Kunskap till praktik”.",
    fixable=True,
)
def straight_quotation_marks(ctx: LintContext) -> Iterator[Finding]:
    opening, closing = quotation_marks(ctx.language)
    marks = f"{opening.strip()}…{closing.strip()}"
    for text_field in ctx.fields:
        how = (
            "presser lint --fix sets them"
            if quote_pairs(text_field.value)
            else "--fix cannot pair it: set it by hand"
        )
        for offset in straight_quotes(text_field.value):
            yield ctx.finding(
                "Q103",
                text_field.path,
                f'straight quotation mark "; use {marks} ({how})',
                offset=offset,
            )


@rule(
    "Q104",
    "quote-not-placed",
    "warning",
    summary="The body places some quotes with 'quote: ID' but not this one.",
    rationale="A quote that is not placed is set after the body. When the body places no "
    "quote at all (or is one Markdown text), that is clearly meant and nothing is said. "
    "When it places some but not others, the missing one is usually forgotten; if it is "
    "meant to follow the body, leave out its id (a quote without one cannot be placed) "
    "or say so with lint: {ignore: [Q104]} in the release.",
    bad="body:\n  - quote: q1\n  - Text.\nquotes:\n  - {id: q1, …}\n  - {id: q2, …}",
    good="body:\n  - quote: q1\n  - Text.\n  - quote: q2",
)
def quote_not_placed(ctx: LintContext) -> Iterator[Finding]:
    body = ctx.data.get("body")
    if not isinstance(body, list):
        return
    placed = {b.get("quote") for b in body if isinstance(b, dict) and b.get("quote")}
    if not placed:
        return
    for index, quote in enumerate(ctx.release.quotes):
        # Without an id a quote cannot be placed: following the body is what it asks for.
        if quote.id is not None and quote.id not in placed:
            yield ctx.finding(
                "Q104",
                ("quotes", index, "id"),
                f"quote '{quote.id}' is not placed in the body (add '- quote: {quote.id}'); "
                "it will be set after the body",
            )
