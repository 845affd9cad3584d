"""The value types the file formats share: text, one-line text, e-mail addresses, wire styles.

Used by the release and organisation models (:mod:`presser.source.model`) and by
the distribution settings (:mod:`presser.source.distribution`), each check
written once.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator

WireStyle = Literal["nordic", "us"]
WIRE_STYLES: tuple[str, ...] = get_args(WireStyle)


def _text(value: str) -> str:
    """Text fields: surrounding white space (a YAML block's last newline) dropped, never empty."""
    stripped = value.strip()
    if not stripped:
        raise ValueError("must not be empty")
    return stripped


Text = Annotated[str, AfterValidator(_text)]

# Invisible characters that make a line display otherwise than it is stored:
# bidi embeddings, overrides and isolates (the "Trojan Source" characters) and
# zero-width spaces and joiners that hide a difference between two names. In a
# name or a headline they are never wanted, so they are refused there. Running
# text (lead, body, quotes) keeps them: right-to-left quotations need them, and
# the outputs show them harmlessly. The zero-width joiner and non-joiner
# (U+200C, U+200D) are allowed everywhere: emoji and several scripts need them.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]")


# Whatever ends a line (str.splitlines' list): in a one-line field a line break would
# start a line of its own in the wire copy and in terminal output. A YAML block
# scalar's final line break is not one of them: _text drops it with the other
# surrounding white space, so "headline: |" over one line still reads as one line.
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _line(value: str) -> str:
    text = _text(value)
    line_break = _LINE_BREAK.search(text)
    if line_break:
        raise ValueError(
            f"must be one line, but has a line break after character {line_break.start()}; "
            "join the lines (a YAML block written with | keeps its line breaks)"
        )
    match = _INVISIBLE.search(text)
    if match:
        char = match.group()
        name = unicodedata.name(char, "invisible character")
        raise ValueError(
            f"contains the invisible U+{ord(char):04X} {name} (character {match.start() + 1}), "
            "which can make it display otherwise than it reads; delete it"
        )
    return text


#: A name, title or headline: text on one line, without invisible control characters.
Line = Annotated[str, AfterValidator(_line)]


# An address as contacts almost always write it (anna.berg@exempel.se), which
# email-validator accepts for certain: checked here without importing it, since its
# import compiles large patterns (~45 ms, as long as checking the rest of a release).
# Anything else, and so every refusal with its message, is email-validator's to judge.
# The rules of email-validator this relies on are pinned by tests/test_email_fast_path.py.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*"  # the local part: a dot-atom of common characters
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"  # labels of 1 to 63 characters
    r"[A-Za-z]{2,63}"  # a top-level domain of letters
)
#: The last labels of email-validator's SPECIAL_USE_DOMAIN_NAMES, which it always refuses.
_SPECIAL_USE_DOMAINS = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})


def _plainly_valid_email(text: str) -> bool:
    """Whether email-validator (no DNS, default options) accepts ``text`` for certain.

    A plain ASCII address of at most 254 characters (so its domain is within 253),
    with no ``--`` in the domain (no Punycode, no other reserved label) and not
    under a special-use name.
    """
    if len(text) > 254 or not _PLAIN_EMAIL.fullmatch(text):
        return False
    domain = text.rpartition("@")[2]
    return "--" not in domain and domain.rpartition(".")[2].lower() not in _SPECIAL_USE_DOMAINS


def _email(value: str) -> str:
    text = _text(value)
    if _plainly_valid_email(text):
        return text
    from email_validator import EmailNotValidError, validate_email

    try:
        # Never ask DNS: validation must not touch the network.
        validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid e-mail address: {exc}") from None
    return text


Email = Annotated[str, AfterValidator(_email)]

_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{2,8})*$")


def language_tag(value: str) -> str:
    """A BCP 47 language tag as written (``en_GB`` as ``en-GB``), or ValueError."""
    if not _LANGUAGE.match(value):
        raise ValueError("a BCP 47 language tag such as sv, en or en-GB")
    return value.replace("_", "-")


Language = Annotated[str, AfterValidator(language_tag)]
