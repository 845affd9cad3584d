"""One release in several languages: ``translation_of:`` checked, linked, approved, rebuilt."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from presser.cli import cli
from presser.errors import ProblemsFound
from presser.source.validation import load_release
from presser.source.workspace import Workspace

from .conftest import ORGANISATION_YAML, RELEASE_YAML, REPO, MakeWorkspace
from .workflow_helpers import RELEASE, approve_it, make_newsroom, run

ENGLISH = (
    RELEASE_YAML.replace("headline: En rubrik", "language: en\nheadline: A headline")
    + "translation_of: sv\n"
)
FINNISH = ENGLISH.replace("language: en", "language: fi").replace("A headline", "Otsikko")
OTHER_ORGANISATION = ORGANISATION_YAML.replace("Exempelkommunen", "Andra kommunen")


def problems_of(workspace: Workspace, name: str) -> list[str]:
    """Each problem of releases/<name> as ``line:column: field: message``."""
    with pytest.raises(ProblemsFound) as caught:
        load_release(workspace.root / "releases" / name, workspace)
    return [f"{p.line}:{p.column}: {p.field}: {p.message}" for p in caught.value.problems]


def line_of(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ("en", "names this release itself; the original names nothing"),
        ("s", "no release s.yaml beside this one; did you mean 'sv'?"),
        ("other", "other is a release of andra, this one of exempel"),
        ("en-too", "en-too is in en too; a translation is in another language"),
        ("fi", "fi is itself a translation (of sv); name the original, sv"),
    ],
)
def test_each_wrong_pair_is_said_at_the_field(
    make_workspace: MakeWorkspace, names: str, message: str
) -> None:
    wrong = ENGLISH.replace("translation_of: sv", f"translation_of: {names}")
    workspace = make_workspace(
        releases={
            "sv.yaml": RELEASE_YAML,
            "fi.yaml": FINNISH,
            "other.yaml": RELEASE_YAML.replace("organisation: exempel", "organisation: andra"),
            "en-too.yaml": RELEASE_YAML.replace("headline:", "language: en\nheadline:"),
            "en.yaml": wrong,
        },
        organisations={"exempel": ORGANISATION_YAML, "andra": OTHER_ORGANISATION},
    )
    [problem] = problems_of(workspace, "en.yaml")
    # At the value: the line of translation_of, the column after "translation_of: ".
    at = f"{line_of(wrong, 'translation_of:')}:17: translation_of: "
    assert problem.startswith(at + message)


def test_a_circle_is_said_with_its_names(make_workspace: MakeWorkspace) -> None:
    workspace = make_workspace(
        releases={
            "a.yaml": ENGLISH.replace("translation_of: sv", "translation_of: b"),
            "b.yaml": FINNISH.replace("translation_of: sv", "translation_of: a"),
        }
    )
    [problem] = problems_of(workspace, "a.yaml")
    assert problem.endswith("translation_of: the translations go round in a circle: a → b → a")


def test_one_translation_per_language(make_workspace: MakeWorkspace) -> None:
    workspace = make_workspace(
        releases={"sv.yaml": RELEASE_YAML, "en.yaml": ENGLISH, "en2.yaml": ENGLISH}
    )
    [problem] = problems_of(workspace, "en2.yaml")
    assert problem.endswith(
        "translation_of: en.yaml is already the en translation of sv; one translation per language"
    )


def test_a_file_name_and_a_stem_name_the_same_original_and_both_see_each_other(
    make_workspace: MakeWorkspace,
) -> None:
    workspace = make_workspace(
        releases={
            "sv.yaml": RELEASE_YAML,
            "en.yaml": ENGLISH.replace("translation_of: sv", "translation_of: sv.yaml"),
            "fi.yaml": FINNISH.replace("translation_of: sv", "translation_of: sv"),
        }
    )
    original = load_release(workspace.root / "releases" / "sv.yaml", workspace)
    english = load_release(workspace.root / "releases" / "en.yaml", workspace)
    assert english.release.translation_of == "sv"
    assert [(v.stem, v.language, v.original) for v in original.language_versions] == [
        ("en", "en", False),
        ("fi", "fi", False),
    ]
    assert [(v.stem, v.language, v.original) for v in english.language_versions] == [
        ("sv", "sv", True),
        ("fi", "fi", False),
    ]
    assert english.language_versions[0].headline == "En rubrik"


def test_adding_a_translation_makes_the_originals_approval_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    newsroom = make_newsroom(tmp_path, releases={"r.yaml": RELEASE})
    approve_it("r.yaml")
    english = RELEASE.replace("language: sv", "language: en\ntranslation_of: r").replace(
        "Kommunen bygger en ny simhall", "The municipality builds a pool"
    )
    newsroom.write("r-en.yaml", english)
    status = json.loads(run("status", "--format", "json").output)
    row = next(r for r in status if r["path"] == "releases/r.yaml")
    assert row["changed_since_approval"] is True
    assert row["translations"] == {"en": "r-en"}
    refused = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert refused.exit_code == 1
    assert "its language versions (a translation added" in refused.output
    # Approved again with its translation, it is published with the language switch.
    approve_it("r.yaml")
    done = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert done.exit_code == 0, done.output
    page = (newsroom.version(1) / "r.html").read_text(encoding="utf-8")
    assert '<link rel="alternate" hreflang="en" href="r-en.html">' in page


def test_a_translation_added_renders_its_original_again(
    make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = make_workspace(releases={"sv.yaml": RELEASE_YAML, "other.yaml": RELEASE_YAML})
    monkeypatch.chdir(workspace.root)
    fast = ["build", "--format", "html", "--format", "txt"]
    assert CliRunner().invoke(cli, fast).exit_code == 0
    (workspace.root / "releases" / "en.yaml").write_text(ENGLISH, encoding="utf-8")
    result = CliRunner().invoke(cli, fast)
    assert result.exit_code == 0, result.output
    rendered = {
        Path(line.split(" -> ")[0]).stem for line in result.output.splitlines() if " -> " in line
    }
    assert rendered == {"sv", "en"}
    assert "Även på engelska: A headline" in (workspace.root / "build" / "sv.txt").read_text(
        encoding="utf-8"
    )


ORIGINAL = "2010-02-08-jonkoping-utbildning-riskbruk"
TRANSLATION = "2010-02-08-jonkoping-addiction-care-conference"


def json_ld(page: str) -> dict[str, object]:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert found is not None
    data = json.loads(found.group(1))
    assert isinstance(data, dict)
    return data


def test_the_jonkoping_pair_link_each_other_in_every_output() -> None:
    golden = REPO / "tests" / "golden"  # test_golden holds these equal to a render
    original = (golden / f"{ORIGINAL}.html").read_text(encoding="utf-8")
    translation = (golden / f"{TRANSLATION}.html").read_text(encoding="utf-8")
    for page in (original, translation):
        assert f'<link rel="alternate" hreflang="sv" href="{ORIGINAL}.html">' in page
        assert f'<link rel="alternate" hreflang="en" href="{TRANSLATION}.html">' in page
    assert f'<a href="{TRANSLATION}.html" hreflang="en" lang="en">English</a>' in original
    assert f'<a href="{ORIGINAL}.html" hreflang="sv" lang="sv">Svenska</a>' in translation
    works = json_ld(original)["workTranslation"]
    assert isinstance(works, list) and works[0]["inLanguage"] == "en"
    of = json_ld(translation)["translationOfWork"]
    assert isinstance(of, dict) and of["inLanguage"] == "sv"
    assert "Även på engelska: Jönköping County trains" in (golden / f"{ORIGINAL}.txt").read_text(
        encoding="utf-8"
    )
    assert "Also in Swedish: 400 anställda" in (golden / f"{TRANSLATION}.txt").read_text(
        encoding="utf-8"
    )


def test_an_original_that_links_out_of_the_workspace_is_not_read(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-outside.yaml"
    outside.write_text(RELEASE_YAML, encoding="utf-8")
    workspace = make_workspace(releases={"en.yaml": ENGLISH})
    (workspace.root / "releases" / "sv.yaml").symlink_to(outside)
    [problem] = problems_of(workspace, "en.yaml")
    assert problem.endswith(
        "translation_of: sv.yaml leads outside the workspace; presser reads nothing outside"
    )
