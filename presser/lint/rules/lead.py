"""Lead rules (L): present, short, few sentences."""

from __future__ import annotations

from collections.abc import Iterator

from ..context import LintContext
from ..findings import Finding
from ..registry import rule
from ..text import TextField, sentences, words


def _lead(ctx: LintContext) -> TextField | None:
    return next((f for f in ctx.fields if f.path == ("lead",)), None)


@rule(
    "L101",
    "lead-missing",
    "error",
    summary="The release has no lead.",
    rationale="The lead (ingress) is the paragraph newsrooms copy and search results show; "
    "a release that starts straight on the body leaves them to write it.",
    bad="headline: …\nbody: Den bärande idén är …",
    good="headline: …\nlead: Alla län får medel för missbruksvården under 2010.\nbody: …",
)
def lead_missing(ctx: LintContext) -> Iterator[Finding]:
    if _lead(ctx) is None:
        yield ctx.finding(
            "L101", (), "the release has no lead: say what happened, to whom and why it matters"
        )


@rule(
    "L102",
    "lead-too-long",
    "error",
    summary="The lead has more than lead_max_words words.",
    rationale="A lead is read whole or not at all; past about 60 words it stops being a lead "
    "and becomes the first paragraph of the body.",
    bad="lead: (a paragraph of 80 words)",
    good="lead: (the news in 40 words; the rest moved to the body)",
    setting="lead_max_words",
)
def lead_too_long(ctx: LintContext) -> Iterator[Finding]:
    lead = _lead(ctx)
    if lead is None:
        return
    prose = ctx.prose(lead)
    found = words(prose.text)
    limit = ctx.settings.lead_max_words
    if len(found) > limit:
        yield ctx.finding(
            "L102",
            lead.path,
            f"lead has {len(found)} words; keep it to {limit} (word {limit + 1} is "
            f"{found[limit].group()!r})",
            offset=prose.value_offset(found[limit].start()),
        )


@rule(
    "L103",
    "lead-too-many-sentences",
    "error",
    summary="The lead has more than lead_max_sentences sentences.",
    rationale="A lead of one to three sentences states the news; more sentences belong in "
    "the body.",
    bad="lead: SKL ger 30 miljoner. Alla län får del. Pengarna går till vården. Arbetet "
    "fortsätter.",
    good="lead: SKL ger 30 miljoner till missbruksvården, och alla län får del.",
    setting="lead_max_sentences",
)
def lead_too_many_sentences(ctx: LintContext) -> Iterator[Finding]:
    lead = _lead(ctx)
    if lead is None:
        return
    prose = ctx.prose(lead)
    found = sentences(prose.text)
    limit = ctx.settings.lead_max_sentences
    if len(found) > limit:
        yield ctx.finding(
            "L103",
            lead.path,
            f"lead has {len(found)} sentences; keep it to {limit}",
            offset=prose.value_offset(found[limit][0]),
        )
