"""What was approved is what goes out: the attacks on publishing and on the workspace's edge.

- publish only ever puts in place a version folder it rendered itself: one
  already there is refused, never adopted; a publish killed after recording
  is finished from its own staging folder, and only from that one;
- the approval publish relies on must satisfy the organisation's rules, as
  approve checks them (a history entry is plain text anyone can write);
- a release that is a link out of the workspace is refused unread when a
  folder is scanned, by every command that scans, with the other problems;
- published/ is never an output folder, and a file or a dangling link where
  published/ should be is a clear refusal.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from presser.cli import cli
from presser.editorial.manifest import MANIFEST, verify_manifest
from presser.source.loading import load_file

from ..workflow_helpers import (
    RELEASE,
    Newsroom,
    approve_it,
    make_newsroom,
    run,
    sha256,
    snapshot,
)
from .guards import Guard


@pytest.fixture
def newsroom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Newsroom:
    monkeypatch.chdir(tmp_path)
    return make_newsroom(tmp_path)


def history(newsroom: Newsroom) -> list[dict[str, object]]:
    data = load_file(newsroom.release()).data
    assert isinstance(data, dict)
    entries = data.get("history", [])
    assert isinstance(entries, list)
    return entries


def staging_folders(newsroom: Newsroom) -> list[Path]:
    return sorted((newsroom.root / "published" / "r").glob(".presser-v*"))


# --------------------------------------------------------------------------- 3: adoption


def test_a_forged_version_folder_with_a_matching_manifest_is_refused_not_adopted(
    newsroom: Newsroom,
) -> None:
    approve_it()
    approved = newsroom.release().read_bytes()
    approval = history(newsroom)[-1]
    v1 = newsroom.version(1)
    v1.mkdir(parents=True)
    (v1 / "r.html").write_text("<p>Not what was approved.</p>\n", "utf-8")
    forged = {
        "format": 1,
        "release": "releases/r.yaml",
        "version": 1,
        "approved_by": "Pia Press",
        "content_hash": approval["content_hash"],  # the approval's own, copied
        "files": [{"path": "r.html", "sha256": sha256(v1 / "r.html"), "size": 30}],
    }
    (v1 / MANIFEST).write_text(json.dumps(forged), "utf-8")
    before = snapshot(v1)
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 1
    assert "published/r/v1/ exists; it was not made by this publish" in result.output
    assert snapshot(v1) == before
    assert newsroom.release().read_bytes() == approved  # still approved, nothing recorded
    assert staging_folders(newsroom) == []


def _publish_killed_at(root: Path, function: str) -> None:
    """``presser publish`` in a process killed (SIGKILL) when it calls ``publishing.<function>``."""
    code = textwrap.dedent(
        f"""
        import os, signal, sys
        from presser.editorial import publishing
        publishing.{function} = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
        from presser.cli import main
        sys.argv = ["presser", "publish", "releases/r.yaml", "--by", "Pia Press"]
        main()
        """
    )
    killed = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, timeout=120, check=False
    )
    assert killed.returncode == -9, killed.stderr.decode()


def test_a_publish_killed_after_recording_is_finished_by_the_next_publish(
    newsroom: Newsroom,
) -> None:
    approve_it()
    _publish_killed_at(newsroom.root, "_put_in_place")
    # Recorded, not yet in place: the release says published, its rendering waits beside v1/.
    recorded = history(newsroom)[-1]
    assert recorded["action"] == "publish"
    assert not newsroom.version(1).exists()
    [staging] = staging_folders(newsroom)
    result = run("publish", "releases/r.yaml", "--by", "Someone Else")
    assert result.exit_code == 0, result.output
    assert "-> published/r/v1/" in result.output
    v1 = newsroom.version(1)
    assert not staging.exists()
    assert verify_manifest(v1) == []
    manifest = json.loads((v1 / MANIFEST).read_text("utf-8"))
    # What went out is what the killed publish recorded, not a second publish.
    assert manifest["published_by"] == "Pia Press"
    assert manifest["published_at"] == load_file(newsroom.release()).data["history"][-1]["at"]
    assert [e["action"] for e in history(newsroom)].count("publish") == 1
    assert run("validate", "releases/r.yaml").exit_code == 0


def test_publish_due_finishes_a_publish_killed_after_recording(newsroom: Newsroom) -> None:
    approve_it()
    _publish_killed_at(newsroom.root, "_put_in_place")
    result = run("publish", "--due", "--by", "cron")
    assert result.exit_code == 0, result.output
    assert "published releases/r.yaml: v1 -> published/r/v1/" in result.output
    assert verify_manifest(newsroom.version(1)) == []
    again = run("publish", "--due", "--by", "cron")
    assert again.exit_code == 0 and "published" not in again.output.split("\n")[0]


def test_a_publish_killed_before_recording_publishes_nothing_and_is_cleaned_up(
    newsroom: Newsroom,
) -> None:
    approve_it()
    approved = newsroom.release().read_bytes()
    _publish_killed_at(newsroom.root, "record")
    assert newsroom.release().read_bytes() == approved
    assert not newsroom.version(1).exists()
    assert len(staging_folders(newsroom)) == 1  # rendered, never recorded
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 0, result.output
    assert staging_folders(newsroom) == []
    assert verify_manifest(newsroom.version(1)) == []


def test_only_the_staging_folder_of_the_recorded_publish_is_put_in_place(
    newsroom: Newsroom,
) -> None:
    approve_it()
    _publish_killed_at(newsroom.root, "_put_in_place")
    [staging] = staging_folders(newsroom)
    manifest = json.loads((staging / MANIFEST).read_text("utf-8"))
    manifest["published_by"] = "Mallory"  # another publish's, or a forgery: not this record's
    (staging / MANIFEST).write_text(json.dumps(manifest), "utf-8")
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 1
    assert not newsroom.version(1).exists()
    assert staging.is_dir()


# --------------------------------------------------------------------------- 5: approval rules

RULES = """\
workflow:
  approvers: [Pia Press, Anna Berg]
  allow_self_approval: false
"""


@pytest.fixture
def ruled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Newsroom:
    monkeypatch.chdir(tmp_path)
    return make_newsroom(tmp_path, workflow=RULES)


def _forge_approver(newsroom: Newsroom, name: str) -> None:
    """Rewrite who approved in the approve entry (its content hash stays the real one)."""
    approve_it(submitter="Anna Berg", approver="Pia Press")
    text = newsroom.text()
    head, entry = text.rsplit("  - action: approve\n", 1)
    assert "    by: Pia Press\n" in entry
    newsroom.write("r.yaml", head + "  - action: approve\n" + entry.replace("Pia Press", name, 1))


@pytest.mark.parametrize(
    ("approver", "reason"),
    [
        ("Mallory", "Mallory is not an approver for exempel"),
        ("Anna Berg", "Anna Berg submitted this release and exempel does not allow self-approval"),
    ],
)
def test_publish_refuses_an_approval_the_rules_would_not_allow(
    ruled: Newsroom, approver: str, reason: str
) -> None:
    _forge_approver(ruled, approver)
    forged = ruled.release().read_bytes()
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 1
    assert "publish refused: the approval it records" in result.output
    assert reason in result.output
    assert ruled.release().read_bytes() == forged
    assert not (ruled.root / "published").exists()


def test_publish_due_refuses_an_approval_the_rules_would_not_allow(ruled: Newsroom) -> None:
    _forge_approver(ruled, "Mallory")
    result = run("publish", "--due", "--by", "cron")
    assert result.exit_code == 1
    assert "refused   releases/r.yaml: the approval it records" in result.output
    assert "Mallory is not an approver" in result.output
    assert not (ruled.root / "published").exists()


def test_an_approval_by_a_listed_approver_still_publishes(ruled: Newsroom) -> None:
    approve_it(submitter="Anna Berg", approver="Pia Press")
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 0, result.output


# --------------------------------------------------------------------------- 4: links out


@pytest.fixture
def linked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Newsroom:
    """A workspace whose releases/other.yaml links to a release in a folder beside it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = RELEASE.replace("Kommunen bygger en ny simhall", "Hemlig rubrik utanför")
    (outside / "other.yaml").write_text(secret, "utf-8")
    root = tmp_path / "project"
    newsroom = make_newsroom(root)
    newsroom.write("broken.yaml", RELEASE.replace("email: anna.berg@exempel.se", "email: nej"))
    (root / "releases" / "other.yaml").symlink_to(Path("../../outside/other.yaml"))
    monkeypatch.chdir(root)
    return newsroom


LINK_PROBLEM = "releases/other.yaml:1:1: (file): a link to a file outside the workspace"


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["render", "releases", "--format", "txt"],
        ["build", "--jobs", "1", "--format", "txt"],
        ["lint"],
    ],
)
def test_a_release_linking_out_is_refused_unread_with_the_other_problems(
    linked: Newsroom, guard: Guard, command: list[str]
) -> None:
    with guard.watching(linked.root):
        result = CliRunner().invoke(cli, command)
    assert result.exit_code == 1, result.output
    assert LINK_PROBLEM in result.output
    assert "releases/broken.yaml:" in result.output  # all at once, with the rest
    assert "Hemlig rubrik" not in result.output
    assert not (linked.root / "build").exists()  # nothing rendered


def test_status_and_publish_due_refuse_a_release_linking_out_unread(
    linked: Newsroom, guard: Guard
) -> None:
    with guard.watching(linked.root):
        status = CliRunner().invoke(cli, ["status", "--format", "json"])
        due = CliRunner().invoke(cli, ["publish", "--due", "--by", "cron"])
    rows = {row["path"]: row for row in json.loads(status.output)}
    assert rows["releases/other.yaml"]["status"] == "invalid"
    assert rows["releases/other.yaml"]["headline"] == ""
    assert due.exit_code == 1
    assert "refused   releases/other.yaml: a link to a file outside the workspace" in due.output


# --------------------------------------------------------------------------- 12, 17: published/


def test_a_file_where_the_release_s_published_folder_goes_is_a_clear_refusal(
    newsroom: Newsroom,
) -> None:
    approve_it()
    approved = newsroom.release().read_bytes()
    (newsroom.root / "published").mkdir()
    (newsroom.root / "published" / "r").write_text("keep me", "utf-8")
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)  # a message, not a FileExistsError
    assert "publish refused: published/r is a file, not a folder" in result.output
    assert (newsroom.root / "published" / "r").read_text("utf-8") == "keep me"
    assert newsroom.release().read_bytes() == approved


def test_a_dangling_published_link_is_a_clear_refusal(newsroom: Newsroom) -> None:
    approve_it()
    approved = newsroom.release().read_bytes()
    os.symlink("gone", newsroom.root / "published")
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert "publish refused: published is a link to gone, which does not exist" in result.output
    assert os.readlink(newsroom.root / "published") == "gone"
    assert newsroom.release().read_bytes() == approved


@pytest.mark.parametrize(
    "command",
    [
        ["render", "releases/r.yaml", "--format", "txt", "--out", "published/r/v1"],
        ["build", "--format", "txt", "--out", "published"],
        ["build", "--format", "txt", "--out", "shortcut"],  # a link into published/r/v1
    ],
)
def test_published_is_never_an_output_folder(newsroom: Newsroom, command: list[str]) -> None:
    approve_it()
    assert run("publish", "releases/r.yaml", "--by", "Pia Press").exit_code == 0
    (newsroom.root / "shortcut").symlink_to(newsroom.version(1))
    frozen = snapshot(newsroom.root / "published")
    result = run(*command)
    assert result.exit_code == 2
    assert "is inside published/; outputs never go among published versions" in result.output
    assert snapshot(newsroom.root / "published") == frozen
