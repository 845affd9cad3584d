"""Headline rules (H): length, full stop, capitals, sentence case, too short to say anything."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..context import LintContext
from ..findings import Finding
from ..registry import rule
from ..text import WORD

_HEADLINE = ("headline",)
# Nordic headlines are set in sentence case; English and German ones need not be.
_SENTENCE_CASE_LANGUAGES = frozenset({"sv", "da", "nb", "nn", "no", "fi", "is"})
#: An acronym is at most this many capitals (SKL, EU, NATO); longer runs are shouting.
ACRONYM_MAX_LETTERS = 4
_CAPITALS = re.compile(r"^[^\W\d_]+$")


def _headline(ctx: LintContext) -> str | None:
    value = ctx.data.get("headline")
    return value if isinstance(value, str) else None


@rule(
    "H101",
    "headline-too-long",
    "error",
    summary="The headline is longer than headline_max_chars characters.",
    rationale="Wire services, newsroom lists and search results cut long headlines; "
    "the reader sees the first line and decides. Say the news in the first few words.",
    bad="headline: Jönköpings län får 1,4 miljoner kronor för fortsatt utveckling av "
    "missbruks- och beroendevården i hela länet under hela året 2010",
    good="headline: Jönköpings län får 1,4 miljoner till missbruksvården",
    setting="headline_max_chars",
)
def headline_too_long(ctx: LintContext) -> Iterator[Finding]:
    headline = _headline(ctx)
    limit = ctx.settings.headline_max_chars
    if headline is not None and len(headline.strip()) > limit:
        length = len(headline.strip())
        yield ctx.finding(
            "H101",
            _HEADLINE,
            f"headline is {length} characters; keep it to {limit} "
            f"(it runs on from {headline.strip()[limit - 10 : limit]!r}…)",
            offset=len(headline) - len(headline.lstrip()) + limit,
        )


@rule(
    "H102",
    "headline-full-stop",
    "error",
    summary="The headline ends in a full stop.",
    rationale="Headlines carry no full stop in any house style presser knows; "
    "a full stop makes a headline read like a sentence lifted from the text.",
    bad="headline: SKL ger 30 miljoner till missbruksvården.",
    good="headline: SKL ger 30 miljoner till missbruksvården",
)
def headline_full_stop(ctx: LintContext) -> Iterator[Finding]:
    headline = _headline(ctx)
    if headline is None:
        return
    stripped = headline.rstrip()
    if stripped.endswith(".") and not stripped.endswith(("..", "…")):
        yield ctx.finding(
            "H102", _HEADLINE, "headline ends in a full stop; drop it", offset=len(stripped) - 1
        )


@rule(
    "H103",
    "headline-all-caps",
    "error",
    summary="A word of the headline is written in capitals (acronyms such as SKL or EU aside).",
    rationale="Capitals shout, and wire editors set them back in lower case by hand. "
    f"Words of up to {ACRONYM_MAX_LETTERS} capitals pass as acronyms (SKL, EU, NATO), "
    "and so do the organisation's acronyms listed in lint.acronyms; longer words in "
    "capitals, or three short ones in a row (NU ÄR DET), are flagged.",
    bad="headline: GRATIS kurs för all personal",
    good="headline: Gratis kurs för all personal",
    setting="acronyms",
)
def headline_all_caps(ctx: LintContext) -> Iterator[Finding]:
    headline = _headline(ctx)
    if headline is None:
        return
    accepted = {word.upper() for word in ctx.settings.acronyms}
    runs: list[list[re.Match[str]]] = [[]]
    for word in WORD.finditer(headline):
        text = word.group()
        if _CAPITALS.match(text) and text.isupper() and len(text) > 1:
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    for run in runs:
        shouting = [
            w
            for w in run
            if w.group() not in accepted and (len(w.group()) > ACRONYM_MAX_LETTERS or len(run) >= 3)
        ]
        if shouting:
            words = headline[shouting[0].start() : shouting[-1].end()]
            yield ctx.finding(
                "H103",
                _HEADLINE,
                f"{words!r} is in capitals; write it in lower case "
                "(or list a name in lint.acronyms)",
                offset=shouting[0].start(),
            )


@rule(
    "H104",
    "headline-not-sentence-case",
    "warning",
    summary="A Nordic headline is in Title Case, or starts with a small letter.",
    rationale="Swedish, Danish, Norwegian, Finnish and Icelandic capitalise only the first "
    "word and names. Title Case (Får Nya Miljoner) is an English habit that looks "
    "wrong to Nordic readers. The organisation's own name is not counted.",
    bad="headline: Jönköpings Län Får Nya Miljoner Till Vården",
    good="headline: Jönköpings län får nya miljoner till vården",
)
def headline_sentence_case(ctx: LintContext) -> Iterator[Finding]:
    headline = _headline(ctx)
    if headline is None or ctx.language not in _SENTENCE_CASE_LANGUAGES:
        return
    words = list(WORD.finditer(headline))
    if not words:
        return
    first = words[0].group()
    if first[0].isalpha() and first[0].islower():
        yield ctx.finding(
            "H104", _HEADLINE, f"headline starts with a small letter ({first!r})", offset=0
        )
        return
    profile = ctx.loaded.organisation.profile
    names = " ".join(n for n in (profile.name, profile.short_name) if n).split()
    candidates = [
        w
        for w in words[1:]
        if len(w.group()) > 3 and w.group()[0].isalpha() and w.group() not in names
    ]
    capitalised = [w for w in candidates if w.group()[0].isupper() and not w.group().isupper()]
    if len(capitalised) >= 2 and len(capitalised) * 2 > len(candidates):
        shown = ", ".join(w.group() for w in capitalised[:4])
        yield ctx.finding(
            "H104",
            _HEADLINE,
            f"headline is in Title Case ({shown}); capitalise only the first word and names",
            offset=capitalised[0].start(),
        )


@rule(
    "H105",
    "headline-too-short",
    "warning",
    summary="The headline has fewer than headline_min_words words or headline_min_chars "
    "characters.",
    rationale="A newsroom sees the day's releases as a list of headlines, and one that "
    "does not say who does what is passed over: 'NO', 'Inbjudan', 'Pressmeddelande'. "
    "A headline under lint.headline_min_words words (default 3) or "
    "lint.headline_min_chars characters (default 15) is flagged.",
    bad="headline: Inbjudan",
    good="headline: Kommunen bjuder in till invigningen av nya skolan",
    setting="headline_min_words",
)
def headline_too_short(ctx: LintContext) -> Iterator[Finding]:
    headline = _headline(ctx)
    if headline is None:
        return
    min_words, min_chars = ctx.settings.headline_min_words, ctx.settings.headline_min_chars
    words, chars = len(WORD.findall(headline)), len(headline.strip())
    short = []
    if words < min_words:
        short.append(f"{words} word{'s' if words != 1 else ''}")
    if chars < min_chars:
        short.append(f"{chars} character{'s' if chars != 1 else ''}")
    if short:
        yield ctx.finding(
            "H105",
            _HEADLINE,
            f"headline is only {' and '.join(short)}; say who does what in at least "
            f"{min_words} words and {min_chars} characters",
        )
