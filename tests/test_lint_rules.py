"""Every lint rule fires on a release made to break it, and stays silent on one that does not.

Each case varies the clean release of tests/lint_helpers.py in one place; the
table is checked against the registry, so a new rule without a case fails here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from presser.lint import lint_release
from presser.lint.registry import all_rules
from presser.source.validation import load_release
from presser.source.workspace import release_files

from .conftest import ORGANISATION_YAML, MakeWorkspace
from .lint_helpers import CLEAN, codes, lint_text, release_yaml, workspace_with, write_png

LONG_SWEDISH = (
    "Överenskommelsen mellan regeringen och kommunförbundet innebär betydande "
    "förändringar för verksamhetsutvecklingen. Utvecklingsarbetet förutsätter "
    "kunskapsbaserade arbetsmetoder, systematiska uppföljningsinsatser och "
    "långsiktiga samverkansstrukturer mellan huvudmännen. Finansieringsmodellen "
    "kompletteras med prestationsbaserade ersättningar som fördelas proportionellt "
    "utifrån befolkningsunderlaget i respektive länsområde och kommungrupp."
)
PLAIN_SWEDISH = " ".join(["Vi bygger en ny skola i stan. Den får tolv rum och en hall."] * 4)
HARD_ENGLISH = (
    "The implementation of the intermunicipal coordination framework necessitates "
    "comprehensive organisational restructuring, interdisciplinary collaboration and "
    "considerable administrative reconfiguration. Municipalities, regional authorities "
    "and governmental institutions will collectively operationalise evidence-based "
    "methodologies, systematically evaluating performance indicators."
)
PLAIN_ENGLISH = " ".join(["We build a new school in town. It has ten rooms and a big hall."] * 4)
FORTY_WORDS = " ".join(["ord"] * 39) + " slut."
ENGLISH = {"language": "en", "headline": "The town builds a new school"}
CLEAN_TEXT = release_yaml()


def image(credit: bool = True, path: str = "images/school.png") -> dict[str, Any]:
    found = {"id": "school", "path": path, "alt": "Skolan från gatan."}
    return found | ({"credit": "Exempelkommunen"} if credit else {})


def body_with(text: str) -> list[Any]:
    return [{"quote": "q1"}, text]


# code: (what fires, what passes); each a dict of changed fields, or raw YAML text.
CASES: dict[str, tuple[Any, Any]] = {
    "H101": ({"headline": "Kommunen bygger " + "en mycket stor ny skola " * 5}, {}),
    "H102": ({"headline": "Kommunen bygger en ny skola."}, {"headline": "Vänta nu…"}),
    "H103": (
        {"headline": "GRATIS skola för alla barn"},
        {"headline": "SKL och EU bygger en skola"},
    ),
    "H104": (
        {"headline": "Kommunen Bygger En Ny Skola I Centrum"},
        {"headline": "Exempelkommunen bygger en ny skola"},
    ),
    "H105": ({"headline": "NO"}, {"headline": "Skolan byggs i år"}),
    "L101": ({"lead": None}, {}),
    "L102": ({"lead": " ".join(["ord"] * 61) + "."}, {"lead": " ".join(["ord"] * 60) + "."}),
    "L103": (
        {"lead": "Skolan byggs. Den blir stor. Eleverna flyttar in. Alla är glada."},
        {"lead": "Skolan byggs. Den blir stor. Eleverna flyttar in."},
    ),
    "R101": ({"lead": LONG_SWEDISH}, {"lead": PLAIN_SWEDISH}),
    "R102": (ENGLISH | {"lead": HARD_ENGLISH}, ENGLISH | {"lead": PLAIN_ENGLISH}),
    "R103": ({"body": body_with(FORTY_WORDS)}, {"body": body_with("Kort mening. " * 30)}),
    "P101": ({"lead": "Skolan öppnar den XX mars i <lokal>."}, {"lead": "Länk: <https://a.se>"}),
    "P102": ({"headline": "Skriv rubriken här"}, {}),
    "D101": (
        {"body": body_with("Invigningen är tisdagen den 2 mars.")},
        {"body": body_with("Invigningen är måndagen den 2 mars.")},
    ),
    "D102": (
        {"body": body_with("Invigningen är den 2 mars 2025.")},
        {"body": body_with("Invigningen är den 2 mars 2026.")},
    ),
    "O101": (
        {"lead": "Exempelkommunnen bygger en skola."},
        {"lead": "Exempelkommunens nya skola byggs. Kommunens elever flyttar in."},
    ),
    "Q101": ({"quotes": [CLEAN["quotes"][0] | {"role": None}]}, {}),
    "Q102": ({"quotes": [{"id": "q1", "text": "Det här är bra."}]}, {}),
    "Q103": ({"lead": 'Skolan heter "Centrum".'}, {"lead": "Skolan heter ”Centrum”."}),
    "Q104": (
        {"quotes": [*CLEAN["quotes"], {"id": "q2", "text": "Bra.", "speaker": "Bo Ek"}]},
        {"body": "Skolan byggs.", "quotes": [*CLEAN["quotes"]]},
    ),
    "C101": (
        {"contacts": [{"name": "Anna Berg", "email": "a@exempel.se"}], "press_contacts": []},
        {},
    ),
    "C102": ({"press_contacts": []}, {}),
    "O102": ("pale brand colour", {}),
    "C103": (
        {"contacts": [*CLEAN["contacts"], {"name": "Pia Press", "email": "pia@exempel.se"}]},
        {},
    ),
    "B101": ({"language": "de"}, {"language": "en"}),
    "K101": (
        {"links": [{"text": "Om skolan", "url": "http://exempel.se/skola"}]},
        {"links": [{"text": "Om skolan", "url": "https://exempel.se/skola"}]},
    ),
    "K102": (
        {"lead": "Läs om skolan [här](https://exempel.se/skola)."},
        {"lead": "Läs om [den nya skolan](https://exempel.se/skola)."},
    ),
    # validate refuses a missing or broken file: lint sees one only if it goes after loading.
    "I101": ("image deleted after loading", {"images": [image()]}),
    "I102": ({"images": [image(path="images/narrow.png")]}, {"images": [image()]}),
    "I103": ({"images": [image(path="images/heavy.png")]}, {"images": [image()]}),
    "I104": ({"images": [image(credit=False)]}, {"images": [image()]}),
    "T101": ({"lead": "Skolan och och hallen byggs."}, {"lead": "Det är det det handlar om."}),
    "T102": ({"lead": "Skolan  byggs."}, {}),
    "T103": ({"lead": "Skolan byggs , och hallen ."}, {}),
    "T104": ("trailing", {}),
    "T105": ({"lead": "Skolan - och hallen - byggs."}, {"lead": "Skolan – och hallen – byggs."}),
    "E101": (
        {"embargo": "2026-03-01T18:00:00+01:00", "lead": "Idag börjar bygget."},
        {"embargo": "2026-03-02T06:00:00+01:00", "lead": "Idag börjar bygget."},
    ),
}


def _text(case: Any) -> str:
    if case == "trailing":
        return release_yaml().replace("organisation: exempel\n", "organisation: exempel  \n")
    return release_yaml(**case)


def _lint(make_workspace: MakeWorkspace, tmp_path: Path, case: Any) -> set[str]:
    images = tmp_path / "releases" / "images"
    write_png(images / "school.png", 1600)
    write_png(images / "narrow.png", 600)
    write_png(images / "heavy.png", 1600, padding=1_100_000)
    organisation = ORGANISATION_YAML + "lint:\n  image_max_megabytes: 1\n"
    if case == "pale brand colour":
        organisation += 'brand_colour: "#7fb2e5"\n'
        case = {}
    if case == "image deleted after loading":
        workspace = workspace_with(make_workspace, release_yaml(images=[image()]), organisation)
        loaded = load_release(workspace.releases_dir / "r.yaml", workspace)
        (images / "school.png").unlink()
        return codes(lint_release(loaded))
    return codes(lint_text(make_workspace, _text(case), organisation))


def test_the_clean_release_is_clean(make_workspace: MakeWorkspace, tmp_path: Path) -> None:
    assert _lint(make_workspace, tmp_path, {}) == set()


def test_every_rule_has_a_case() -> None:
    assert {rule.code for rule in all_rules()} == set(CASES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fires(code: str, make_workspace: MakeWorkspace, tmp_path: Path) -> None:
    assert code in _lint(make_workspace, tmp_path, CASES[code][0])


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_stays_silent(code: str, make_workspace: MakeWorkspace, tmp_path: Path) -> None:
    assert code not in _lint(make_workspace, tmp_path, CASES[code][1])


@pytest.mark.parametrize(
    ("headline", "message"),
    [
        (
            "NO",
            "headline is only 1 word and 2 characters; say who does what in at least "
            "3 words and 15 characters",
        ),
        (
            "Missbruksvården förstärks",
            "headline is only 2 words; say who does what in at least 3 words and 15 characters",
        ),
        (
            "Ny skola byggs",
            "headline is only 14 characters; say who does what in at least "
            "3 words and 15 characters",
        ),
    ],
)
def test_a_headline_too_short_to_say_anything(
    make_workspace: MakeWorkspace, headline: str, message: str
) -> None:
    found = [
        f for f in lint_text(make_workspace, release_yaml(headline=headline)) if f.code == "H105"
    ]
    assert [(f.severity, f.line, f.column, f.message) for f in found] == [
        ("warning", 2, 11, message)
    ]


def test_short_headlines_pass_at_the_thresholds(make_workspace: MakeWorkspace) -> None:
    # Three words and fifteen characters exactly, counted without the surrounding spaces.
    assert "H105" not in codes(lint_text(make_workspace, release_yaml(headline="Ny skola byggs!")))


def test_the_organisation_sets_the_short_headline_thresholds(
    make_workspace: MakeWorkspace,
) -> None:
    organisation = ORGANISATION_YAML + "lint:\n  headline_min_words: 1\n  headline_min_chars: 2\n"
    assert "H105" not in codes(lint_text(make_workspace, release_yaml(headline="NO"), organisation))
    organisation = ORGANISATION_YAML + "lint:\n  headline_min_words: 8\n"
    assert "H105" in codes(lint_text(make_workspace, CLEAN_TEXT, organisation))


def test_the_repository_releases_have_headlines_long_enough(repo_workspace) -> None:  # type: ignore[no-untyped-def]
    files = release_files([repo_workspace.releases_dir])
    assert len(files) >= 3
    for path in files:
        found = lint_release(load_release(path, repo_workspace))
        assert "H105" not in codes(found), path
