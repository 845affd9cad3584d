"""Every validation rule, with the exact line and column of its message."""

from __future__ import annotations

from pathlib import Path

import pytest

from presser.errors import ProblemsFound
from presser.source.validation import load_release, validate_files
from presser.source.workspace import release_files

from .conftest import ORGANISATION_YAML, RELEASE_YAML, MakeWorkspace


def problems_of(make_workspace: MakeWorkspace, text: str, **kwargs: object) -> list[str]:
    workspace = make_workspace(releases={"r.yaml": text}, **kwargs)
    with pytest.raises(ProblemsFound) as caught:
        load_release(workspace.releases_dir / "r.yaml", workspace)
    # Paths are shown relative to the current folder; compare by file name.
    return [
        f"{Path(p.path).name}:{p.line}:{p.column}: {p.field}: {p.message}"
        for p in caught.value.problems
    ]


def with_lines(*replacements: tuple[str, str]) -> str:
    text = RELEASE_YAML
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


def test_the_example_release_is_valid(make_workspace: MakeWorkspace) -> None:
    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML})
    loaded = load_release(workspace.releases_dir / "r.yaml", workspace)
    assert loaded.release.headline == "En rubrik"
    assert loaded.language == "sv"


def test_the_repository_releases_are_valid(repo_workspace) -> None:  # type: ignore[no-untyped-def]
    files = release_files([repo_workspace.releases_dir])
    assert len(files) >= 3
    assert validate_files(files, repo_workspace) == (len(files), [])


def test_text_fields_stay_text(make_workspace: MakeWorkspace) -> None:
    text = with_lines(("headline: En rubrik", "headline: NO"), ("role: kommunalråd", "role: on"))
    workspace = make_workspace(releases={"r.yaml": text.replace("lead: En ingress.", "lead: 1.0")})
    loaded = load_release(workspace.releases_dir / "r.yaml", workspace)
    assert loaded.release.headline == "NO"
    assert loaded.release.lead == "1.0"
    assert loaded.release.quotes[0].role == "on"


def test_unknown_field_with_did_you_mean_points_at_the_key(make_workspace: MakeWorkspace) -> None:
    text = with_lines(("headline: En rubrik", "headlin: En rubrik"))
    assert problems_of(make_workspace, text) == [
        "r.yaml:1:1: headline: 'headline' is required",
        "r.yaml:2:1: headlin: unknown field 'headlin'; did you mean 'headline'?",
    ]


def test_unknown_nested_field(make_workspace: MakeWorkspace) -> None:
    text = with_lines(("    speaker: Anna Berg", "    speeker: Anna Berg"))
    assert problems_of(make_workspace, text) == [
        "r.yaml:11:5: quotes[0].speeker: unknown field 'speeker'; did you mean 'speaker'?"
    ]


def test_missing_field_points_at_the_parent_mapping(make_workspace: MakeWorkspace) -> None:
    text = with_lines(("    text: Det här är bra.\n", ""))
    assert problems_of(make_workspace, text) == ["r.yaml:9:5: quotes[0].text: 'text' is required"]


def test_all_problems_are_reported_at_once(make_workspace: MakeWorkspace) -> None:
    text = (
        with_lines(
            ("published: 2026-03-02T10:00:00+01:00", "published: 2026-03-02T10:00:00"),
            ("    email: anna.berg@exempel.se", "    email: anna.berg@"),
        )
        + "type: pressrelease\n"
    )
    assert problems_of(make_workspace, text) == [
        "r.yaml:3:12: published: '2026-03-02T10:00:00' has no UTC offset; add one, such as "
        "+01:00 (a time without one is not guessed)",
        "r.yaml:15:12: contacts[0].email: not a valid e-mail address: There must be something "
        "after the @-sign.",
        "r.yaml:16:7: type: 'pressrelease' is not one of: press-release, news, statement "
        "or invitation",
    ]


def test_impossible_datetime(make_workspace: MakeWorkspace) -> None:
    text = with_lines(("2026-03-02T10:00:00+01:00", "2026-02-30T10:00:00+01:00"))
    (problem,) = problems_of(make_workspace, text)
    assert problem.startswith("r.yaml:3:12: published: '2026-02-30T10:00:00+01:00' is not a date")


def test_embargo_after_published(make_workspace: MakeWorkspace) -> None:
    text = RELEASE_YAML + "embargo: 2026-03-02T11:00:00+01:00\n"
    assert problems_of(make_workspace, text) == [
        "r.yaml:16:10: embargo: the embargo lifts after the release is published; "
        "it must be at or before 'published'"
    ]


def test_embargo_at_published_in_another_offset_is_fine(make_workspace: MakeWorkspace) -> None:
    workspace = make_workspace(
        releases={"r.yaml": RELEASE_YAML + "embargo: 2026-03-02T09:00:00Z\n"}
    )
    assert load_release(workspace.releases_dir / "r.yaml", workspace).release.embargo


def test_unknown_and_twice_placed_quote_ids(make_workspace: MakeWorkspace) -> None:
    text = with_lines(("  - En paragraf.\n", "  - quote: q2\n  - quote: q1\n"))
    assert problems_of(make_workspace, text) == [
        "r.yaml:7:12: body[1].quote: no quote with id 'q2' in quotes: (there is: q1)",
        "r.yaml:8:12: body[2].quote: quote 'q1' is already placed at body[0]; place it once",
    ]


def test_duplicate_quote_ids(make_workspace: MakeWorkspace) -> None:
    text = with_lines(
        ("contacts:", "  - id: q1\n    text: Igen.\ncontacts:"),
    )
    assert problems_of(make_workspace, text) == [
        "r.yaml:13:9: quotes[1].id: id 'q1' is used more than once: quotes[0] (line 9) has it too"
    ]


def test_a_quote_without_an_id_is_valid(make_workspace: MakeWorkspace) -> None:
    text = with_lines(("contacts:", "  - text: Sedan.\n    speaker: Anna Berg\ncontacts:"))
    workspace = make_workspace(releases={"r.yaml": text})
    loaded = load_release(workspace.releases_dir / "r.yaml", workspace)
    assert [q.id for q in loaded.release.quotes] == ["q1", None]


def test_duplicate_ids_around_a_quote_without_one(make_workspace: MakeWorkspace) -> None:
    # Quotes without an id are no duplicates of each other; the repeat names the first.
    text = with_lines(
        ("contacts:", "  - text: Sedan.\n  - text: Igen.\n  - id: q1\n    text: Åter.\ncontacts:"),
    )
    assert problems_of(make_workspace, text) == [
        "r.yaml:15:9: quotes[3].id: id 'q1' is used more than once: quotes[0] (line 9) has it too"
    ]


def test_body_block_of_the_wrong_shape(make_workspace: MakeWorkspace) -> None:
    text = with_lines(("  - En paragraf.", "  - citat: q1"))
    assert problems_of(make_workspace, text) == [
        "r.yaml:7:5: body[1]: a body block is Markdown text, 'quote: ID' or 'image: ID'"
    ]


def test_lead_or_body_is_required(make_workspace: MakeWorkspace) -> None:
    text = with_lines(
        ("lead: En ingress.\n", ""),
        ("body:\n  - quote: q1\n  - En paragraf.\n", ""),
    )
    assert problems_of(make_workspace, text) == [
        "r.yaml:1:1: (root): a release needs a lead or a body (or both)"
    ]


def test_a_contact_is_required_somewhere(make_workspace: MakeWorkspace) -> None:
    text = with_lines(
        (
            "contacts:\n  - name: Anna Berg\n    email: anna.berg@exempel.se\n",
            "press_contacts: []\n",
        )
    )
    assert problems_of(make_workspace, text) == [
        "r.yaml:1:1: (root): a release needs at least one contact (contacts: here, or "
        "press_contacts: in the organisation)"
    ]


def test_organisation_press_contacts_count_as_contacts(make_workspace: MakeWorkspace) -> None:
    text = with_lines(("contacts:\n  - name: Anna Berg\n    email: anna.berg@exempel.se\n", ""))
    workspace = make_workspace(releases={"r.yaml": text})
    assert load_release(workspace.releases_dir / "r.yaml", workspace)


def test_contact_needs_a_way_to_reach_them(make_workspace: MakeWorkspace) -> None:
    text = with_lines(("    email: anna.berg@exempel.se", "    role: kommunalråd"))
    assert problems_of(make_workspace, text) == [
        "r.yaml:14:5: contacts[0]: a contact needs at least one of phone, mobile, email"
    ]


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("036-10 74", "not a valid phone number for SE: too short"),
        ("45 12 34", "not a valid phone number for SE: too short, the area code may be missing"),
        ("+46 36 10", "not a valid phone number (international): too short"),
        ("036-10 74 24 11 22 33", "not a valid phone number for SE: too long"),
        ("ring mig", "not a valid phone number for SE"),
    ],
)
def test_phone_numbers_are_checked_for_the_country(
    make_workspace: MakeWorkspace, number: str, message: str
) -> None:
    text = with_lines(("    email: anna.berg@exempel.se", f"    phone: {number}"))
    assert problems_of(make_workspace, text) == [f"r.yaml:15:12: contacts[0].phone: {message}"]


def test_local_numbers_without_a_country_say_where_to_set_it(
    make_workspace: MakeWorkspace,
) -> None:
    organisation = ORGANISATION_YAML.replace("country: SE\n", "")
    text = with_lines(("    email: anna.berg@exempel.se", "    phone: 036-10 74 24"))
    hint = (
        "not a valid phone number (international); a number without + needs country: "
        "in organisation.yaml"
    )
    problems = problems_of(make_workspace, text, organisations={"exempel": organisation})
    assert sorted(problems) == [
        f"organisation.yaml:11:12: press_contacts[0].phone: {hint}",
        f"r.yaml:15:12: contacts[0].phone: {hint}",
        "r.yaml:1:15: organisation: the organisation 'exempel' has problems",
    ]


def test_international_numbers_are_accepted(make_workspace: MakeWorkspace) -> None:
    text = with_lines(("    email: anna.berg@exempel.se", "    mobile: +47 22 33 44 55"))
    workspace = make_workspace(releases={"r.yaml": text})
    assert load_release(workspace.releases_dir / "r.yaml", workspace)


def test_unknown_organisation_with_suggestion(make_workspace: MakeWorkspace) -> None:
    text = with_lines(("organisation: exempel", "organisation: exemple"))
    assert problems_of(make_workspace, text) == [
        "r.yaml:1:15: organisation: no organisation 'exemple' in templates/ (there is: exempel); "
        "did you mean 'exempel'?"
    ]


def test_invalid_organisation_is_reported_in_its_own_file(make_workspace: MakeWorkspace) -> None:
    broken = "name: X\nlanguage: sv\ntimezone: Europe/Stockholme\n"
    problems = problems_of(make_workspace, RELEASE_YAML, organisations={"exempel": broken})
    assert sorted(problems) == [
        "organisation.yaml:3:11: timezone: not a known IANA time zone (such as Europe/Stockholm)",
        "r.yaml:1:15: organisation: the organisation 'exempel' has problems",
    ]


def test_image_paths_must_stay_inside_and_exist(make_workspace: MakeWorkspace) -> None:
    images = (
        "images:\n"
        "  - {id: a, path: ../../etc/passwd, alt: x}\n"
        "  - {id: b, path: /etc/passwd, alt: x}\n"
        "  - {id: c, path: 'http://169.254.169.254/x.png', alt: x}\n"
        "  - {id: d, path: missing.png, alt: x}\n"
        "  - {id: e, path: missing.png}\n"
    )
    assert problems_of(make_workspace, RELEASE_YAML + images) == [
        "r.yaml:17:19: images[0].path: must stay inside the project folder (links followed)",
        "r.yaml:18:19: images[1].path: must be a path relative to the release file, "
        "not an address or absolute path",
        "r.yaml:19:19: images[2].path: must be a path relative to the release file, "
        "not an address or absolute path",
        "r.yaml:20:19: images[3].path: no such file: missing.png",
        "r.yaml:21:5: images[4].alt: 'alt' is required",
        "r.yaml:21:19: images[4].path: no such file: missing.png",
    ]


def test_image_symlink_leaving_the_project_is_refused(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    workspace = make_workspace(
        releases={"r.yaml": RELEASE_YAML + "images:\n  - {id: a, path: link.png, alt: x}\n"}
    )
    (workspace.releases_dir / "link.png").symlink_to("/etc/hostname")
    with pytest.raises(ProblemsFound) as caught:
        load_release(workspace.releases_dir / "r.yaml", workspace)
    assert "must stay inside the project folder" in str(caught.value)


def test_top_level_list_is_refused(make_workspace: MakeWorkspace) -> None:
    assert problems_of(make_workspace, "- headline: x\n") == [
        "r.yaml:1:1: (root): a release is a mapping of fields (headline: …), not a list"
    ]


def test_empty_required_text(make_workspace: MakeWorkspace) -> None:
    text = with_lines(("headline: En rubrik", "headline: '  '"))
    assert problems_of(make_workspace, text) == ["r.yaml:2:11: headline: must not be empty"]


def test_wrong_kind_of_value(make_workspace: MakeWorkspace) -> None:
    text = with_lines(("headline: En rubrik", "headline: [a, b]"))
    assert problems_of(make_workspace, text) == ["r.yaml:2:11: headline: must be text, not a list"]


def test_control_characters_in_values_are_echoed_escaped(make_workspace: MakeWorkspace) -> None:
    # An escape written in double quotes ("\\e") is refused by the loader itself;
    # the invisible characters that pass it are echoed escaped.
    text = RELEASE_YAML + 'type: "red\\u202e\\u200b"\n'
    (problem,) = problems_of(make_workspace, text)
    assert "\u202e" not in problem and "\u200b" not in problem
    assert "'red\\u202e\\u200b' is not one of" in problem
