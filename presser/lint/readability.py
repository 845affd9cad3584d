"""Readability scores: LIX for the Scandinavian languages, Flesch reading ease otherwise.

LIX (Björnsson 1968) = words per sentence + 100 × share of words over six
letters. It needs no syllables, which is why Swedish, Danish and Norwegian
editors use it: under 30 very easy, 40 plain newspaper prose, over 50 hard,
over 60 bureaucratic.

Flesch reading ease (1948) = 206.835 − 1.015 × words per sentence − 84.6 ×
syllables per word, for English; Amstad's German version is 180 − words per
sentence − 58.5 × syllables per word. Both run 0 (very hard) to 100 (very
easy); 30 is the usual floor for texts meant for the general public.

Syllables are counted with a small heuristic instead of a hyphenation
dictionary (no extra dependency, same result on every machine): groups of
vowels, less a silent final e (make, stated) in English. It is right for
most words and off by one on some (created, naïve); over a text of more than
:data:`MIN_WORDS` words the score moves by a point or two, far less than the
distance between the bands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import letter_count

#: Below this many words a score says more about chance than about the text.
MIN_WORDS = 40

LIX_LANGUAGES = frozenset({"sv", "da", "nb", "nn", "no"})
FLESCH_LANGUAGES = frozenset({"en", "de"})

_VOWEL_GROUPS = {
    "en": re.compile(r"[aeiouy]+"),
    "de": re.compile(r"[aeiouyäöü]+"),
}
_ENGLISH_SILENT_ENDING = re.compile(r"(?:[^laeiouy]es|[^laeiouydt]ed|[^laeiouy]e)$")


@dataclass(frozen=True)
class Score:
    measure: str  #: "LIX" or "Flesch reading ease"
    value: float
    words: int
    sentences: int


def syllables(word: str, language: str) -> int:
    """Estimated syllables of one word (at least one)."""
    lower = word.lower()
    letters = "".join(ch for ch in lower if ch.isalpha())
    if len(letters) <= 3:
        return 1
    if language == "en":
        letters = _ENGLISH_SILENT_ENDING.sub("", letters)
        letters = letters.removeprefix("y")
    vowels = _VOWEL_GROUPS.get(language, _VOWEL_GROUPS["en"])
    return max(1, len(vowels.findall(letters)))


def lix(words: list[str], sentence_count: int) -> float:
    long_words = sum(1 for word in words if letter_count(word) > 6)
    return len(words) / max(sentence_count, 1) + 100 * long_words / max(len(words), 1)


def flesch(words: list[str], sentence_count: int, language: str) -> float:
    per_sentence = len(words) / max(sentence_count, 1)
    per_word = sum(syllables(word, language) for word in words) / max(len(words), 1)
    if language == "de":
        return 180 - per_sentence - 58.5 * per_word
    return 206.835 - 1.015 * per_sentence - 84.6 * per_word


def score(words: list[str], sentence_count: int, language: str) -> Score | None:
    """The language's score of a text, or None without a measure or with too few words."""
    if len(words) < MIN_WORDS:
        return None
    if language in LIX_LANGUAGES:
        return Score("LIX", lix(words, sentence_count), len(words), sentence_count)
    if language in FLESCH_LANGUAGES:
        value = flesch(words, sentence_count, language)
        return Score("Flesch reading ease", value, len(words), sentence_count)
    return None
