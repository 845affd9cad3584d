"""What ``presser validate`` of an ordinary release leaves unimported (issue 12).

Each module here costs a noticeable share of a cold ``presser validate`` and is
needed only by an unusual release or another command: email-validator for an
address out of the ordinary, the manifest module for a published release with
a manifest, the modules of the other commands. Run in a fresh interpreter, as
in tests/test_startup.py.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from presser.cli import COMMANDS, cli
from presser.editorial import manifest, reading
from presser.editorial.reading import load_release

from .conftest import RELEASE_YAML, MakeWorkspace
from .test_startup import run_command


def validate(cwd: Path, *arguments: str) -> tuple[int, str, set[str]]:
    return run_command(["validate", *arguments], cwd, submodules=True)


def imported(modules: set[str], package: str) -> list[str]:
    return sorted(m for m in modules if m == package or m.startswith(package + "."))


PUBLISHED = RELEASE_YAML.replace("headline:", "status: published\nheadline:")


def test_an_ordinary_release_needs_neither_email_validator_nor_the_manifests(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    # Published, as the transcribed releases are, but with no manifest to check.
    make_workspace(releases={"r.yaml": PUBLISHED})
    code, output, modules = validate(tmp_path, "releases/r.yaml")
    assert code == 0, output
    assert "1 release valid." in output
    assert not imported(modules, "email_validator")
    assert not imported(modules, "presser.editorial.manifest")
    assert not imported(modules, "presser.digest")
    # Nor the modules of the other commands.
    assert [m for m in imported(modules, "presser.cli") if m.count(".") == 2] == [
        "presser.cli.common",
        "presser.cli.rendering",
    ]


def test_an_unusual_address_is_email_validators_to_judge(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    release = RELEASE_YAML.replace("anna.berg@exempel.se", "anna.berg@exempel.test")
    make_workspace(releases={"r.yaml": release})
    code, output, modules = validate(tmp_path, "releases/r.yaml")
    assert code == 1, output
    assert (
        "contacts[0].email: not a valid e-mail address: The part after the @-sign is a "
        "special-use or reserved name" in output
    ), output
    assert imported(modules, "email_validator")


def test_the_freeze_looks_for_the_manifest_where_publish_writes_it(
    make_workspace: MakeWorkspace,
) -> None:
    corrected = PUBLISHED + "corrections:\n  - at: 2026-03-03T10:00:00+01:00\n    note: A fix.\n"
    workspace = make_workspace(releases={"r.yaml": corrected})
    loaded = load_release(workspace.releases_dir / "r.yaml", workspace)
    assert loaded.release.version == 2
    expected = manifest.version_folder(workspace, "r", 2) / manifest.MANIFEST
    assert reading._manifest_file(loaded) == expected


def test_each_command_is_found_in_the_module_its_family_names() -> None:
    # Every command of the four modules is listed, under its own name, with its module.
    for family in sorted(set(COMMANDS.values())):
        module = importlib.import_module(f"presser.cli.{family}")
        commands = {
            value.name: family
            for value in vars(module).values()
            if isinstance(value, click.Command)
            and getattr(value.callback, "__module__", None) == module.__name__
        }
        assert commands == {name: f for name, f in COMMANDS.items() if f == family}
    for name in COMMANDS:
        assert cli.commands[name].name == name
    assert sorted(cli.commands) == sorted(COMMANDS)
