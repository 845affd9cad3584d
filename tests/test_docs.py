"""Docs cannot drift: generated references are current, every command and field documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from presser import docs
from presser.cli import cli
from presser.render.pipeline import RenderOptions, render_outputs
from presser.source.validation import load_release

from .conftest import REPO, MakeWorkspace


def test_format_reference_is_current() -> None:
    committed = (REPO / "docs" / "format.md").read_text(encoding="utf-8")
    assert committed == docs.format_reference(), "run: make docs"


def test_context_reference_is_current() -> None:
    committed = (REPO / "docs" / "context.md").read_text(encoding="utf-8")
    assert committed == docs.context_reference(), "run: make docs"


@pytest.mark.parametrize("model", docs.FORMAT_MODELS, ids=lambda m: m.__name__)
def test_every_format_field_has_a_description(model: type) -> None:
    missing = [name for name, f in model.model_fields.items() if not f.description]  # type: ignore[attr-defined]
    assert missing == []


@pytest.mark.parametrize("cls", docs.CONTEXT_CLASSES, ids=lambda c: c.__name__)
def test_every_context_field_is_documented(cls: type) -> None:
    assert [name for name, doc in docs.context_fields(cls).items() if not doc] == []


def test_every_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in cli.commands:  # type: ignore[attr-defined]
        assert f"presser {command}" in readme, command


def test_every_option_is_in_the_help() -> None:
    runner = CliRunner()
    for name, command in cli.commands.items():  # type: ignore[attr-defined]
        text = runner.invoke(cli, [name, "--help"]).output
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--"):
                    assert opt in text, (name, opt)


def test_the_spec_example_fields_all_exist() -> None:
    """Every key the format spec shows in its release example is a field of the model."""
    spec = REPO.parent / "shared" / "spec" / "release-format.md"
    if not spec.is_file():
        pytest.skip("shared/spec is not beside the repository")
    example = spec.read_text(encoding="utf-8").split("```yaml", 1)[1].split("```", 1)[0]
    keys = set(re.findall(r"^\s*-?\s*(\w+):", example, flags=re.M))
    known = {name for model in docs.FORMAT_MODELS for name in model.model_fields} | {
        "quote",
        "image",
    }
    assert keys - known == set()


def test_the_readme_example_release_validates_and_renders(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    example = readme.split("## A release", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    assert len(example.strip().splitlines()) <= 12
    skl = (REPO / "templates" / "skl" / "organisation.yaml").read_text(encoding="utf-8")
    workspace = make_workspace(releases={"example.yaml": example}, organisations={"skl": skl})
    loaded = load_release(workspace.releases_dir / "example.yaml", workspace)
    text = render_outputs(loaded, tmp_path / "build", RenderOptions(formats=("txt",)))["txt"]
    assert "– Responsen har varit mycket positiv, säger Anders Knape." in text.decode()
