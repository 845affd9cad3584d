"""Dates written in running text, read with Babel's names for the release language.

Finds "måndagen den 29 januari 2010", "Friday, January 29", "29 January
2010", "fredag 29. januar" and ISO dates (2010-01-29). Weekday and month
names come from the CLDR data Babel carries (format and stand-alone forms,
wide and abbreviated months), so every language Babel knows works; the
Scandinavian definite forms (måndagen, mandagen) are added here because CLDR
has no such form.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from ..render.text_style import babel_locale

_DEFINITE_WEEKDAY = {"sv": "en", "da": "en", "nb": "en", "nn": "en", "no": "en"}
# Small words between a weekday and its date: "måndagen den 29", "Monday the 29th",
# "lundi le 29", "Montag, dem 29.", "lunes, 29 de enero de 2010".
_CONNECTOR = r"(?:,?\s+|\s*,\s*)(?:(?:den|dem|der|the|le|el|on)\s+)?"
_DAY = r"(?P<{}>\d{{1,2}})(?:st|nd|rd|th|\.|:e|:a)?"
_YEAR = r"(?:\s*,?\s+(?:de\s+|of\s+)?(?P<year>\d{4}))"


@dataclass(frozen=True)
class TextDate:
    """A date found in text; ``weekday`` is 0 for Monday when a weekday was named."""

    start: int
    end: int
    text: str
    day: int
    month: int
    year: int | None
    weekday: int | None

    def resolve(self, near: date) -> date | None:
        """The date meant: its own year, else the one nearest ``near``; None if impossible."""
        years = [self.year] if self.year else [near.year - 1, near.year, near.year + 1]
        candidates = []
        for year in years:
            try:
                candidates.append(date(year, self.month, self.day))
            except ValueError:
                continue
        if not candidates:
            return None
        return min(candidates, key=lambda found: abs((found - near).days))


@dataclass(frozen=True)
class _Vocabulary:
    weekdays: dict[str, int]
    months: dict[str, int]
    pattern: re.Pattern[str]


def _alternatives(names: dict[str, int]) -> str:
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


@functools.cache
def _vocabulary(language: str) -> _Vocabulary:
    locale = babel_locale(language)
    weekdays: dict[str, int] = {}
    months: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for number, name in locale.days[context]["wide"].items():
            weekdays[name.lower()] = number
            if suffix := _DEFINITE_WEEKDAY.get(language):
                weekdays[name.lower() + suffix] = number
        for width in ("wide", "abbreviated"):
            for number, name in locale.months[context][width].items():
                months[name.lower().rstrip(".")] = number
    weekday = f"(?P<weekday>{_alternatives(weekdays)})"
    month = _alternatives(months)
    day_first = _DAY.format("day1") + rf"\s+(?:de\s+|of\s+)?(?P<month1>{month})\.?"
    month_first = rf"(?P<month2>{month})\.?\s+" + _DAY.format("day2")
    pattern = re.compile(
        rf"(?<!\w)(?:{weekday}{_CONNECTOR})?(?:{day_first}|{month_first}){_YEAR}?(?!\w)"
        r"|(?<![\w-])(?P<iso>(?P<iso_year>\d{4})-(?P<iso_month>\d{2})-(?P<iso_day>\d{2}))(?![\w-])",
        re.IGNORECASE,
    )
    return _Vocabulary(weekdays, months, pattern)


def find_dates(text: str, language: str) -> Iterator[TextDate]:
    """Every date in ``text`` written the way ``language`` writes dates (and ISO dates)."""
    vocabulary = _vocabulary(language)
    for match in vocabulary.pattern.finditer(text):
        if match.group("iso"):
            yield TextDate(
                match.start(),
                match.end(),
                match.group(0),
                int(match.group("iso_day")),
                int(match.group("iso_month")),
                int(match.group("iso_year")),
                None,
            )
            continue
        day = match.group("day1") or match.group("day2")
        month = (match.group("month1") or match.group("month2")).lower()
        named = match.group("weekday")
        yield TextDate(
            match.start(),
            match.end(),
            match.group(0),
            int(day),
            vocabulary.months[month],
            int(match.group("year")) if match.group("year") else None,
            vocabulary.weekdays[named.lower()] if named else None,
        )


def weekday_name(day: date, language: str) -> str:
    """The weekday of ``day`` in ``language``: fredag, Friday."""
    name: str = babel_locale(language).days["format"]["wide"][day.weekday()]
    return name
