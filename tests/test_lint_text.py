"""The linter's building blocks: positions in the file, sentences, dates, names, scores."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from presser.lint.dates import find_dates
from presser.lint.docs import lint_reference
from presser.lint.readability import syllables
from presser.lint.registry import all_rules, selected
from presser.lint.rules.organisation import near_misses
from presser.lint.source import SourceText, align
from presser.lint.text import TextField, inline_links, prose, sentences
from presser.lint.typography import quotation_marks, quote_pairs
from presser.source.loading import load_bytes

from .conftest import REPO


def positions_of(yaml_text: str, key: str, word: str) -> tuple[int, int]:
    """Line and column where ``word`` of ``key``'s value stands in the file."""
    document = load_bytes(yaml_text.encode(), Path("x.yaml"))
    source = SourceText.from_bytes(yaml_text.encode())
    assert source is not None
    value = document.data[key]
    alignment = align(source.text, source.offset(*document.positions[(key,)]), value)
    assert alignment is not None
    return source.line_column(alignment.source_offset(value.index(word)))


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("a: one two three\n", (1, 8)),
        ("a: one\n  two\n  three\n", (2, 3)),
        ("a: >-\n  one\n  two three\n", (3, 3)),
        ("a: |\n  one\n\n  two three\n", (4, 3)),
        ('a: "one \\"x\\" two three"\n', (1, 15)),
        ("a: 'it''s two three'\n", (1, 11)),
        ('a:   "one\\\n  two three"\n', (2, 3)),
    ],
)
def test_a_word_is_located_in_every_scalar_style(yaml_text: str, expected: tuple[int, int]) -> None:
    assert positions_of(yaml_text, "a", "two") == expected


def test_an_exact_span_is_never_one_across_a_fold() -> None:
    text = "a: >-\n  one\n  two\n"
    source = SourceText.from_bytes(text.encode())
    assert source is not None
    alignment = align(source.text, 3, "one two")
    assert alignment is not None
    assert alignment.source_span(0, 3) == (8, 11)
    assert alignment.source_span(2, 5) is None  # "e t" crosses the line break


def test_markdown_markup_is_not_prose() -> None:
    value = "## Rubrik\n\nLäs [mer om oss](https://a.se/x.y) **nu**. Sedan.\n- punkt ett\n"
    found = prose(TextField(("body", 0), value, "prose", markdown=True))
    assert "https" not in found.text and "**" not in found.text and "##" not in found.text
    at = found.text.index("mer om oss")
    assert value[found.value_offset(at) :].startswith("mer om oss")
    spans = [found.text[a:b] for a, b in sentences(found.text)]
    assert spans == ["Rubrik", "Läs mer om oss nu.", "Sedan.", "punkt ett"]


def test_a_bracket_inside_a_link_text_starts_the_link_again() -> None:
    # As CommonMark reads it: "[a " stays text, "[b](u)" is the link.
    found = prose(TextField(("lead",), "[a [b](https://a.se) c", "prose", markdown=True))
    assert found.text == "[a b c"
    assert list(inline_links("[a [b](https://a.se)")) == [("b", "https://a.se", 4, 7)]


def test_a_link_url_may_hold_balanced_parentheses_and_an_autolink_no_angle() -> None:
    value = "[Foo](https://sv.wikipedia.org/wiki/Foo_(bar)) <http:<https://a.se>"
    links = [(text, url) for text, url, _, _ in inline_links(value)]
    assert links == [
        ("Foo", "https://sv.wikipedia.org/wiki/Foo_(bar)"),
        ("https://a.se", "https://a.se"),
    ]


def _best_time(work: Callable[[], object]) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


#: Text that made the inline-markup and sentence patterns try again at each character.
SLOW_BEFORE = {
    "brackets": lambda n: "[" * n,
    "spaced brackets": lambda n: "[ " * (n // 2),
    "link openings": lambda n: "[a](" * (n // 4),
    "link titles": lambda n: '[a](b "' * (n // 7),
    "autolink openings": lambda n: "<http:" * (n // 6),
    "a stop, then spaces": lambda n: "a." + " " * n + ".",
    "a run of stops": lambda n: "." * n,
}


@pytest.mark.parametrize("shape", sorted(SLOW_BEFORE))
def test_prose_links_and_sentences_take_linear_time(shape: str) -> None:
    def read(n: int) -> Callable[[], object]:
        value = SLOW_BEFORE[shape](n)
        field = TextField(("body",), value, "prose", markdown=True)
        return lambda: (prose(field), list(inline_links(value)), sentences(value))

    small, large = _best_time(read(2_000)), _best_time(read(20_000))
    # Ten times the text: about ten times the time when linear, a hundred when not.
    assert large < 20 * small, f"{small * 1000:.1f} ms, then {large * 1000:.1f} ms"


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Hon kom. Han gick.", 2),
        ("Det gäller bl.a. Jönköping och t.ex. Värnamo.", 1),
        ("Mr. Smith met Dr. Jones. They talked.", 2),
        ("Anna B. Berg kom. Sedan?", 2),
        ("Priset är 1,4 miljoner. Det räcker.", 2),
        ("– Vi är glada! Det är bra.", 2),
    ],
)
def test_sentences(text: str, count: int) -> None:
    assert len(sentences(text)) == count


@pytest.mark.parametrize(
    ("text", "language", "found"),
    [
        ("måndagen den 29 januari 2010", "sv", (29, 1, 2010, 0)),
        ("fredag 29:e januari", "sv", (29, 1, None, 4)),
        ("Friday, January 29, 2010", "en", (29, 1, 2010, 4)),
        ("Monday the 29th of January", "en", (29, 1, None, 0)),
        ("fredag den 29. januar 2010", "da", (29, 1, 2010, 4)),
        ("fredag 29. januar", "nb", (29, 1, None, 4)),
        ("perjantaina 29. tammikuuta 2010", "fi", (29, 1, 2010, 4)),
        ("Freitag, 29. Januar 2010", "de", (29, 1, 2010, 4)),
        ("vendredi 29 janvier 2010", "fr", (29, 1, 2010, 4)),
        ("viernes, 29 de enero de 2010", "es", (29, 1, 2010, 4)),
        ("2010-01-29", "sv", (29, 1, 2010, None)),
    ],
)
def test_dates_in_every_language(
    text: str, language: str, found: tuple[int, int, int | None, int | None]
) -> None:
    (only,) = find_dates(f"Det sker {text} i stan.", language)
    assert (only.day, only.month, only.year, only.weekday) == found


def test_a_date_without_a_year_is_the_nearest_one() -> None:
    (found,) = find_dates("den 5 januari", "sv")
    assert found.resolve(date(2010, 12, 28)) == date(2011, 1, 5)
    (impossible,) = find_dates("den 30 februari 2010", "sv")
    assert impossible.resolve(date(2010, 1, 1)) is None


@pytest.mark.parametrize(
    ("text", "name", "misses"),
    [
        ("Regionförbundet Jönköpöings län", "Regionförbundet Jönköpings län", 1),
        ("Regionförbundets och Jönköpings läns", "Regionförbundet Jönköpings län", 0),
        ("kommun- och regionförbund; Regionförbunden", "Regionförbundet", 0),
        ("Regionförbundte", "Regionförbundet", 1),
        ("Sveriges Kommuner och Landstig", "Sveriges Kommuner och Landsting", 1),
        ("SKM och SKL", "SKL", 0),  # too short to tell a typo from another acronym
        ("Jönköpings, län", "Jönköpings län", 0),  # punctuation between: not one name
        ("Acme Inc. today opened", "Acme Inc.", 0),  # the name's own full stop
        ("Acme Inx today opened", "Acme Inc.", 0),  # three letters: no typo allowed
        ("Akme Corp. today", "Acme Corp.", 1),
    ],
)
def test_near_misses_of_a_name(text: str, name: str, misses: int) -> None:
    assert len(list(near_misses(text, name))) == misses


@pytest.mark.parametrize(
    ("word", "count"),
    [("cat", 1), ("make", 1), ("water", 2), ("organisation", 5), ("stated", 2)],
)
def test_english_syllables(word: str, count: int) -> None:
    assert syllables(word, "en") == count


def test_quotation_marks_come_from_text_style() -> None:
    assert quotation_marks("sv") == ("”", "”")
    assert quotation_marks("en") == ("“", "”")
    assert quotation_marks("de") == ("„", "“")
    assert quote_pairs('Ett "två" tre') == [(4, 8)]
    assert quote_pairs('En 12" skärm') is None


def test_selection_by_code_prefix_and_name() -> None:
    every = {r.code for r in all_rules()}
    assert selected(None, ()) == every
    assert selected(["H"], ["headline-full-stop"]) == {"H101", "H103", "H104", "H105"}
    assert selected(None, ["T1"]) == every - {c for c in every if c.startswith("T1")}


def test_every_rule_is_documented_with_an_example() -> None:
    for rule in all_rules():
        assert rule.summary and rule.rationale and rule.bad and rule.good, rule.code
        assert rule.name == rule.name.lower() and " " not in rule.name, rule.code


def test_docs_lint_md_is_current() -> None:
    committed = (REPO / "docs" / "lint.md").read_text(encoding="utf-8")
    assert committed == lint_reference(), "run: make docs"
