"""presser lint on the command line: exit codes, formats, --explain, settings, the seeds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from presser.cli import cli

from .conftest import ORGANISATION_YAML, REPO, MakeWorkspace
from .lint_helpers import release_yaml, workspace_with

JONKOPING = "releases/2010-01-28-jonkoping-1-4-miljoner.yaml"


def lint(*args: str) -> Result:
    return CliRunner().invoke(cli, ["lint", *args])


@pytest.fixture
def workspace_of(make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Write one release (and optionally the organisation) and step into the workspace."""

    def make(text: str, organisation: str = ORGANISATION_YAML) -> Path:
        workspace = workspace_with(make_workspace, text, organisation)
        monkeypatch.chdir(workspace.root)
        return workspace.root

    return make


def test_the_misspelt_organisation_in_the_jonkoping_seed_is_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO)
    result = lint(JONKOPING)
    assert result.exit_code == 1
    assert (
        f"{JONKOPING}:78:19: O101 error: 'Regionförbundet Jönköpöings län' looks like a "
        "misspelling "
        "of the organisation's name 'Regionförbundet Jönköpings län'"
    ) in result.output


def test_a_clean_release_exits_0(workspace_of) -> None:  # type: ignore[no-untyped-def]
    workspace_of(release_yaml())
    result = lint()
    assert result.exit_code == 0, result.output
    assert result.output == "0 error(s), 0 warning(s) in 1 release.\n"


def test_an_error_exits_1(workspace_of) -> None:  # type: ignore[no-untyped-def]
    workspace_of(release_yaml(headline="Kommunen bygger en skola."))
    result = lint("releases")
    assert result.exit_code == 1
    assert "releases/r.yaml:2:35: H102 error: headline ends in a full stop; drop it" in (
        result.output
    )
    assert "1 error(s), 0 warning(s) in 1 release." in result.output


def test_each_line_says_whether_it_is_an_error_or_a_warning(workspace_of) -> None:  # type: ignore[no-untyped-def]
    # At a glance: an error blocks submit, a warning does not.
    workspace_of(release_yaml(headline="Kommunen bygger en skola.", lead="Skolan  byggs."))
    lines = lint().output.splitlines()
    assert lines[:2] == [
        "releases/r.yaml:2:35: H102 error: headline ends in a full stop; drop it",
        "releases/r.yaml:4:13: T102 warning: 2 spaces in a row; one is enough",
    ]


def test_warnings_exit_0_unless_strict(workspace_of) -> None:  # type: ignore[no-untyped-def]
    workspace_of(release_yaml(lead="Skolan  byggs."))
    result = lint()
    assert result.exit_code == 0
    assert "T102 warning: 2 spaces in a row; one is enough" in result.output
    assert "--fix can make 1 fix(es) (--diff shows them)" in result.output
    assert lint("--strict").exit_code == 1


def test_json_lists_every_finding(workspace_of) -> None:  # type: ignore[no-untyped-def]
    workspace_of(release_yaml(headline="Kommunen bygger en skola.", lead="Skolan  byggs."))
    result = lint("--format", "json")
    assert result.exit_code == 1
    found = json.loads(result.output)
    assert [(f["code"], f["name"], f["severity"]) for f in found] == [
        ("H102", "headline-full-stop", "error"),
        ("T102", "double-space", "warning"),
    ]
    assert set(found[0]) == {"path", "line", "column", "code", "name", "severity", "message"}


def test_an_invalid_release_reports_its_problems_instead(workspace_of) -> None:  # type: ignore[no-untyped-def]
    workspace_of(release_yaml(headline=None))
    result = lint()
    assert result.exit_code == 1
    assert "releases/r.yaml:1:1: headline: 'headline' is required" in result.output
    assert "1 not valid" in result.output
    entries = json.loads(lint("--format", "json").output)
    assert [(e["code"], e["severity"]) for e in entries] == [("invalid", "error")]


@pytest.mark.parametrize("name", ["O101", "o101", "organisation-name-misspelt"])
def test_explain_by_code_or_name(name: str) -> None:
    result = lint("--explain", name)
    assert result.exit_code == 0
    assert result.output.startswith("O101 organisation-name-misspelt (error)\n")
    assert "Fires on:\n    organisation: Regionförbundet Jönköpöings län" in result.output


def test_explain_names_the_setting_and_fix() -> None:
    assert "(error; lint.headline_max_chars, default 100)" in lint("--explain", "H101").output
    assert "--fix repairs it" in lint("--explain", "T102").output


def test_explain_an_unknown_rule_suggests_one() -> None:
    result = lint("--explain", "headline-to-long")
    assert result.exit_code == 2
    assert "unknown lint rule 'headline-to-long'; did you mean 'headline-too-long'?" in (
        result.output
    )


def test_the_organisation_selects_rules(workspace_of) -> None:  # type: ignore[no-untyped-def]
    text = release_yaml(headline="Kommunen bygger en skola.", lead="Skolan  byggs.")
    workspace_of(text, ORGANISATION_YAML + "lint:\n  select: [T]\n")
    result = lint()
    assert "T102" in result.output and "H102" not in result.output
    assert result.exit_code == 0


def test_the_organisation_ignores_rules_by_name(workspace_of) -> None:  # type: ignore[no-untyped-def]
    text = release_yaml(headline="Kommunen bygger en skola.")
    workspace_of(text, ORGANISATION_YAML + "lint:\n  ignore: [headline-full-stop]\n")
    assert lint().exit_code == 0


def test_the_organisation_tunes_thresholds(workspace_of) -> None:  # type: ignore[no-untyped-def]
    workspace_of(release_yaml(), ORGANISATION_YAML + "lint:\n  headline_max_chars: 20\n")
    result = lint()
    assert result.exit_code == 1
    assert "H101 error: headline is 37 characters; keep it to 20" in result.output


def test_a_release_ignores_a_rule_for_itself(workspace_of) -> None:  # type: ignore[no-untyped-def]
    text = release_yaml(headline="Kommunen bygger en skola.", lint={"ignore": ["H102"]})
    workspace_of(text)
    result = lint()
    assert result.exit_code == 0, result.output


def test_an_unknown_rule_in_a_release_is_a_problem(workspace_of) -> None:  # type: ignore[no-untyped-def]
    workspace_of(release_yaml(lint={"ignore": ["H1O2"]}))
    result = lint()
    assert result.exit_code == 1
    assert "lint.ignore[0]: unknown lint rule 'H1O2'; did you mean 'H102'?" in result.output


def test_an_unknown_rule_in_the_organisation_is_a_problem(workspace_of) -> None:  # type: ignore[no-untyped-def]
    workspace_of(release_yaml(), ORGANISATION_YAML + "lint:\n  select: [headline-to-long]\n")
    result = lint()
    assert result.exit_code == 1
    assert "organisation.yaml:15:12: lint.select[0]: unknown lint rule" in result.output
    assert "did you mean 'headline-too-long'?" in result.output


def test_a_threshold_must_be_a_whole_number(workspace_of) -> None:  # type: ignore[no-untyped-def]
    workspace_of(release_yaml(), ORGANISATION_YAML + "lint:\n  lead_max_words: many\n")
    result = lint()
    assert result.exit_code == 1
    assert "lint.lead_max_words" in result.output


def test_lint_help_has_examples() -> None:
    result = CliRunner().invoke(cli, ["lint", "--help"])
    assert "presser lint --explain O101" in result.output


def test_lint_imports_neither_weasyprint_nor_jinja() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from presser.cli import cli; "
        f"r = CliRunner().invoke(cli, ['lint', {str(REPO / 'releases')!r}]); "
        "print(r.exit_code, sorted(m for m in ('weasyprint', 'jinja2') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1 []"


def test_a_fresh_draft_is_not_ready(workspace_of) -> None:  # type: ignore[no-untyped-def]
    root = workspace_of(release_yaml())
    (root / "releases" / "r.yaml").unlink()
    assert CliRunner().invoke(cli, ["new", "spring-fair", "--org", "exempel"]).exit_code == 0
    result = lint()
    assert result.exit_code == 1
    assert (
        "P102 error: sample headline from presser new left: 'Skriv rubriken här'" in result.output
    )
    assert "P102 error: quotes[0].role is still the sample role 'titel'" in result.output


def test_the_only_error_in_the_seed_releases_is_the_misspelt_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO)
    found = json.loads(lint("releases", "--format", "json").output)
    assert [(f["code"], f["line"]) for f in found if f["severity"] == "error"] == [("O101", 78)]
