"""Day and date rules (D): weekdays that do not match their date, dates far from published."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from zoneinfo import ZoneInfo

from ..context import LintContext
from ..dates import find_dates, weekday_name
from ..findings import Finding
from ..registry import rule


def _published_day(ctx: LintContext) -> date:
    zone = ZoneInfo(ctx.loaded.organisation.profile.timezone)
    published: date = ctx.release.published.astimezone(zone).date()
    return published


@rule(
    "D101",
    "weekday-date-mismatch",
    "error",
    summary="A weekday named with a date is not that date's weekday, or the date does not exist.",
    rationale="'Måndagen den 29 januari 2010' was a Friday: one of the two is wrong, and "
    "readers will turn up on the wrong day. Weekday and month names are read in the "
    "release language (Babel's CLDR data); a date without a year is taken in the year "
    "nearest to published.",
    bad="body: Konferensen hålls måndagen den 29 januari 2010.",
    good="body: Konferensen hålls fredagen den 29 januari 2010.",
)
def weekday_mismatch(ctx: LintContext) -> Iterator[Finding]:
    near = _published_day(ctx)
    for text_field in ctx.fields_of("prose", "headline"):
        for found in find_dates(text_field.value, ctx.language):
            meant = found.resolve(near)
            if meant is None:
                yield ctx.finding(
                    "D101",
                    text_field.path,
                    f"{found.text!r} is not a date in the calendar",
                    offset=found.start,
                )
            elif found.weekday is not None and meant.weekday() != found.weekday:
                yield ctx.finding(
                    "D101",
                    text_field.path,
                    f"{found.text!r} names the wrong weekday: {meant.isoformat()} is a "
                    f"{weekday_name(meant, ctx.language)}",
                    offset=found.start,
                )


@rule(
    "D102",
    "date-far-from-published",
    "warning",
    summary="A full date (with its year) in the text lies more than date_span_days from published.",
    rationale="A date a year off is the classic trace of last year's release reused as a "
    "template. Dates without a year are not checked here (they are read as the nearest one).",
    bad="published: 2010-01-28T09:52:00+01:00\nbody: Konferensen hålls den 29 januari 2009.",
    good="published: 2010-01-28T09:52:00+01:00\nbody: Konferensen hålls den 29 januari 2010.",
    setting="date_span_days",
)
def date_far_from_published(ctx: LintContext) -> Iterator[Finding]:
    near = _published_day(ctx)
    span = ctx.settings.date_span_days
    for text_field in ctx.fields_of("prose", "headline"):
        for found in find_dates(text_field.value, ctx.language):
            meant = found.resolve(near) if found.year else None
            if meant is not None and abs((meant - near).days) > span:
                yield ctx.finding(
                    "D102",
                    text_field.path,
                    f"{found.text!r} is {abs((meant - near).days)} days from the release's "
                    f"date {near.isoformat()} (more than {span}); is the year right?",
                    offset=found.start,
                )
