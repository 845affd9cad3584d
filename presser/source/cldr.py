"""Checks of an organisation's CLDR settings that usually need no Babel import.

``presser validate`` (and lint and status) check every organisation's
``date_format`` and ``date_locale``; importing Babel for that would cost more
than validating a release. The common, plain cases are recognised here
without Babel, and only when a value is accepted *for certain*: anything
else (quoted text in a pattern, an unusual field, a locale that needs
Babel's likely-subtags resolution) goes to Babel, whose verdict stands. So
these checks accept exactly what Babel accepts, only faster.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
from pathlib import Path

# Date fields whose every length from 1 to the number given is valid in Babel's
# PATTERN_CHARS (None: any length). Letters not listed here go to Babel.
_PLAIN_FIELDS: dict[str, int | None] = {
    "G": 5,
    "y": None,
    "M": 5,
    "L": 5,
    "d": 2,
    "E": 6,
    "a": 5,
    "h": 2,
    "H": 2,
    "K": 2,
    "k": 2,
    "m": 2,
    "s": 2,
    "z": 4,
    "Z": 5,
}
_CANONICAL_LOCALE = re.compile(r"[a-z]{2,3}(?:_(?:[A-Z]{2}|[0-9]{3}))?")


def check_date_pattern(pattern: str) -> None:
    """Raise ValueError unless ``pattern`` is a CLDR date pattern Babel can format."""
    if _plain_pattern(pattern):
        return
    from babel.dates import parse_pattern

    try:
        parse_pattern(pattern)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"not a CLDR date pattern: {exc}") from None


def _plain_pattern(pattern: str) -> bool:
    """Fields from :data:`_PLAIN_FIELDS` at valid lengths, and punctuation: valid for certain."""
    for char, run in itertools.groupby(pattern):
        if char == "'" or ("a" <= char.lower() <= "z" and char not in _PLAIN_FIELDS):
            return False  # quoting or an unusual field: let Babel decide
        longest = _PLAIN_FIELDS.get(char, 0)
        if longest and len(list(run)) > longest:
            return False
    return True


def is_known_locale(identifier: str) -> bool:
    """Whether Babel has data for the locale (``en_GB``, ``sv``, ``en-GB``)."""
    name = identifier.replace("-", "_")
    folder = _babel_locale_data()
    if _CANONICAL_LOCALE.fullmatch(name) and folder and (folder / f"{name}.dat").is_file():
        return True
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


def _babel_locale_data() -> Path | None:
    """Babel's folder of locale data, found without importing Babel."""
    spec = importlib.util.find_spec("babel")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "locale-data"
