"""Tests for presser.render.transliterate.to_ascii."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from presser.render.transliterate import to_ascii


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("å ä ö Å Ä Ö", "a a o A A O"),
        ("é è ü ñ ç", "e e u n c"),
        ("æ ø Ø", "ae o O"),
        ("Ægir ÆGIR Æ", "Aegir AEGIR AE"),
        ("ß STRAẞE", "ss STRASSE"),
        ("þ Þór ÞÓR ð Ð", "th Thor THOR d D"),
        ("œuvre Łódź", "oeuvre Lodz"),
        ("a – b — c − d", "a - b - c - d"),
        ("“a” „b“ «c» »d«", '"a" "b" "c" "d"'),
        ("‘a’ ‚b‘", "'a' 'b'"),
        ("vänta…", "vanta..."),
        ("• punkt", "* punkt"),
        ("5 €", "5 EUR"),
        ("€5", "EUR5"),
        ("1\u00a0000 2\u202f000 3\u2009000", "1 000 2 000 3 000"),
        ("ﬁ ² ½", "fi 2 1/2"),
        ("e\u0301", "e"),
        ("soft\u00adhyphen zero\u200bwidth", "softhyphen zerowidth"),
        ("東京", "??"),
        ("😀", "?"),
        ("\ud800", "?"),
        ("©", "(c)"),
        ("rad ett\u2028rad två", "rad ett\nrad tva"),
    ],
)
def test_mappings(text: str, expected: str) -> None:
    assert to_ascii(text) == expected


def test_link_bullet_becomes_greater_than() -> None:
    assert to_ascii("» Läs mer om konferensen") == "> Las mer om konferensen"
    assert to_ascii("Text.\n\n» Läs mer\n  » Läs mer om Kunskap") == (
        "Text.\n\n> Las mer\n  > Las mer om Kunskap"
    )


def test_guillemet_as_quotation_mark_becomes_double_quote() -> None:
    assert to_ascii("Han sa »så här» i går.") == 'Han sa "sa har" i gar.'
    assert to_ascii("»Så här»") == '"Sa har"'
    assert to_ascii("Hem » Nyheter") == 'Hem " Nyheter'


def test_french_guillemet_spaces_are_dropped() -> None:
    assert to_ascii("«\u00a0Bonjour\u00a0», dit-il.") == '"Bonjour", dit-il.'
    assert to_ascii("«\u202fOui\u202f»") == '"Oui"'
    assert to_ascii("« Oui »") == '" Oui "'  # ordinary spaces are the author's own


def test_seed_quote() -> None:
    seed = (
        "– Vi vill med den här satsningen stärka kvaliteten på insatserna, säger Anders Knape, "
        "ordförande för SKL."
    )
    assert to_ascii(seed) == (
        "- Vi vill med den har satsningen starka kvaliteten pa insatserna, sager Anders Knape, "
        "ordforande for SKL."
    )


def test_ascii_is_unchanged() -> None:
    text = "Plain ASCII: \"quotes\", 'apostrophes', > bullets, tabs\tand\nnewlines."
    assert to_ascii(text) == text


@given(st.text())
def test_output_is_always_ascii(text: str) -> None:
    assert to_ascii(text).isascii()


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_input_is_returned_as_is(text: str) -> None:
    assert to_ascii(text) == text


@given(st.text())
def test_idempotent(text: str) -> None:
    once = to_ascii(text)
    assert to_ascii(once) == once
