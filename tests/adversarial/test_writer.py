"""The one writer: frozen releases stay frozen, links and modes survive an edit, no lost update.

Item 6: every command that writes a release refuses a published one with a
manifest for its version (only presser correct leaves that state), and every
command that reads one reports a change after publishing as validate does.
Item 7: lint --fix and the workflow write through a link to its file, keep
the file's mode and owner, and re-check the bytes on disk right before the rename.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from presser import writing
from presser.editorial.release_edit import ReleaseFile, ReleaseFrozen, save_release, write_release
from presser.errors import WriteError
from presser.source.workspace import Workspace
from presser.writing import TEMP_PREFIX, ChangedOnDisk, write_atomic

from ..workflow_helpers import RELEASE, Newsroom, approve_it, make_newsroom, run

REPO_PACKAGE = Path(__file__).resolve().parents[2] / "presser"

#: The workflow release with a double space lint --fix mends (T102, a warning).
FIXABLE = RELEASE.replace("En paragraf om simhallen.", "En paragraf  om simhallen.")
FIXED = "En paragraf om simhallen."


@pytest.fixture
def newsroom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Newsroom:
    monkeypatch.chdir(tmp_path)
    return make_newsroom(tmp_path, releases={"r.yaml": FIXABLE})


@pytest.fixture
def published(newsroom: Newsroom) -> Newsroom:
    approve_it()
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 0, result.output
    assert (newsroom.version(1) / "manifest.json").is_file()
    return newsroom


# --------------------------------------------------------------------------- item 6: writers


def test_lint_fix_refuses_a_published_release(published: Newsroom) -> None:
    before = published.release().read_bytes()
    result = run("lint", "--fix", "releases/r.yaml")
    assert result.exit_code == 1, result.output
    assert "not fixed" in result.output
    assert "published and frozen (its v1 is in published/r/v1/)" in result.output
    assert "presser correct releases/r.yaml" in result.output
    assert published.release().read_bytes() == before


def test_the_release_writer_refuses_any_write_that_keeps_a_frozen_release_published(
    published: Newsroom,
) -> None:
    path = published.release()
    file = ReleaseFile.read(path)
    before = path.read_bytes()
    # What a writer that forgot its status check would do: a schedule entry, a retouched lead.
    with pytest.raises(ReleaseFrozen, match="published and frozen"):
        write_release(file, file.text.replace("vid torget", "vid torget, nu"), "releases/r.yaml")
    with pytest.raises(ReleaseFrozen, match="frozen"):
        save_release(
            path,
            before + b"# a comment\n",
            expected=before,
            display="releases/r.yaml",
            workspace=Workspace(published.root),
        )
    assert path.read_bytes() == before


def test_correct_still_leaves_the_freeze(published: Newsroom) -> None:
    result = run("correct", "releases/r.yaml", "--by", "Pia Press", "--note", "Rättat.")
    assert result.exit_code == 0, result.output
    assert "status: draft" in published.text()
    # A draft of version 2 is no longer frozen: lint --fix may mend it.
    fixed = run("lint", "--fix", "releases/r.yaml")
    assert FIXED in published.text(), fixed.output


def test_correct_takes_a_release_changed_after_publishing(published: Newsroom) -> None:
    published.write("r.yaml", published.text().replace("vid torget", "vid stora torget"))
    result = run("correct", "releases/r.yaml", "--by", "Pia Press", "--note", "Ny plats.")
    assert result.exit_code == 0, result.output
    assert "vid stora torget" in published.text()


# --------------------------------------------------------------------------- item 6: readers

CHANGED = re.compile(
    r"releases/r\.yaml:\d+:\d+: lead: changed after publishing; a published release is frozen"
)


@pytest.fixture
def changed(published: Newsroom) -> Newsroom:
    published.write("r.yaml", published.text().replace("vid torget", "vid stora torget"))
    return published


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "releases/r.yaml"],
        ["lint", "releases/r.yaml"],
        ["lint", "--fix", "releases/r.yaml"],
        ["build", "--format", "txt"],
        ["render", "releases/r.yaml", "--format", "txt"],
        ["submit", "releases/r.yaml", "--by", "Anna Berg"],
    ],
    ids=lambda command: " ".join(command[:2]),
)
def test_every_reader_reports_a_change_after_publishing(
    changed: Newsroom, command: list[str]
) -> None:
    before = changed.release().read_bytes()
    result = run(*command)
    assert result.exit_code == 1, result.output
    assert CHANGED.search(result.output), result.output
    assert changed.release().read_bytes() == before
    assert not (changed.root / "build" / "r.txt").exists()


def test_status_shows_a_changed_published_release_as_invalid(changed: Newsroom) -> None:
    result = run("status", "--format", "json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert row["problems"] == 1
    assert row["lint_errors"] is None


# --------------------------------------------------------------------------- item 7: links, modes


def _linked(newsroom: Newsroom) -> tuple[Path, Path]:
    drafts = newsroom.root / "drafts"
    drafts.mkdir()
    target = drafts / "r2.yaml"
    target.write_text(FIXABLE, "utf-8")  # images/ is found beside the link, as validate does
    link = newsroom.root / "releases" / "r2.yaml"
    link.symlink_to(Path("..") / "drafts" / "r2.yaml")
    return link, target


@pytest.mark.parametrize(
    ("command", "written"),
    [
        (["submit", "releases/r2.yaml", "--by", "Anna Berg"], "status: review"),
        (
            ["lint", "--fix", "releases/r2.yaml"],
            FIXED,
        ),
    ],
    ids=["submit", "lint --fix"],
)
def test_an_edit_writes_through_a_link_to_its_file(
    newsroom: Newsroom, command: list[str], written: str
) -> None:
    link, target = _linked(newsroom)
    result = run(*command)
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert os.readlink(link) == "../drafts/r2.yaml"
    assert written in target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("command", "written"),
    [
        (["submit", "releases/r.yaml", "--by", "Anna Berg"], "status: review"),
        (
            ["lint", "--fix", "releases/r.yaml"],
            FIXED,
        ),
    ],
    ids=["submit", "lint --fix"],
)
def test_an_edit_keeps_a_private_file_private(
    newsroom: Newsroom, command: list[str], written: str
) -> None:
    path = newsroom.release()
    path.chmod(0o600)
    result = run(*command)
    assert result.exit_code == 0, result.output
    assert written in newsroom.text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may give a file to another user")
@pytest.mark.parametrize(
    "command",
    [["submit", "releases/r.yaml", "--by", "Anna Berg"], ["lint", "--fix", "releases/r.yaml"]],
    ids=["submit", "lint --fix"],
)
def test_an_edit_keeps_the_owner(newsroom: Newsroom, command: list[str]) -> None:
    path = newsroom.release()
    os.chown(path, 65534, 65534)
    before = path.read_bytes()
    result = run(*command)
    assert result.exit_code == 0, result.output
    assert path.read_bytes() != before
    assert (path.stat().st_uid, path.stat().st_gid) == (65534, 65534)


def test_a_link_out_of_the_workspace_is_not_written_through(tmp_path: Path) -> None:
    workspace, outside = tmp_path / "newsroom", tmp_path / "outside"
    workspace.mkdir()
    outside.mkdir()
    (outside / "r.yaml").write_bytes(b"theirs\n")
    link = workspace / "r.yaml"
    link.symlink_to(outside / "r.yaml")
    with pytest.raises(WriteError, match=r"it is a link to .*outside"):
        write_atomic(link, b"ours\n", within=workspace)
    assert (outside / "r.yaml").read_bytes() == b"theirs\n"
    assert link.is_symlink()


def test_an_output_that_is_a_link_onto_a_source_is_refused(tmp_path: Path) -> None:
    (tmp_path / "releases").mkdir()
    source = tmp_path / "releases" / "r.yaml"
    source.write_bytes(b"headline: A source\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "r.html").symlink_to(source)
    with pytest.raises(WriteError, match="outside"):
        write_atomic(tmp_path / "build" / "r.html", b"<html>")
    assert source.read_bytes() == b"headline: A source\n"


def test_an_output_link_within_its_folder_is_written_through(tmp_path: Path) -> None:
    (tmp_path / "latest.txt").write_bytes(b"old")
    (tmp_path / "r.txt").symlink_to("latest.txt")
    write_atomic(tmp_path / "r.txt", b"new")
    assert (tmp_path / "r.txt").is_symlink()
    assert (tmp_path / "latest.txt").read_bytes() == b"new"


def test_a_change_on_disk_just_before_the_rename_is_never_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "r.yaml"
    target.write_bytes(b"as read\n")
    real_fsync = os.fsync

    def someone_saves_meanwhile(fd: int) -> None:
        real_fsync(fd)
        target.write_bytes(b"their edit\n")  # after presser's check of what it read

    monkeypatch.setattr(writing.os, "fsync", someone_saves_meanwhile)
    with pytest.raises(ChangedOnDisk, match="changed on disk by someone else"):
        write_atomic(target, b"ours\n", expected=b"as read\n", display="releases/r.yaml")
    assert target.read_bytes() == b"their edit\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_there_is_one_atomic_writer() -> None:
    """Temporary files and renames over a file happen in presser/writing.py only."""
    writers = {
        path.relative_to(REPO_PACKAGE).as_posix()
        for path in REPO_PACKAGE.rglob("*.py")
        if re.search(r"\bmkstemp\(|\bos\.replace\(|\.replace\(temporary", path.read_text("utf-8"))
    }
    assert writers == {"writing.py"}
