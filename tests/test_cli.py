"""Every command and exit code, through click's CliRunner (and once as a real process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from presser import __version__
from presser.cli import cli

from .conftest import RELEASE_YAML, REPO, MakeWorkspace

COMMANDS = ["validate", "render", "build", "new", "schema", "orgs", "init"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def in_workspace(make_workspace: MakeWorkspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    make_workspace(releases={"good.yaml": RELEASE_YAML})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"presser, version {__version__}\n"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    assert f"presser {command}" in result.output


def test_main_help_lists_commands_and_exit_codes(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.output
    assert "Exit codes" in result.output


def test_validate_ok(runner: CliRunner, in_workspace: Path) -> None:
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output == "1 release valid.\n"


def test_validate_reports_every_problem_and_exits_1(runner: CliRunner, in_workspace: Path) -> None:
    bad = RELEASE_YAML.replace("headline: En rubrik", "headlin: En rubrik").replace("+01:00", "")
    (in_workspace / "releases" / "bad.yaml").write_text(bad, encoding="utf-8")
    result = runner.invoke(cli, ["validate", "releases"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines == [
        "releases/bad.yaml:1:1: headline: 'headline' is required",
        "releases/bad.yaml:2:1: headlin: unknown field 'headlin'; did you mean 'headline'?",
        "releases/bad.yaml:3:12: published: '2026-03-02T10:00:00' has no UTC offset; "
        "add one, such as +01:00 (a time without one is not guessed)",
        "3 problem(s) in 1 of 2 releases.",
    ]


def test_validate_json(runner: CliRunner, in_workspace: Path) -> None:
    (in_workspace / "releases" / "bad.yaml").write_text("headline: [\n", encoding="utf-8")
    result = runner.invoke(cli, ["validate", "--format", "json", "releases/bad.yaml"])
    assert result.exit_code == 1
    (problem,) = json.loads(result.output)
    assert problem["path"] == "releases/bad.yaml"
    assert (problem["line"], problem["field"]) == (2, "(file)")
    assert problem["message"].startswith("YAML syntax:")


def test_validate_json_clean(runner: CliRunner, in_workspace: Path) -> None:
    result = runner.invoke(cli, ["validate", "--format", "json"])
    assert (result.exit_code, json.loads(result.output)) == (0, [])


def test_usage_errors_exit_2(runner: CliRunner, in_workspace: Path) -> None:
    assert runner.invoke(cli, ["validate", "nope.yaml"]).exit_code == 2
    assert runner.invoke(cli, ["render", "releases", "--format", "docx"]).exit_code == 2
    assert runner.invoke(cli, ["render"]).exit_code == 2
    assert runner.invoke(cli, ["frobnicate"]).exit_code == 2


def test_outside_a_workspace_is_a_usage_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 2
    assert "no presser workspace" in result.output
    assert "presser init" in result.output


def test_workspace_is_found_from_a_subfolder(
    runner: CliRunner, in_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(in_workspace / "templates" / "exempel")
    result = runner.invoke(cli, ["validate"])
    assert (result.exit_code, result.output) == (0, "1 release valid.\n")


def test_render_text_only(runner: CliRunner, in_workspace: Path) -> None:
    result = runner.invoke(
        cli, ["render", "releases/good.yaml", "--format", "txt", "--wire", "us", "--ascii"]
    )
    assert result.exit_code == 0, result.output
    text = (in_workspace / "build" / "good.txt").read_text(encoding="ascii")
    assert text.startswith("FOR OMEDELBAR PUBLICERING\n")  # the label, in Swedish, as ASCII
    assert not (in_workspace / "build" / "good.html").exists()


def test_render_invalid_release_renders_nothing(runner: CliRunner, in_workspace: Path) -> None:
    bad = RELEASE_YAML.replace("lead: En ingress.", "lead: [x]")
    (in_workspace / "releases" / "bad.yaml").write_text(bad, encoding="utf-8")
    result = runner.invoke(cli, ["render", "releases", "--format", "txt"])
    assert result.exit_code == 1
    assert "releases/bad.yaml:4:7: lead: must be text, not a list" in result.output
    assert not (in_workspace / "build").exists()


def test_render_refuses_output_among_sources(runner: CliRunner, in_workspace: Path) -> None:
    result = runner.invoke(cli, ["render", "releases", "--out", "releases/out"])
    assert result.exit_code == 2
    assert "inside releases/" in result.output
    assert sorted(p.name for p in (in_workspace / "releases").iterdir()) == ["good.yaml"]


def test_render_never_modifies_the_source(runner: CliRunner, in_workspace: Path) -> None:
    source = in_workspace / "releases" / "good.yaml"
    before = (source.read_bytes(), source.stat().st_mtime_ns)
    assert runner.invoke(cli, ["render", "releases", "--format", "txt"]).exit_code == 0
    assert (source.read_bytes(), source.stat().st_mtime_ns) == before


def test_build_all_formats(runner: CliRunner, in_workspace: Path) -> None:
    result = runner.invoke(cli, ["build", "--out", "site"])
    assert result.exit_code == 0, result.output
    # Besides the outputs, only the build cache (a hidden file; see test_build.py).
    assert sorted(p.name for p in (in_workspace / "site").iterdir()) == [
        ".presser-cache.json",
        "good.html",
        "good.pdf",
        "good.txt",
    ]
    assert (in_workspace / "site" / "good.pdf").read_bytes().startswith(b"%PDF-")
    assert "1 release rendered into site/." in result.output


def test_new_draft_validates_as_it_is(runner: CliRunner, in_workspace: Path) -> None:
    result = runner.invoke(cli, ["new", "spring-fair", "--org", "exempel"])
    assert result.exit_code == 0, result.output
    (draft,) = (in_workspace / "releases").glob("*-spring-fair.yaml")
    assert draft.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../schema/release.schema.json\n"
    )
    assert (in_workspace / "schema" / "release.schema.json").is_file()
    assert runner.invoke(cli, ["validate", str(draft)]).exit_code == 0
    again = runner.invoke(cli, ["new", "spring-fair", "--org", "exempel"])
    assert again.exit_code == 2 and "already exists" in again.output


def test_new_unknown_organisation(runner: CliRunner, in_workspace: Path) -> None:
    result = runner.invoke(cli, ["new", "x", "--org", "exempl"])
    assert result.exit_code == 2
    assert "did you mean 'exempel'?" in result.output


def test_schema_is_the_models_json_schema(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "Release"
    assert set(schema["required"]) == {"organisation", "headline", "published"}
    assert schema["additionalProperties"] is False


def test_committed_schema_is_current(runner: CliRunner) -> None:
    committed = (REPO / "schema" / "release.schema.json").read_text(encoding="utf-8")
    assert committed == runner.invoke(cli, ["schema"]).output, "run: make schema"


def test_orgs(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO / "releases")
    result = runner.invoke(cli, ["orgs"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "regionforbundet-jonkoping\tRegionförbundet Jönköpings län\tsv\tEurope/Stockholm",
        "skl\tSveriges Kommuner och Landsting\tsv\tEurope/Stockholm",
    ]


def test_init_creates_a_workspace_that_validates_and_renders(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        cli, ["init", "newsroom", "--org", "acme", "--name", "Acme Inc.", "--country", "US"]
    )
    assert result.exit_code == 0, result.output
    root = tmp_path / "newsroom"
    assert (root / "templates" / "acme" / "organisation.yaml").is_file()
    assert (root / "README.md").is_file()
    assert not (root / "templates" / "_default").exists()  # the default look ships in presser
    monkeypatch.chdir(root)
    assert runner.invoke(cli, ["validate"]).exit_code == 0
    built = runner.invoke(cli, ["build"])
    assert built.exit_code == 0, built.output
    assert len([p for p in (root / "build").iterdir() if not p.name.startswith(".")]) == 3
    again = runner.invoke(cli, ["init", ".", "--org", "acme", "--name", "Acme Inc."])
    assert again.exit_code == 2


def test_init_refuses_bad_settings(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        cli, ["init", "x", "--org", "acme", "--name", "A", "--timezone", "Mars/Olympus"]
    )
    assert result.exit_code == 2
    assert "--timezone: not a known IANA time zone" in result.output
    assert not (tmp_path / "x").exists()


def test_python_dash_m_presser_runs_as_a_process(in_workspace: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "presser", "validate"],
        cwd=in_workspace,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "1 release valid.\n", "")


def test_two_releases_with_one_name_are_refused(runner: CliRunner, in_workspace: Path) -> None:
    (in_workspace / "releases" / "2026").mkdir()
    (in_workspace / "releases" / "2026" / "good.yaml").write_text(RELEASE_YAML, encoding="utf-8")
    result = runner.invoke(cli, ["build"])
    assert result.exit_code == 2
    assert "would both render to good.*" in result.output


def _choices(command: str, option: str) -> list[str]:
    parameter = next(p for p in cli.commands[command].params if p.name == option)
    assert isinstance(parameter.type, click.Choice)
    return list(parameter.type.choices)


@pytest.mark.parametrize("command", ["render", "build"])
def test_the_cli_s_written_out_choices_are_the_model_s(command: str) -> None:
    from presser.render.pipeline import DEFAULT_FORMATS, KNOWN_FORMATS
    from presser.source.fields import WIRE_STYLES

    assert _choices(command, "formats") == list(KNOWN_FORMATS)
    assert _choices(command, "wire") == list(WIRE_STYLES)
    assert set(DEFAULT_FORMATS) <= set(KNOWN_FORMATS)
