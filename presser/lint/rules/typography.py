"""Typography rules (T): repeated words, double spaces, space before punctuation, trailing
spaces, hyphens for dashes."""

from __future__ import annotations

from collections.abc import Iterator

from ..context import LintContext
from ..findings import Finding
from ..registry import rule
from ..typography import (
    double_spaces,
    repeated_words,
    space_before_punctuation,
    spaced_hyphens,
    trailing_space_lines,
)


@rule(
    "T101",
    "repeated-word",
    "error",
    summary="The same word twice in a row ('the the', 'och och').",
    rationale="A doubled word is the commonest slip of editing, and the eye skips it on "
    "proofreading. Grammatical repeats (that that, had had) are allowed.",
    bad="lead: Kommunerna och och landstinget samarbetar.",
    good="lead: Kommunerna och landstinget samarbetar.",
)
def repeated_word(ctx: LintContext) -> Iterator[Finding]:
    for text_field in ctx.fields:
        prose = ctx.prose(text_field)
        for match in repeated_words(prose.text):
            yield ctx.finding(
                "T101",
                text_field.path,
                f"{match.group(1)!r} twice in a row",
                offset=prose.value_offset(match.start(2)),
            )


@rule(
    "T102",
    "double-space",
    "warning",
    summary="Two or more spaces between words.",
    rationale="Double spaces are invisible on screen but show in the wire copy and in "
    "print. --fix makes them one.",
    bad="lead: Alla län  får medel.",
    good="lead: Alla län får medel.",
    fixable=True,
)
def double_space(ctx: LintContext) -> Iterator[Finding]:
    for text_field in ctx.fields:
        for match in double_spaces(text_field.value):
            yield ctx.finding(
                "T102",
                text_field.path,
                f"{len(match.group())} spaces in a row; one is enough",
                offset=match.start(),
            )


@rule(
    "T103",
    "space-before-punctuation",
    "warning",
    summary="A space before a comma, full stop, colon, semicolon, ! or ? (French: , and .).",
    rationale="A space before punctuation lets a line break strand the mark at the start "
    "of the next line. French typography wants a space before ; : ! ? and is left alone "
    "there.",
    bad="lead: Alla län får medel , och arbetet fortsätter .",
    good="lead: Alla län får medel, och arbetet fortsätter.",
)
def space_before_punctuation_rule(ctx: LintContext) -> Iterator[Finding]:
    for text_field in ctx.fields:
        prose = ctx.prose(text_field)
        for match in space_before_punctuation(prose.text, ctx.language):
            mark = prose.text[match.end()]
            yield ctx.finding(
                "T103",
                text_field.path,
                f"space before {mark!r}; remove it",
                offset=prose.value_offset(match.start()),
            )


@rule(
    "T104",
    "trailing-whitespace",
    "warning",
    summary="Spaces or tabs at the end of a line of the file.",
    rationale="Trailing spaces are invisible in an editor and turn into double spaces where "
    "a folded (>) text joins its lines. Lines inside a literal (|) block are left alone: "
    "there two trailing spaces are a Markdown line break. --fix removes them.",
    bad="lead: >-\n  Alla län får medel·· \n  under 2010.",
    good="lead: >-\n  Alla län får medel\n  under 2010.",
    fixable=True,
)
def trailing_whitespace(ctx: LintContext) -> Iterator[Finding]:
    if ctx.source is None:
        return
    for start, _end in trailing_space_lines(ctx.source.text, ctx.literal_lines):
        yield ctx.finding(
            "T104",
            (),
            "trailing whitespace at the end of the line",
            position=ctx.source.line_column(start),
        )


@rule(
    "T105",
    "hyphen-as-dash",
    "warning",
    summary="A hyphen used as a dash between words (' - ' for ' – ').",
    rationale="A spaced hyphen is a typewriter's dash. Swedish, English (British house "
    "style) and the other languages presser knows set a spaced en dash ( – ). --fix "
    "replaces it.",
    bad="lead: Kunskap till praktik - ett utvecklingsarbete.",
    good="lead: Kunskap till praktik – ett utvecklingsarbete.",
    fixable=True,
)
def hyphen_as_dash(ctx: LintContext) -> Iterator[Finding]:
    for text_field in ctx.fields:
        for match in spaced_hyphens(text_field.value):
            yield ctx.finding(
                "T105",
                text_field.path,
                f"{match.group(1)!r} used as a dash; write an en dash (–)",
                offset=match.start(1),
            )
