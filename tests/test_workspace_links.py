"""The workspace's boundary: links out of it are refused before anything is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from presser.source.workspace import packaged_default_templates

from .conftest import RELEASE_YAML, MakeWorkspace


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the workspace (tmp_path is the workspace)."""
    folder = tmp_path.parent / f"{tmp_path.name}-outside"
    folder.mkdir()
    (folder / "other.yaml").write_text(RELEASE_YAML.replace("En rubrik", "Utanför"), "utf-8")
    return folder


def test_check_inside_refuses_a_link_out_and_says_where_the_link_is(
    make_workspace: MakeWorkspace, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML})
    monkeypatch.chdir(workspace.root)
    link = workspace.releases_dir / "other.yaml"
    link.symlink_to(outside / "other.yaml")
    problem = workspace.check_inside(link)
    assert problem is not None
    assert str(problem).startswith(
        "releases/other.yaml:1:1: (file): a link to a file outside the workspace"
    )
    folder = workspace.templates_dir / "exempel" / "partials"
    folder.symlink_to(outside)
    refused = workspace.check_inside(folder / "other.yaml")  # a file reached through a link
    assert refused is not None and "outside the workspace" in refused.message
    assert "a link to a folder" in str(workspace.check_inside(folder))


def test_check_inside_lets_through_the_workspace_and_presser_s_own_defaults(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML})
    inside = workspace.releases_dir / "alias.yaml"
    inside.symlink_to(workspace.releases_dir / "r.yaml")
    assert workspace.check_inside(workspace.releases_dir / "r.yaml") is None
    assert workspace.check_inside(inside) is None
    # Installed elsewhere than the workspace, and part of presser: readable.
    packaged = packaged_default_templates() / "release.html.j2"
    assert not packaged.resolve().is_relative_to(tmp_path.resolve())
    assert workspace.check_inside(packaged) is None


def test_release_files_refuses_a_link_out_unread_and_keeps_the_rest(
    make_workspace: MakeWorkspace, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML})
    monkeypatch.chdir(workspace.root)
    (workspace.releases_dir / "other.yaml").symlink_to(outside / "other.yaml")
    (workspace.releases_dir / "nested").mkdir()
    (workspace.releases_dir / "nested" / "deep.yml").symlink_to(outside / "other.yaml")
    files, refused = workspace.release_files([workspace.releases_dir])
    assert files == [workspace.releases_dir / "r.yaml"]
    assert [p.path for p in refused] == ["releases/nested/deep.yml", "releases/other.yaml"]
    # Named directly, the same.
    files, refused = workspace.release_files([Path("releases/other.yaml")])
    assert files == [] and [p.path for p in refused] == ["releases/other.yaml"]


def test_an_organisation_folder_named_with_a_final_newline_is_not_an_organisation(
    make_workspace: MakeWorkspace,
) -> None:
    workspace = make_workspace(organisations={"acme\n": "name: Acme\n", "exempel": "name: E\n"})
    assert workspace.organisation_slugs() == ["exempel"]
