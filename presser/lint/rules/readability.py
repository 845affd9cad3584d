"""Readability rules (R): LIX or Flesch over the whole text, and long sentences."""

from __future__ import annotations

from collections.abc import Iterator

from ..context import LintContext
from ..findings import Finding
from ..readability import FLESCH_LANGUAGES, LIX_LANGUAGES, score
from ..registry import rule
from ..text import sentences, words


def _readable(ctx: LintContext) -> tuple[list[str], int]:
    """The words and the number of sentences of lead, body and quotes together."""
    all_words: list[str] = []
    count = 0
    for text_field in ctx.fields:
        if text_field.readable:
            prose = ctx.prose(text_field)
            all_words += [w.group() for w in words(prose.text)]
            count += len(sentences(prose.text))
    return all_words, count


def _first_readable(ctx: LintContext) -> tuple[str | int, ...]:
    return next((f.path for f in ctx.fields if f.readable), ())


@rule(
    "R101",
    "readability-lix",
    "warning",
    summary="LIX of lead, body and quotes is over lix_max (Swedish, Danish, Norwegian).",
    rationale="LIX adds words per sentence to the share of words over six letters. Under 40 "
    "reads like a newspaper; over 50 like a report; over 60 like an authority's decision. "
    "Shorter sentences and fewer long compounds bring it down. Silent below 40 words.",
    bad="lead: Överenskommelsen om utvecklingsarbetet avseende kunskapsutveckling …",
    good="lead: SKL och regeringen är överens: arbetet fortsätter.",
    setting="lix_max",
)
def readability_lix(ctx: LintContext) -> Iterator[Finding]:
    if ctx.language not in LIX_LANGUAGES:
        return
    all_words, count = _readable(ctx)
    found = score(all_words, count, ctx.language)
    if found is not None and found.value > ctx.settings.lix_max:
        yield ctx.finding(
            "R101",
            _first_readable(ctx),
            f"LIX is {found.value:.0f} (over {ctx.settings.lix_max}: hard to read) over "
            f"{found.words} words in {found.sentences} sentences; shorten sentences and "
            "long words",
        )


@rule(
    "R102",
    "readability-flesch",
    "warning",
    summary="Flesch reading ease of lead, body and quotes is under flesch_min (English, German).",
    rationale="Flesch reading ease falls as sentences and words grow longer: 60-70 is plain "
    "English, under 30 is academic prose. German uses Amstad's version of the formula. "
    "Syllables are estimated (see presser/lint/readability.py). Silent below 40 words.",
    bad="lead: The implementation of the intermunicipal coordination framework …",
    good="lead: The county's 13 towns will train 400 staff together this year.",
    setting="flesch_min",
)
def readability_flesch(ctx: LintContext) -> Iterator[Finding]:
    if ctx.language not in FLESCH_LANGUAGES:
        return
    all_words, count = _readable(ctx)
    found = score(all_words, count, ctx.language)
    if found is not None and found.value < ctx.settings.flesch_min:
        yield ctx.finding(
            "R102",
            _first_readable(ctx),
            f"Flesch reading ease is {found.value:.0f} (under {ctx.settings.flesch_min}: "
            f"very hard to read) over {found.words} words in {found.sentences} sentences; "
            "shorten sentences and words",
        )


@rule(
    "R103",
    "sentence-too-long",
    "warning",
    summary="A sentence of lead, body or quotes has more than sentence_max_words words.",
    rationale="Readers lose the thread of a sentence past about 35 words, and a wire editor "
    "splits it. Each long sentence is reported where it starts.",
    bad="body: [one sentence of 42 words]",
    good="body: [the same said in two sentences]",
    setting="sentence_max_words",
)
def sentence_too_long(ctx: LintContext) -> Iterator[Finding]:
    limit = ctx.settings.sentence_max_words
    for text_field in ctx.fields:
        if not text_field.readable:
            continue
        prose = ctx.prose(text_field)
        for start, end in sentences(prose.text):
            count = len(words(prose.text[start:end]))
            if count > limit:
                opening = " ".join(prose.text[start:end].split()[:5])
                yield ctx.finding(
                    "R103",
                    text_field.path,
                    f"sentence of {count} words (over {limit}) starting {opening!r}…; split it",
                    offset=prose.value_offset(start),
                )
