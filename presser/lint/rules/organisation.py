"""Organisation rule (O): the organisation's own name misspelt."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from ..context import LintContext
from ..findings import Finding
from ..registry import rule

_NAME_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
#: Names shorter than this are acronyms (SKL): any near miss is another word.
MIN_NAME_LETTERS = 5
#: Endings that inflect a name: genitive -s, Nordic definite and plural forms,
#: English 's. "Regionförbundets", "regionförbund" and "Jönköpings läns" are grammar.
INFLECTIONS = frozenset(
    {"", "s", "'s", "’s", "n", "t", "e", "en", "et", "ens", "ets", "er", "ern", "erna",
     "ernas", "na", "nas", "ar", "arna", "es"}
)  # fmt: skip
#: How many final letters of the name an inflection may replace (regionförbund|et).
MAX_REPLACED = 3


def edit_distance(first: str, second: str, limit: int) -> int:
    """Levenshtein distance, or ``limit + 1`` as soon as it is certainly over ``limit``."""
    if abs(len(first) - len(second)) > limit:
        return limit + 1
    previous = list(range(len(second) + 1))
    for i, a in enumerate(first, 1):
        current = [i]
        for j, b in enumerate(second, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _allowed_distance(word: str) -> int:
    """Typos allowed in one word: none in short words (län, och), one or two in longer."""
    return 0 if len(word) <= 3 else 1 if len(word) <= 8 else 2


def _is_inflection(candidate: str, name: str) -> bool:
    """True when ``candidate`` is ``name`` with another ending (Regionförbundets, -en)."""
    for replaced in range(MAX_REPLACED + 1):
        stem = name[: len(name) - replaced]
        if (
            candidate.startswith(stem)
            and name[len(stem) :] in INFLECTIONS
            and candidate[len(stem) :] in INFLECTIONS
        ):
            return True
    return False


def near_misses(text: str, name: str) -> Iterator[tuple[int, str]]:
    """(offset, words) of each run of words in ``text`` that is nearly, not quite, ``name``.

    Word by word: each word of the run is the name's word, or within a letter or two
    of it (none for words of three letters or fewer); the last word may also be
    inflected. Comparing whole runs would let "Jönköpings län" match "Jönköpings en".
    """
    # Split like the text, so that "Acme Inc." is the words the text's "Acme Inc." gives.
    wanted = [match.group().casefold() for match in _NAME_WORD.finditer(name)]
    if sum(len(word) for word in wanted) < MIN_NAME_LETTERS:
        return
    found = list(_NAME_WORD.finditer(text))
    size = len(wanted)
    limits = [_allowed_distance(word) for word in wanted]
    for start in range(len(found) - size + 1):
        run = found[start : start + size]
        typos = 0
        for index, match in enumerate(run):
            candidate, word, limit = match.group().casefold(), wanted[index], limits[index]
            if candidate == word or (index == size - 1 and _is_inflection(candidate, word)):
                continue
            if abs(len(candidate) - len(word)) > limit:  # most words stop here, cheaply
                break
            distance = edit_distance(candidate, word, limit)
            if distance > limit:
                break
            typos += distance
        else:
            gaps = (text[a.end() : b.start()] for a, b in itertools.pairwise(run))
            if typos and not any(gap.strip() for gap in gaps):  # punctuation: not one name
                yield run[0].start(), text[run[0].start() : run[-1].end()]


@rule(
    "O101",
    "organisation-name-misspelt",
    "error",
    summary="A near miss of the organisation's name or short_name in any text field.",
    rationale="Misspelling your own organisation's name is the mistake readers forgive "
    "least. A run of words that matches name or short_name word by word, each word exact "
    "or within one letter by edit distance (two in words over eight letters, none in "
    "words of three letters or fewer), is flagged; another ending of the name is grammar, "
    "not a typo (Regionförbundets, regionförbund, Jönköpings läns). Names under five "
    "letters (SKL) are not checked.",
    bad="organisation: Regionförbundet Jönköpöings län",
    good="organisation: Regionförbundet Jönköpings län",
)
def organisation_name_misspelt(ctx: LintContext) -> Iterator[Finding]:
    profile = ctx.loaded.organisation.profile
    names = [n for n in (profile.name, profile.short_name) if n]
    for text_field in ctx.fields:
        seen: set[int] = set()
        for name in names:
            for offset, words in near_misses(text_field.value, name):
                if offset in seen:
                    continue
                seen.add(offset)
                yield ctx.finding(
                    "O101",
                    text_field.path,
                    f"{words!r} looks like a misspelling of the organisation's name {name!r}",
                    offset=offset,
                )
