"""The plain-text wire copy: the seeds' round trip (nordic) and the us wire style."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from presser.render.context import ReleaseContext, build_context
from presser.render.text import WIRE_STYLES, render_text
from presser.source.markdown import TextLink
from presser.source.validation import load_release
from presser.source.workspace import find_workspace

REPO = Path(__file__).parents[1]
SEEDS = Path(__file__).parents[2] / "shared" / "seeds"
ROUND_TRIPS = [
    ("skl-2010-01-22.txt", "2010-01-22-skl-30-miljoner.yaml"),
    ("regionforbundet-jonkoping-2010-01-28.txt", "2010-01-28-jonkoping-1-4-miljoner.yaml"),
]

_SPACE = re.compile(r"\s+")  # \s covers the no-break spaces the seeds are full of
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\b0\d{1,3}-\d{2,3}(?: \d{2,3}){1,3}\b")
# A contact entry opens a line with "First Last," (a continuation line does not).
_NAME = re.compile(r"^(?:[^:\n]*:\s*)?([A-ZÅÄÖ][a-zåäöé]+ [A-ZÅÄÖ][a-zåäöé]+),", re.MULTILINE)
_CONTACT_LABELS = ("För mer information", "Presskontakt")
_LINK_BULLET = re.compile(r"^[»>]\s*(.+)$")
_URL = re.compile(r"https?://|mailto:|tel:")
_LINK_LINE = re.compile(r"^ *(?:[^ :][^:]*: )?https?://\S+$")


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _context(path: Path) -> ReleaseContext:
    return build_context(load_release(path, find_workspace(path)))


def _render(path: Path, **options: object) -> str:
    data = render_text(_context(path), **options)  # type: ignore[arg-type]
    return data.decode("utf-8")


def _seed_text(name: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip(f"the seeds folder {SEEDS} is absent (it lives beside the repository)")
    text = (SEEDS / name).read_text(encoding="utf-8")
    # The seeds were once one file: the Jönköping boilerplate ran into the next seed's first
    # line ("…och Landstinget.Sveriges Kommuner och Landsting"). Cut such a run-on, if present.
    for other in SEEDS.glob("*.txt"):
        first = other.read_text(encoding="utf-8").split("\n", 1)[0].strip()
        if other.name != name and first and text.rstrip().endswith("." + first):
            text = text.rstrip()[: -len(first)]
    return text


def _paragraphs(text: str) -> list[str]:
    # A missing final newline is fine: the last paragraph simply ends the file.
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _assert_in_order(expected: list[str], output: str, what: str) -> None:
    haystack = _norm(output)
    position = 0
    for item in expected:
        found = haystack.find(_norm(item), position)
        assert found >= 0, f"{what} missing or out of order: {_norm(item)!r}"
        position = found + len(_norm(item))


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize(("seed", "release"), ROUND_TRIPS)
def test_nordic_round_trip(seed: str, release: str) -> None:
    paragraphs = _paragraphs(_seed_text(seed))
    output = _render(REPO / "releases" / release, wire="nordic")
    out_paragraphs = _paragraphs(output)

    # The masthead and the type line: exact up to whitespace.
    assert _norm(out_paragraphs[0]) == _norm(paragraphs[0])
    type_line = next(p for p in paragraphs if p.startswith("Pressmeddelande"))
    assert _norm(type_line) in [_norm(p) for p in out_paragraphs]

    prose: list[str] = []
    link_texts: list[str] = []
    contacts: list[str] = []
    for paragraph in paragraphs[1:]:
        if paragraph is type_line:
            continue
        bullet = _LINK_BULLET.match(paragraph)
        if contacts or paragraph.startswith(_CONTACT_LABELS):
            # After the contacts label: contact entries, then the boilerplate (no numbers).
            if _EMAIL.search(paragraph) or _PHONE.search(paragraph) or not contacts:
                contacts.append(paragraph)
                continue
            prose.append(paragraph)
        elif bullet:
            link_texts.append(bullet.group(1))
        else:
            prose.append(paragraph)

    # Headline, lead, body paragraphs, quotes with attributions, subheadings, boilerplate.
    _assert_in_order(prose, output, "paragraph")
    _assert_in_order(link_texts, output, "link text")
    assert link_texts, "the seed's link bullets were not recognised"

    contact_text = "\n\n".join(contacts)
    names = _NAME.findall(contact_text)
    phones = _PHONE.findall(contact_text)
    emails = _EMAIL.findall(contact_text)
    assert names and phones and emails, "the seed's contacts were not recognised"
    flat = _norm(output)
    for item in [*names, *phones, *emails]:
        assert _norm(item) in flat, f"contact detail missing: {item!r}"


@pytest.mark.parametrize(("seed", "release"), ROUND_TRIPS)
def test_nordic_contact_counts(seed: str, release: str) -> None:
    # Guards the round trip's contact parsing: every contact the seed names is found.
    text = _seed_text(seed)
    start = min(text.find(label) for label in _CONTACT_LABELS if label in text)
    names = _NAME.findall(text[start:])
    context = _context(REPO / "releases" / release)
    expected = {c.name for c in (*context.contacts, *context.press_contacts)}
    assert set(names) == expected


def test_nordic_layout_of_the_jonkoping_seed() -> None:
    output = _render(REPO / "releases" / "2010-01-28-jonkoping-1-4-miljoner.yaml")
    assert output.startswith(
        "Regionförbundet Jönköpings län\n\n"
        "Jönköpings län får 1,4 miljoner kronor för fortsatt utveckling av missbruks- och "
        "beroendevården\n\n"
        "Pressmeddelande   •   Jan 28, 2010 09:52 CET\n\n"
        "Sveriges Kommuner och Landsting (SKL) har träffat"
    )
    # A subheading runs straight into its paragraph, as in the seed.
    assert "inom Regionförbundet\nI Jönköpings län bedrivs" in output
    # The link bullet stands alone on its line; its address follows.
    assert "\n» Läs mer om konferensen\n  https://www.regionjonkoping.se/" in output
    assert "\nFör mer information\nCharlotta Johansson, processledare" in output
    assert "\nPresskontakt\nHelen Ulvegard, informationschef Regionförbundet" in output
    assert output.endswith("13 primärkommuner och Landstinget.\n")
    assert not output.endswith("\n\n")
    assert "\r" not in output


def test_nordic_default_is_unwrapped() -> None:
    path = REPO / "releases" / "2010-01-28-jonkoping-1-4-miljoner.yaml"
    output = _render(path)
    assert max(len(line) for line in output.splitlines()) > 200
    assert _render(path, wire="nordic", width=0) == output
    wrapped = _render(path, wire="nordic", width=60)
    assert all(len(line) <= 60 for line in wrapped.splitlines() if not _URL.search(line))
    assert _norm(wrapped) == _norm(output)


def test_unknown_wire_and_bad_width_are_refused() -> None:
    context = _context(REPO / "releases" / "2010-01-22-skl-30-miljoner.yaml")
    assert WIRE_STYLES == ("nordic", "us")
    with pytest.raises(ValueError, match="wire style"):
        render_text(context, wire="reuters")
    with pytest.raises(ValueError, match="width"):
        render_text(context, width=-1)


# --------------------------------------------------------------------------- us wire

ORGANISATION = """\
name: Subversion Corporation
language: en
timezone: America/Los_Angeles
country: US
city: Oakland
website: https://subversion.example.com
boilerplate:
  en: >-
    Subversion Corporation builds version control for teams that ship
    software every day. Founded in 2004, it is based in Oakland, California.
press_contacts:
  - role: Press office
    phone: (510) 642-6000
    email: press@subversion.example.com
"""

RELEASE = """\
organisation: subversion
headline: Subversion Corporation opens its new headquarters in Oakland for all teams
subheadline: Three hundred engineers move into one building
dateline: OAKLAND, Calif.
published: 2010-01-28T09:00:00-08:00
embargo: 2010-01-28T06:00:00-08:00
lead: >-
  Subversion Corporation today opened its new headquarters, a
  [renovated warehouse](https://subversion.example.com/hq) on the waterfront,
  bringing all of its teams under one roof for the first time.
body:
  - quote: wright
  - |
    ## A building for everyone

    The building has room for *three hundred* engineers, a public
    [café](https://subversion.example.com/cafe) and a hall for meetups. <script>x</script>

    - Open plan floors with quiet rooms on every level
    - A [rooftop garden](https://subversion.example.com/roof)

    > The best building we have seen, says the [Oakland Tribune](https://tribune.example.com/hq-review).
  - image: hall
quotes:
  - id: wright
    text: We wanted a place where every team can meet every other team.
    continued: The waterfront gives us room to grow for the next decade.
    attribution: said Subversion Corporation President Hyrum Wright
images:
  - id: hall
    path: hall.png
    alt: The main hall
    caption: The main hall on opening day.
    credit: Jane Doe
links:
  - text: Photos of the new headquarters
    url: https://subversion.example.com/press/hq-photos
contacts:
  - name: Hyrum Wright
    role: President
    organisation: Subversion Corporation
    phone: +1 650 253 0000
    email: hyrum@subversion.example.com
"""


@pytest.fixture
def english_release(tmp_path: Path) -> Path:
    org = tmp_path / "templates" / "subversion"
    org.mkdir(parents=True)
    (org / "organisation.yaml").write_text(ORGANISATION, encoding="utf-8")
    releases = tmp_path / "releases"
    releases.mkdir()
    # A real (1x1) PNG: validation reads the header of every image.
    (releases / "hall.png").write_bytes(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360606060000000050001a5f64540"
            "0000000049454e44ae426082"
        )
    )
    path = releases / "x.yaml"
    path.write_text(RELEASE, encoding="utf-8")
    return path


def test_us_wire_layout(english_release: Path) -> None:
    output = _render(english_release, wire="us")
    lines = output.split("\n")
    context = _context(english_release)
    assert context.embargo_line is not None
    assert lines[0] == context.embargo_line
    assert "FOR IMMEDIATE RELEASE" not in output
    assert (
        "OAKLAND, Calif., January 28, 2010 /Subversion Corporation/ -- Subversion Corporation "
        "today opened its new headquarters, a renovated warehouse on the waterfront,"
    ) in _norm(output)
    assert "\nAbout Subversion Corporation\nSubversion Corporation builds" in output
    assert output.endswith("###\n")
    assert lines[-2].strip() == "###"
    # Contacts: one field a line, under the label.
    assert "For more information\nHyrum Wright\nPresident\nSubversion Corporation\n" in output
    assert "\nhyrum@subversion.example.com\n" in output
    assert "\nPress contact\nPress office\n" in output
    # Plain text is not escaped.
    assert "<script>x</script>" in output


def test_us_wire_width(english_release: Path) -> None:
    output = _render(english_release, wire="us")
    for line in output.splitlines():
        if not _URL.search(line):
            assert len(line) <= 72, line
    # URLs are never split; a link line too long for the width wraps before its address.
    assert "  renovated warehouse: https://subversion.example.com/hq\n" in output
    assert (
        "\nPhotos of the new headquarters:\n  https://subversion.example.com/press/hq-photos\n"
    ) in output
    narrow = _render(english_release, wire="us", width=30)
    assert all(len(line) <= 30 for line in narrow.splitlines() if not _URL.search(line))
    assert "hyrum@subversion.example.com" in narrow.splitlines()
    unwrapped = _render(english_release, wire="us", width=0)
    assert any(len(line) > 72 and not _URL.search(line) for line in unwrapped.splitlines())


def test_us_wire_without_embargo_or_place(english_release: Path) -> None:
    source = english_release.read_text(encoding="utf-8")
    source = source.replace("embargo: 2010-01-28T06:00:00-08:00\n", "")
    source = source.replace("dateline: OAKLAND, Calif.\n", "")
    english_release.write_text(source, encoding="utf-8")
    output = _render(english_release, wire="us")
    assert output.startswith("FOR IMMEDIATE RELEASE\n\n")
    # The organisation's city is the default place, in capitals.
    assert "OAKLAND, January 28, 2010 /Subversion Corporation/ -- " in _norm(output)

    org = english_release.parents[1] / "templates" / "subversion" / "organisation.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("city: Oakland\n", ""), "utf-8")
    output = _render(english_release, wire="us")
    assert "\nJanuary 28, 2010 /Subversion Corporation/ -- Subversion" in output


def test_links_stay_out_of_quotes(english_release: Path) -> None:
    for wire in WIRE_STYLES:
        output = _render(english_release, wire=wire, width=0)
        for line in output.splitlines():
            if line.lstrip().startswith(("“", "–", '"', "The best")):  # quotes, blockquote
                assert not _URL.search(line), line
            if _URL.search(line):
                # An address only ever stands on a link line of its own, never in a sentence.
                assert _LINK_LINE.match(line), line
        # The link text stays in the sentence; the address follows the paragraph.
        assert "a public café and a hall for meetups." in output
        assert "  café: https://subversion.example.com/cafe" in output
        assert "    The best building we have seen, says the Oakland Tribune.\n" in output
        assert "      Oakland Tribune: https://tribune.example.com/hq-review" in output
        assert "• A rooftop garden\n    rooftop garden: https://" in output
        assert "\n[Photo: Jane Doe] The main hall on opening day.\n" in output
        assert (
            "“We wanted a place where every team can meet every other team,” said Subversion "
            "Corporation President Hyrum Wright."
        ) in output


def test_ascii_only(english_release: Path) -> None:
    for wire in WIRE_STYLES:
        output = render_text(_context(english_release), wire=wire, ascii_only=True)
        assert output.isascii()
        assert b'"We wanted a place' in output
        assert b"a public cafe and" in output
        assert b"* Open plan floors" in output
    seed = REPO / "releases" / "2010-01-28-jonkoping-1-4-miljoner.yaml"
    nordic = _render(seed, ascii_only=True)
    assert nordic.isascii()
    assert "\n> Las mer om konferensen\n" in nordic
    assert "\n- Vi vill med den har satsningen" in nordic
    assert "Pressmeddelande   *   Jan 28, 2010 09:52 CET" in nordic
    wrapped = _render(seed, wire="us", ascii_only=True)
    assert all(len(line) <= 72 for line in wrapped.splitlines() if not _URL.search(line))


def test_control_characters_are_removed(english_release: Path) -> None:
    from dataclasses import replace

    context = replace(_context(english_release), headline="Bell\x07 and\ttab\r\nnext")
    output = render_text(context, wire="nordic").decode("utf-8")
    assert "\x07" not in output and "\r" not in output and "\t" not in output
    assert "\n\nBell and tab\nnext\n" in output


def test_output_is_utf8_with_one_final_newline(english_release: Path) -> None:
    for wire in WIRE_STYLES:
        data = render_text(_context(english_release), wire=wire)
        assert data.endswith(b"\n") and not data.endswith(b"\n\n")
        text = data.decode("utf-8")
        assert "\n\n\n" not in text
        assert all(line == line.rstrip() for line in text.split("\n"))


SWEDISH_ORGANISATION = """\
name: Exempelkommunen
language: sv
timezone: Europe/Stockholm
country: SE
"""

SWEDISH_RELEASE = """\
organisation: exempel
headline: Rubrik
department: Kommunikationsavdelningen
published: 2010-01-28T09:52:00+01:00
body: |
  Första stycket, skriv till [oss](mailto:info@exempel.se) eller läs
  <https://exempel.se/a>.\\
  Ny rad.

  1. ett
  2. två
     - nästlad

  ## Slutrubrik
contacts:
  - name: Anna Berg
    email: anna.berg@exempel.se
"""


def test_markdown_structures_without_lead(tmp_path: Path) -> None:
    org = tmp_path / "templates" / "exempel"
    org.mkdir(parents=True)
    (org / "organisation.yaml").write_text(SWEDISH_ORGANISATION, encoding="utf-8")
    (tmp_path / "releases").mkdir()
    path = tmp_path / "releases" / "x.yaml"
    path.write_text(SWEDISH_RELEASE, encoding="utf-8")

    nordic = _render(path)
    assert nordic.startswith("Exempelkommunen\nKommunikationsavdelningen\n\nRubrik\n\n")
    # A hard break stays a line break; mailto shows the bare address; an address that is
    # its own link text is not repeated.
    assert "eller läs https://exempel.se/a.\nNy rad.\n  oss: info@exempel.se\n\n" in nordic
    assert "\n1. ett\n2. två\n  • nästlad\n\n" in nordic
    # A heading that ends the body does not run into the contacts.
    assert "\nSlutrubrik\n\nFör mer information\nAnna Berg, " in nordic

    us = _render(path, wire="us", width=0)
    # No lead: the dateline opens the first paragraph of the body, dated in Swedish.
    assert "\n\n28 januari 2010 /Exempelkommunen/ -- Första stycket, skriv" in us


def test_nordic_puts_the_embargo_line_first(tmp_path: Path) -> None:
    org = tmp_path / "templates" / "exempel"
    org.mkdir(parents=True)
    (org / "organisation.yaml").write_text(SWEDISH_ORGANISATION, encoding="utf-8")
    (tmp_path / "releases").mkdir()
    path = tmp_path / "releases" / "x.yaml"
    path.write_text(
        SWEDISH_RELEASE.replace(
            "published: 2010-01-28T09:52:00+01:00\n",
            "published: 2010-01-28T09:52:00+01:00\nembargo: 2010-01-28T06:00:00+01:00\n",
        ),
        encoding="utf-8",
    )
    nordic = _render(path)
    # The very first line, as in the us style: a desk sees it before the story.
    assert nordic.startswith(
        "Embargo: får publiceras tidigast 28 januari 2010 06:00 CET\n\n"
        "Exempelkommunen\nKommunikationsavdelningen\n\nRubrik\n\n"
    )
    assert nordic.count("Embargo:") == 1


# --------------------------------------------------------------------------- wrapping links

ENGLISH_SEED = REPO / "releases" / "2010-02-08-jonkoping-addiction-care-conference.yaml"
_LONE_URL = re.compile(r"https?://\S+")


def _too_long(text: str, width: int) -> list[str]:
    """The lines longer than ``width``, a URL standing alone on its line excepted."""
    return [
        line
        for line in text.splitlines()
        if len(line) > width and not _LONE_URL.fullmatch(line.strip())
    ]


def test_a_link_list_entry_wraps_at_the_width() -> None:
    from presser.render.pipeline import RenderOptions, render_outputs

    loaded = load_release(ENGLISH_SEED, find_workspace(ENGLISH_SEED))
    options = RenderOptions(formats=("txt",), wire="us", width=72, ascii_only=True)
    output = render_outputs(loaded, REPO / "build", options)["txt"].decode("utf-8")
    assert _too_long(output, 72) == []
    assert (
        "\nKnowledge to Practice, the national programme:\n"
        "  https://www.skl.se/kunskaptillpraktik\n"
    ) in output


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäö", min_size=1, max_size=12)
_LINK_TEXT = st.lists(_WORD, min_size=1, max_size=14).map(" ".join)
_URL_TEXT = st.builds(
    lambda host, path: f"https://{host}.example.org/{path}",
    st.text(alphabet="abcdefghij", min_size=1, max_size=12),
    st.text(alphabet="abcdefghij-/_", min_size=0, max_size=90),
)


@settings(max_examples=60, deadline=None)
@given(
    links=st.lists(st.tuples(_LINK_TEXT, _URL_TEXT), min_size=1, max_size=3),
    width=st.integers(min_value=30, max_value=100),
    wire=st.sampled_from(WIRE_STYLES),
    ascii_only=st.booleans(),
)
def test_no_line_is_longer_than_the_width_unless_it_is_a_lone_url(
    links: list[tuple[str, str]], width: int, wire: str, ascii_only: bool
) -> None:
    from dataclasses import replace

    from presser.render.context import LinkContext

    context = _seed_context()
    lead_links = tuple(TextLink(text, url) for text, url in links)
    context = replace(
        context,
        links=tuple(LinkContext(text, url) for text, url in links),
        lead_links=lead_links,
    )
    output = render_text(context, wire=wire, width=width, ascii_only=ascii_only).decode("utf-8")
    assert _too_long(output, width) == []
    for _, url in links:
        assert url in output.split()  # never broken, never glued to a word


@functools.cache
def _seed_context() -> ReleaseContext:
    return _context(ENGLISH_SEED)


# --------------------------------------------------------------------------- readers abroad


def test_a_swedish_release_in_the_us_style_is_dated_in_swedish() -> None:
    from presser.render.pipeline import RenderOptions, render_outputs

    path = REPO / "releases" / "2010-01-22-skl-30-miljoner.yaml"
    loaded = load_release(path, find_workspace(path))
    options = RenderOptions(formats=("txt",), wire="us", width=0)
    output = render_outputs(loaded, REPO / "build", options)["txt"].decode("utf-8")
    assert output.startswith("FÖR OMEDELBAR PUBLICERING\n\n")
    assert "\nSTOCKHOLM, 22 januari 2010 /Sveriges Kommuner och Landsting/ -- Alla län" in output
    assert "January" not in output
    # An English release keeps the AP form.
    assert "JÖNKÖPING, Sweden, February 8, 2010 /" in _render(ENGLISH_SEED, wire="us")


def test_readers_abroad_get_international_numbers() -> None:
    from presser.render.pipeline import RenderOptions, render_outputs

    english = load_release(ENGLISH_SEED, find_workspace(ENGLISH_SEED))
    outputs = render_outputs(english, REPO / "build", RenderOptions(formats=("txt", "html")))
    for fmt, data in outputs.items():
        text = data.decode("utf-8")
        assert "+46 36 10 50 00" in text, fmt  # Karin Lindqvist, 036-10 50 00 as written
        assert "+46 70 536 28 09" in text, fmt  # the organisation's press contact
        assert "036-10 50 00" not in text, fmt
    # The us style is for readers abroad, whatever the language.
    path = REPO / "releases" / "2010-01-22-skl-30-miljoner.yaml"
    skl = load_release(path, find_workspace(path))
    us = render_outputs(skl, REPO / "build", RenderOptions(formats=("txt",), wire="us"))
    assert "Mobil +46 70 484 32 54\n" in us["txt"].decode("utf-8")
    nordic = render_outputs(skl, REPO / "build", RenderOptions(formats=("txt",)))
    assert "mobil 070-484 32 54," in nordic["txt"].decode("utf-8")


def test_a_language_of_another_country_counts_as_abroad(tmp_path: Path) -> None:
    org = tmp_path / "templates" / "exempel"
    org.mkdir(parents=True)
    (org / "organisation.yaml").write_text(SWEDISH_ORGANISATION, encoding="utf-8")
    (tmp_path / "releases").mkdir()
    contact = "  - name: Anna Berg\n    phone: 036-10 50 00\n"
    for tag, shown in [
        ("sv", "tel. 036-10 50 00"),
        ("sv-SE", "tel. 036-10 50 00"),
        ("sv-FI", "tel. +46 36 10 50 00"),
        ("en", "tel. +46 36 10 50 00"),
    ]:
        path = tmp_path / "releases" / "x.yaml"
        source = SWEDISH_RELEASE.replace("  - name: Anna Berg\n", contact)
        path.write_text(f"language: {tag}\n" + source, encoding="utf-8")
        assert shown in _render(path), tag
