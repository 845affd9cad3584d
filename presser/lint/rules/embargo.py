"""Embargo rule (E): "today" in a release whose embargo lifts on another day."""

from __future__ import annotations

import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from ..context import LintContext
from ..findings import Finding
from ..registry import rule

# Words that point at a day relative to when the text is read, per language.
RELATIVE_DAYS: dict[str, tuple[str, ...]] = {
    "sv": ("idag", "i dag", "igår", "i går", "imorgon", "i morgon", "ikväll", "i kväll"),
    "da": ("i dag", "idag", "i går", "i morgen", "i aften"),
    "nb": ("i dag", "idag", "i går", "i morgen", "i kveld"),
    "nn": ("i dag", "i går", "i morgon", "i kveld"),
    "no": ("i dag", "idag", "i går", "i morgen", "i kveld"),
    "fi": ("tänään", "eilen", "huomenna", "tänä iltana"),
    "is": ("í dag", "í gær", "á morgun", "í kvöld"),
    "en": ("today", "tonight", "yesterday", "tomorrow", "this morning", "this afternoon"),
    "de": ("heute", "gestern", "morgen", "heute abend"),
    "fr": ("aujourd'hui", "aujourd’hui", "hier", "demain", "ce soir"),
    "es": ("hoy", "ayer", "mañana", "esta noche"),
    "nl": ("vandaag", "gisteren", "morgen", "vanavond"),
}


def _pattern(language: str) -> re.Pattern[str] | None:
    words = RELATIVE_DAYS.get(language)
    if not words:
        return None
    spelled = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(rf"(?<!\w)(?:{spelled})(?!\w)", re.IGNORECASE)


@rule(
    "E101",
    "embargo-relative-day",
    "warning",
    summary="An embargoed release says 'today' ('idag', 'tomorrow' …) but its embargo lifts "
    "on another day than its published date.",
    rationale="Under embargo, newsrooms receive the text early and print it when the "
    "embargo lifts. If that is on another calendar day than the release's date, 'today' "
    "points at the wrong day for some readers. Name the day instead (på fredag, on "
    "Friday 29 January).",
    bad="published: 2010-02-08T09:00:00+01:00\nembargo: 2010-02-07T18:00:00+01:00\n"
    "lead: Idag startar kursen.",
    good="published: 2010-02-08T09:00:00+01:00\nembargo: 2010-02-07T18:00:00+01:00\n"
    "lead: Måndagen den 8 februari startar kursen.",
)
def embargo_relative_day(ctx: LintContext) -> Iterator[Finding]:
    release = ctx.release
    pattern = _pattern(ctx.language)
    if release.embargo is None or pattern is None:
        return
    zone = ZoneInfo(ctx.loaded.organisation.profile.timezone)
    lifts = release.embargo.astimezone(zone).date()
    published = release.published.astimezone(zone).date()
    if lifts == published:
        return
    for text_field in ctx.fields_of("prose", "headline"):
        for match in pattern.finditer(text_field.value):
            yield ctx.finding(
                "E101",
                text_field.path,
                f"{match.group()!r} under an embargo that lifts on {lifts.isoformat()}, "
                f"while the release is dated {published.isoformat()}; name the day instead",
                offset=match.start(),
            )
