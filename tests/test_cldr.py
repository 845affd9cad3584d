"""presser.source.cldr is pinned to Babel: what it accepts without Babel, Babel accepts.

Its shortcuts exist only to spare ``presser validate`` the Babel import; every
verdict must be Babel's, for the Babel installed (the lock's, or the newest
under ``make test-latest``).
"""

from __future__ import annotations

import pytest
from babel import Locale, UnknownLocaleError
from babel.dates import PATTERN_CHARS, format_datetime, parse_pattern

from presser.source import cldr


@pytest.mark.parametrize("char", sorted(cldr._PLAIN_FIELDS))
def test_every_plain_field_and_length_is_babel_s(char: str) -> None:
    longest = cldr._PLAIN_FIELDS[char]
    allowed = PATTERN_CHARS[char]
    assert char in PATTERN_CHARS
    # None: Babel takes any length of it.
    assert (allowed is None) == (longest is None)
    for length in range(1, (longest or 6) + 1):
        assert allowed is None or length in allowed, (char, length)


PATTERNS = [
    "d MMMM y",
    "d MMMM y HH:mm",
    "d MMMM y HH:mm z",
    "EEEE d MMMM y 'kl.' HH.mm",
    "MMM d, y h:mm a zzzz",
    "y-MM-dd'T'HH:mm:ssZZZZZ",
    "dd.MM.yyyy",
    "GGGGG y",
    "hh:mm aaaaaa",
    "d MMMMMM y",
    "QQQ y",
    "ddd",
    "'unclosed",
    "HH:mm zzzzz",
    "EEEEEEE",
    "",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_a_pattern_is_accepted_exactly_when_babel_accepts_it(pattern: str) -> None:
    try:
        parse_pattern(pattern)
        format_datetime(None, pattern, locale="en")  # Babel's verdict: it can format it
        babel_accepts = True
    except (ValueError, TypeError, KeyError):
        babel_accepts = False
    try:
        cldr.check_date_pattern(pattern)
        presser_accepts = True
    except ValueError:
        presser_accepts = False
    if cldr._plain_pattern(pattern):
        assert babel_accepts, f"presser's shortcut accepts {pattern!r}, Babel does not"
    else:
        assert presser_accepts == _babel_parses(pattern)


def _babel_parses(pattern: str) -> bool:
    try:
        parse_pattern(pattern)
    except (ValueError, TypeError):
        return False
    return True


@pytest.mark.parametrize("identifier", ["sv", "en_GB", "en-GB", "nb", "fi", "xx", "sv_XX", "zz_ZZ"])
def test_a_locale_is_known_exactly_when_babel_knows_it(identifier: str) -> None:
    try:
        Locale.parse(identifier.replace("-", "_"))
        babel_knows = True
    except (UnknownLocaleError, ValueError):
        babel_knows = False
    assert cldr.is_known_locale(identifier) == babel_knows
