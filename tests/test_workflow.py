"""The editorial workflow through the CLI: every step, every refusal, with exit codes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from presser.editorial import release_edit, workflow
from presser.source.loading import load_file
from presser.source.model import Release
from presser.source.validation import load_release
from presser.source.workspace import Workspace

from .workflow_helpers import RELEASE, Newsroom, approve_it, make_newsroom, run


@pytest.fixture
def newsroom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Newsroom:
    monkeypatch.chdir(tmp_path)
    return make_newsroom(tmp_path)


def history(newsroom: Newsroom, name: str = "r.yaml") -> list[dict[str, str]]:
    data = load_file(newsroom.release(name)).data
    entries: list[dict[str, str]] = data.get("history") or []
    return entries


def status_of(newsroom: Newsroom, name: str = "r.yaml") -> str:
    status: str = load_file(newsroom.release(name)).data["status"]
    return status


# --------------------------------------------------------------------------- steps


def test_submit_approve_publish(newsroom: Newsroom) -> None:
    result = run("submit", "releases/r.yaml", "--by", "Anna Berg")
    assert result.exit_code == 0, result.output
    assert result.output == "releases/r.yaml: draft -> review (submit by Anna Berg)\n"
    assert status_of(newsroom) == "review"

    result = run("approve", "releases/r.yaml", "--by", "Pia Press", "--note", "Siffrorna stämmer")
    assert result.exit_code == 0, result.output
    assert result.output == "releases/r.yaml: review -> approved (approve by Pia Press)\n"

    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 0, result.output
    assert (
        "releases/r.yaml: approved -> published (publish by Pia Press): v1 -> published/r/v1/"
        in (result.output)
    )
    assert status_of(newsroom) == "published"

    entries = history(newsroom)
    assert [(e["action"], e["from"], e["to"], e["by"]) for e in entries] == [
        ("submit", "draft", "review", "Anna Berg"),
        ("approve", "review", "approved", "Pia Press"),
        ("publish", "approved", "published", "Pia Press"),
    ]
    assert entries[1]["note"] == "Siffrorna stämmer"
    assert entries[1]["content_hash"].startswith("sha256:")
    assert entries[2]["version"] == "1"
    for entry in entries:
        # The organisation's offset is written: Stockholm is +01:00 or +02:00.
        assert datetime.fromisoformat(entry["at"]).utcoffset() is not None
        assert entry["at"][-6:] in ("+01:00", "+02:00")
    # What the model reads back.
    release = Release.model_validate(load_file(newsroom.release()).data)
    assert release.history[0].from_status == "draft"


def test_reject_sends_it_back_with_the_reason(newsroom: Newsroom) -> None:
    assert run("submit", "releases/r.yaml", "--by", "Anna Berg").exit_code == 0
    result = run(
        "reject", "releases/r.yaml", "--by", "Pia Press", "--reason", "Citatet är inte godkänt"
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        "releases/r.yaml: review -> draft (reject by Pia Press): Citatet är inte godkänt\n"
    )
    assert status_of(newsroom) == "draft"
    assert history(newsroom)[-1]["note"] == "Citatet är inte godkänt"


def test_reject_needs_a_reason(newsroom: Newsroom) -> None:
    assert run("submit", "releases/r.yaml", "--by", "Anna Berg").exit_code == 0
    result = run("reject", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 2
    assert "--reason" in result.output


def test_an_approved_release_that_changed_can_be_submitted_again(newsroom: Newsroom) -> None:
    approve_it()
    result = run("submit", "releases/r.yaml", "--by", "Anna Berg")
    assert result.exit_code == 0, result.output
    assert "approved -> review" in result.output


def test_by_defaults_to_the_current_user(
    newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workflow, "current_user", lambda: "Greta Git")
    result = run("submit", "releases/r.yaml")
    assert result.exit_code == 0, result.output
    assert history(newsroom)[-1]["by"] == "Greta Git"


def test_current_user_falls_back_to_the_login(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workflow.shutil, "which", lambda name: None)
    monkeypatch.setattr(workflow.getpass, "getuser", lambda: "pia")
    assert workflow.current_user() == "pia"


# --------------------------------------------------------------------------- refusals


def test_submit_refused_while_invalid(newsroom: Newsroom) -> None:
    newsroom.write(
        "r.yaml", RELEASE.replace("published: 2010-03-02T10:00:00+01:00", "published: igår")
    )
    before = newsroom.release().read_bytes()
    result = run("submit", "releases/r.yaml", "--by", "Anna Berg")
    assert result.exit_code == 1
    assert "releases/r.yaml:6:12: published: 'igår' is not a date and time" in result.output
    assert (
        "releases/r.yaml: submit refused: the release has 1 problem (listed above); "
        "fix it and run presser submit again"
    ) in result.output
    assert "Traceback" not in result.output
    assert newsroom.release().read_bytes() == before


def test_submit_refused_while_lint_reports_an_error(newsroom: Newsroom) -> None:
    newsroom.write("r.yaml", RELEASE.replace("vid torget.", "vid torget. TODO"))
    before = newsroom.release().read_bytes()
    result = run("submit", "releases/r.yaml", "--by", "Anna Berg")
    assert result.exit_code == 1
    assert "placeholder 'TODO'" in result.output
    assert "releases/r.yaml: submit refused: lint reports 1 error (listed above)" in result.output
    assert newsroom.release().read_bytes() == before


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["approve"], "approve refused: it is draft; only a release in review can be approved"),
        (["reject", "--reason", "x"], "reject refused: it is draft; only a release in review"),
        (["publish"], "publish refused: it is draft; only an approved release can be published"),
        (["correct", "--note", "x"], "correct refused: it is draft; only a published release"),
    ],
)
def test_wrong_status_is_refused(newsroom: Newsroom, command: list[str], message: str) -> None:
    before = newsroom.release().read_bytes()
    result = run(command[0], "releases/r.yaml", *command[1:], "--by", "Pia Press")
    assert result.exit_code == 1
    assert f"releases/r.yaml: {message}" in result.output
    assert newsroom.release().read_bytes() == before


def test_submitting_twice_is_refused(newsroom: Newsroom) -> None:
    assert run("submit", "releases/r.yaml", "--by", "Anna Berg").exit_code == 0
    result = run("submit", "releases/r.yaml", "--by", "Anna Berg")
    assert result.exit_code == 1
    assert "submit refused: it is review; only a draft" in result.output


def test_approver_not_in_the_list_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    newsroom = make_newsroom(tmp_path, workflow="workflow:\n  approvers: [Pia Press, Per Chef]\n")
    assert run("submit", "releases/r.yaml", "--by", "Anna Berg").exit_code == 0
    result = run("approve", "releases/r.yaml", "--by", "Olle Obehörig")
    assert result.exit_code == 1
    assert (
        "releases/r.yaml: approve refused: Olle Obehörig is not an approver for exempel "
        "(approvers: Pia Press, Per Chef;"
    ) in result.output
    assert status_of(newsroom) == "review"
    # Names match regardless of case and spacing.
    result = run("approve", "releases/r.yaml", "--by", "pia  press")
    assert result.exit_code == 0, result.output


def test_self_approval_forbidden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    newsroom = make_newsroom(tmp_path, workflow="workflow:\n  allow_self_approval: false\n")
    assert run("submit", "releases/r.yaml", "--by", "Anna Berg").exit_code == 0
    result = run("approve", "releases/r.yaml", "--by", "Anna Berg")
    assert result.exit_code == 1
    assert (
        "releases/r.yaml: approve refused: Anna Berg submitted this release and exempel "
        "does not allow self-approval"
    ) in result.output
    assert status_of(newsroom) == "review"
    assert run("approve", "releases/r.yaml", "--by", "Pia Press").exit_code == 0


def test_self_approval_allowed_by_default(newsroom: Newsroom) -> None:
    approve_it(submitter="Anna Berg", approver="Anna Berg")
    assert status_of(newsroom) == "approved"


def test_file_changed_on_disk_is_refused(
    newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = release_edit.edit_release_text

    def someone_else_saves_meanwhile(file: release_edit.ReleaseFile, **kwargs: object) -> str:
        text = original(file, **kwargs)  # type: ignore[arg-type]
        file.path.write_text(file.text.replace("En paragraf", "Kollegans paragraf"), "utf-8")
        return text

    monkeypatch.setattr(workflow, "edit_release_text", someone_else_saves_meanwhile)
    result = run("submit", "releases/r.yaml", "--by", "Anna Berg")
    assert result.exit_code == 1
    assert (
        "releases/r.yaml was changed on disk by someone else after presser read it; "
        "nothing was written"
    ) in result.output
    # The colleague's edit is kept; nothing of ours was written.
    assert "Kollegans paragraf" in newsroom.text()
    assert "history:" not in newsroom.text()
    assert not list(newsroom.release().parent.glob(".presser-*"))


def test_missing_file_is_a_usage_error(newsroom: Newsroom) -> None:
    result = run("submit", "releases/nope.yaml")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_every_refusal_leaves_the_status_and_history(newsroom: Newsroom, tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    with pytest.raises(workflow.Refused):
        workflow.approve(newsroom.release(), workspace, by="Pia")
    assert load_release(newsroom.release(), workspace).release.history == ()


def test_describe_delta() -> None:
    now = datetime.fromisoformat("2026-01-01T12:00:00+01:00")
    assert workflow.describe_delta(datetime.fromisoformat("2026-01-03T15:30:00+01:00"), now) == (
        "in 2 d 3 h"
    )
    assert workflow.describe_delta(datetime.fromisoformat("2026-01-01T11:15:00+01:00"), now) == (
        "45 min ago"
    )


@pytest.mark.parametrize("command", ["submit", "approve", "reject", "publish", "correct", "status"])
def test_every_workflow_command_has_help_with_an_example_and_exit_codes(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output
    assert f"presser {command}" in result.output
    assert "Exit code" in result.output
