"""ASCII transliteration for newswires that accept only 7-bit text.

:func:`to_ascii` is total: any ``str`` in, pure ASCII out. It tries, per character:

1. an explicit table for letters whose conventional ASCII spelling is not their base letter
   (æ -> ae, ø -> o, ß -> ss, þ -> th, ð -> d) and for typography (dashes -> ``-``, double
   quotes and guillemets -> ``"``, single quotes -> ``'``, … -> ``...``, • -> ``*``,
   € -> ``EUR``, every kind of space -> a plain space, invisible marks -> nothing);
2. Unicode compatibility decomposition (NFKD) with combining marks dropped (å -> a, é -> e);
3. ``?`` for anything still not ASCII.

Guillemets: » is a quotation mark (Swedish »så här», French « ainsi »), so it becomes ``"``,
except a » or › opening a line and followed by a space, which is a link bullet ("» Läs mer")
and becomes ``>`` (the transcribed releases' own ASCII form, "> Läs mer om utvecklingsarbetet"). The
no-break spaces French sets inside guillemets are dropped: « oui » -> "oui".

Letters with diacritics lose them (ä -> a, ö -> o), the convention of Nordic ASCII copy.
German's ae/oe/ue spelling is not attempted: the mapping does not know the text's language.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["to_ascii"]

# No-break, narrow no-break, thin, em, figure and the other typographic spaces.
_SPACES = "\u00a0\u1680\u202f\u205f\u3000" + "".join(map(chr, range(0x2000, 0x200B)))
# Invisible characters that carry no text: zero-width spaces and joiners, soft hyphen,
# word joiner, BOM, variation selectors.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff" + "".join(map(chr, range(0xFE00, 0xFE10)))

_TABLE: dict[str, str] = {
    # letters
    "Æ": "AE",
    "æ": "ae",
    "Ø": "O",
    "ø": "o",
    "ß": "ss",
    "ẞ": "SS",
    "Þ": "Th",
    "þ": "th",
    "Ð": "D",
    "ð": "d",
    "Đ": "D",
    "đ": "d",
    "Œ": "OE",
    "œ": "oe",
    "Ł": "L",
    "ł": "l",
    "Ħ": "H",
    "ħ": "h",
    "ı": "i",
    "ĸ": "q",
    "Ŋ": "N",
    "ŋ": "n",
    "Ŧ": "T",
    "ŧ": "t",
    # dashes and hyphens
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "–": "-",
    "—": "-",
    "―": "-",
    "−": "-",
    "⁃": "-",
    # quotation marks
    "“": '"',
    "”": '"',
    "„": '"',
    "‟": '"',
    "«": '"',
    "»": '"',
    "″": '"',
    "‘": "'",
    "’": "'",
    "‚": "'",
    "‛": "'",
    "‹": "'",
    "›": "'",
    "′": "'",
    "´": "'",
    # other punctuation and symbols
    "…": "...",
    "•": "*",
    "‣": "*",
    "◦": "*",
    "·": "*",
    "⁄": "/",
    "×": "x",
    "÷": "/",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "¢": "c",
    "©": "(c)",
    "®": "(R)",
    "°": "deg",
    "¡": "!",
    "¿": "?",
    "→": "->",
    "←": "<-",
    "⇒": "=>",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "±": "+/-",
    # line and paragraph separators end a line as a newline does
    "\u0085": "\n",
    "\u2028": "\n",
    "\u2029": "\n",
    **dict.fromkeys(_SPACES, " "),
    **dict.fromkeys(_INVISIBLE, ""),
}

# A guillemet opening a line and followed by a space is a link bullet, not a quotation mark.
_BULLET = re.compile(r"(?m)^([ \t\u00a0\u202f]*)[»›](?=[ \t\u00a0\u202f])")
# French sets a no-break space inside guillemets; in ASCII "« oui »" reads best as "oui".
_FRENCH_GUILLEMET_SPACE = re.compile(r"(?<=[«‹])[\u00a0\u202f]+|[\u00a0\u202f]+(?=[»›])")


# Capitals spelled with two letters: "Ægir" -> "Aegir" but "ÆGIR" -> "AEGIR".
_TWO_LETTER_CAPITALS = {"Æ": "Ae", "Œ": "Oe", "Þ": "Th", "ẞ": "Ss"}


def _capital(char: str, following: str) -> str:
    spelled = _TWO_LETTER_CAPITALS[char]
    return spelled if following.islower() else spelled.upper()


def _char_to_ascii(char: str) -> str:
    if char.isascii():
        return char
    if char in _TABLE:
        return _TABLE[char]
    out: list[str] = []
    for part in unicodedata.normalize("NFKD", char):
        if part.isascii():
            out.append(part)
        elif unicodedata.combining(part):
            continue  # the accent of a decomposed letter
        elif part in _TABLE:
            out.append(_TABLE[part])
        else:
            out.append("?")
    return "".join(out)


def to_ascii(text: str) -> str:
    """Transliterate ``text`` to pure ASCII: ``"Jönköping – Läs"`` -> ``"Jonkoping - Las"``."""
    if text.isascii():
        return text
    text = _BULLET.sub(r"\1>", text)
    text = _FRENCH_GUILLEMET_SPACE.sub("", text)
    out: list[str] = []
    for index, char in enumerate(text):
        if char in _TWO_LETTER_CAPITALS:
            out.append(_capital(char, text[index + 1 : index + 2]))
        else:
            out.append(_char_to_ascii(char))
    return "".join(out)
