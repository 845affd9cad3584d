"""Leftover template text (P): placeholders and the sample sentences of presser new."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...source.drafts import DRAFT_TEXT
from ..context import LintContext
from ..findings import Finding
from ..registry import rule

# Markers written in capitals only: "todo" is Spanish for "all".
_MARKERS = re.compile(r"(?<!\w)(?:TODO|FIXME|TBD|TBA|XX+)(?!\w)")
_LOREM = re.compile(r"lorem\s+ipsum", re.IGNORECASE)
# [insert quote], [namn], [datum] … but not a Markdown link [text](url) or an editor's
# insertion in a quote ("[the council] will"), which uses ordinary words.
_BRACKETED = re.compile(
    r"\[\s*(?:insert|infoga|lägg\s+in|lägg\s+till|fyll\s+i|add|placeholder|name|namn|date|"
    r"datum|title|titel|quote|citat|link|länk|url|tbd|xx+|\.\.\.|…)(?:[^\]\n]{0,60})\](?!\()",
    re.IGNORECASE,
)
# <name>, <Förnamn Efternamn>: words in angle brackets. Addresses (<https://…>, <a@b>)
# have : / @ or . in them and are not matched.
_ANGLED = re.compile(r"<(?![/!])[^\W\d_][\w \t-]{0,40}>")


@rule(
    "P101",
    "placeholder-text",
    "error",
    summary="Placeholder text is left: `TODO`, `FIXME`, `TBD`, `XXX`, `Lorem ipsum`, "
    "`[insert …]`, `<name>`.",
    rationale="A placeholder that reaches a newsroom is the most embarrassing mistake a "
    "release can make, and a wire service prints what it is sent.",
    bad="lead: Konferensen hålls den XX mars i <lokal>.",
    good="lead: Konferensen hålls den 4 mars i Elmia kongresshall.",
)
def placeholder_text(ctx: LintContext) -> Iterator[Finding]:
    for text_field in ctx.fields:
        value = text_field.value
        for pattern in (_MARKERS, _LOREM, _BRACKETED, _ANGLED):
            for match in pattern.finditer(value):
                yield ctx.finding(
                    "P101",
                    text_field.path,
                    f"placeholder {match.group()!r} left in {ctx.where(text_field.path)}",
                    offset=match.start(),
                )


def _draft_sentences() -> list[tuple[str, str]]:
    """The sample text of presser new, per language: (what it is, the text)."""
    return [(kind, text) for words in DRAFT_TEXT.values() for kind, text in words.items()]


@rule(
    "P102",
    "scaffold-text",
    "error",
    summary="Sample text from presser new is left (Skriv rubriken här, First Last, …).",
    rationale="presser new writes a draft that validates as it is, so validation cannot "
    "tell that its sample headline, lead, quote or speaker were never replaced; this rule "
    "can.",
    bad='headline: "Skriv rubriken här"',
    good="headline: Länet får 1,4 miljoner till missbruksvården",
)
def scaffold_text(ctx: LintContext) -> Iterator[Finding]:
    samples = _draft_sentences()
    for text_field in ctx.fields:
        value = text_field.value
        folded = value.casefold()
        for kind, sample in samples:
            if kind in {"role", "speaker"}:
                # Short words ("titel", "title") only count as the whole field.
                if folded.strip() == sample.casefold():
                    yield ctx.finding(
                        "P102",
                        text_field.path,
                        f"{ctx.where(text_field.path)} is still the sample {kind} "
                        f"{sample!r} from presser new",
                    )
                continue
            at = folded.find(sample.casefold())
            if at >= 0:
                yield ctx.finding(
                    "P102",
                    text_field.path,
                    f"sample {kind} from presser new left: {sample!r}",
                    offset=at,
                )
