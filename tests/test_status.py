"""presser status: a row per release, as a table or JSON, without the rendering machinery."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from presser.cli import cli
from presser.editorial.status import format_table, status_rows
from presser.source.workspace import Workspace

from .conftest import REPO
from .workflow_helpers import FUTURE, RELEASE, approve_it, make_newsroom, run


@pytest.fixture
def newsroom_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    make_newsroom(
        tmp_path,
        releases={
            "a-draft.yaml": RELEASE,
            "b-embargoed.yaml": RELEASE.replace(
                "published: 2010-03-02T10:00:00+01:00",
                f"published: {FUTURE}\nembargo: 2999-03-02T06:00:00+01:00",
            ),
            "c-broken.yaml": RELEASE.replace("headline:", "rubrik:"),
        },
    )
    approve_it("b-embargoed.yaml")
    return tmp_path


def test_rows(newsroom_path: Path) -> None:
    now = datetime.fromisoformat("2999-03-01T06:00:00+01:00")
    rows = {
        r.path: r
        for r in status_rows([newsroom_path / "releases"], Workspace(newsroom_path), now=now)
    }
    draft = rows["releases/a-draft.yaml"]
    assert (draft.status, draft.organisation, draft.version) == ("draft", "exempel", 1)
    assert draft.headline == "Kommunen bygger en ny simhall"
    assert draft.lint_errors == 0
    assert draft.embargo is None and draft.embargo_in is None
    embargoed = rows["releases/b-embargoed.yaml"]
    assert embargoed.status == "approved"
    assert embargoed.embargo == "2999-03-02T06:00:00+01:00"
    assert embargoed.embargo_in == "in 1 d 0 h"
    assert embargoed.published_in == "in 1 d 4 h"
    broken = rows["releases/c-broken.yaml"]
    assert (broken.status, broken.problems, broken.lint_errors) == ("invalid", 2, None)


def test_table(newsroom_path: Path) -> None:
    result = run("status")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == [
        "status",
        "v",
        "organisation",
        "published",
        "embargo",
        "lint",
        "file",
        "headline",
    ]
    assert len(lines) == 4
    by_file = {
        next(w for w in line.split() if w.startswith("releases/")): line for line in lines[1:]
    }
    assert by_file["releases/b-embargoed.yaml"].startswith("approved")
    assert "lifts in " in by_file["releases/b-embargoed.yaml"]
    assert "2 problems" in by_file["releases/c-broken.yaml"]
    assert "0 err" in by_file["releases/a-draft.yaml"]


def _line_of(output: str, name: str) -> str:
    return next(line for line in output.splitlines() if f"releases/{name}" in line)


def test_a_scheduled_release_shows_when_it_goes_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    future = RELEASE.replace("2010-03-02T10:00:00+01:00", FUTURE)
    make_newsroom(tmp_path, releases={"r.yaml": future, "s.yaml": future})
    approve_it("r.yaml")
    approve_it("s.yaml")
    assert run("publish", "releases/r.yaml", "--schedule", "--by", "Pia Press").exit_code == 0
    rows = {r.path: r for r in status_rows([tmp_path / "releases"], Workspace(tmp_path))}
    assert rows["releases/r.yaml"].scheduled_for == FUTURE
    assert rows["releases/s.yaml"].scheduled_for is None  # approved, but nobody scheduled it
    table = run("status").output
    assert _line_of(table, "r.yaml").startswith("approved, scheduled for 2999-03-02 10:00 CET ")
    assert _line_of(table, "s.yaml").startswith("approved ")
    by_path = {row["path"]: row for row in json.loads(run("status", "--format", "json").output)}
    assert by_path["releases/r.yaml"]["scheduled_for"] == FUTURE
    assert by_path["releases/s.yaml"]["scheduled_for"] is None


def test_a_release_changed_after_its_approval_says_so(newsroom_path: Path) -> None:
    path = newsroom_path / "releases" / "b-embargoed.yaml"
    assert "changed since approval" not in _line_of(run("status").output, "b-embargoed.yaml")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("en ny simhall", "en större simhall"), encoding="utf-8")
    line = _line_of(run("status").output, "b-embargoed.yaml")
    assert line.startswith("approved, changed since approval ")
    assert "0 err" in line
    by_path = {row["path"]: row for row in json.loads(run("status", "--format", "json").output)}
    assert by_path["releases/b-embargoed.yaml"]["changed_since_approval"] is True
    assert by_path["releases/a-draft.yaml"]["changed_since_approval"] is False


def test_a_rejected_release_shows_the_reason(newsroom_path: Path) -> None:
    reason = "Siffrorna stämmer inte med budgeten, se kommunens beslut från i våras."
    assert run("submit", "releases/a-draft.yaml", "--by", "Anna Berg").exit_code == 0
    rejected = run("reject", "releases/a-draft.yaml", "--by", "Pia Press", "--reason", reason)
    assert rejected.exit_code == 0, rejected.output
    line = _line_of(run("status").output, "a-draft.yaml")
    # In the table cut short (JSON has all of it), so the columns stay readable.
    assert line.startswith("draft, rejected: Siffrorna stämmer inte med budgeten, se… ")
    by_path = {row["path"]: row for row in json.loads(run("status", "--format", "json").output)}
    assert by_path["releases/a-draft.yaml"]["rejected"] == reason
    assert by_path["releases/b-embargoed.yaml"]["rejected"] is None
    # Submitted again, the rejection is history.
    assert run("submit", "releases/a-draft.yaml", "--by", "Anna Berg").exit_code == 0
    assert _line_of(run("status").output, "a-draft.yaml").startswith("review ")


def test_rows_go_by_instant_and_show_the_organisations_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # The night summer time ends in Stockholm: 02:30+02:00 is 40 minutes before
    # 02:10+01:00, though it sorts after it as text.
    make_newsroom(
        tmp_path,
        releases={
            "a-later.yaml": RELEASE.replace(
                "2010-03-02T10:00:00+01:00", "2010-10-31T02:10:00+01:00"
            ),
            "b-earlier.yaml": RELEASE.replace(
                "2010-03-02T10:00:00+01:00", "2010-10-31T02:30:00+02:00"
            ),
            "c-utc.yaml": RELEASE.replace("2010-03-02T10:00:00+01:00", "2010-11-02T09:00:00+00:00"),
        },
    )
    rows = status_rows([tmp_path / "releases"], Workspace(tmp_path))
    assert [r.path for r in rows] == [
        "releases/b-earlier.yaml",
        "releases/a-later.yaml",
        "releases/c-utc.yaml",
    ]
    assert rows[2].published == "2010-11-02T10:00:00+01:00"  # Europe/Stockholm, not UTC
    assert rows[2].timezone == "Europe/Stockholm"
    table = format_table(rows, width=200)
    assert "2010-10-31 02:30 CEST" in table
    assert "2010-10-31 02:10 CET" in table
    assert "2010-11-02 10:00 CET" in table


def test_table_cuts_the_headline_to_the_width() -> None:
    rows = status_rows([REPO / "releases"], Workspace(REPO))
    lines = format_table(rows, width=240).splitlines()
    assert all(len(line) <= 240 for line in lines)
    assert any(line.endswith("…") for line in lines)  # the long Jönköping headline


def test_json(newsroom_path: Path) -> None:
    result = run("status", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {row["path"]: row["status"] for row in rows} == {
        "releases/a-draft.yaml": "draft",
        "releases/b-embargoed.yaml": "approved",
        "releases/c-broken.yaml": "invalid",
    }
    assert set(rows[0]) >= {
        "organisation",
        "headline",
        "published",
        "embargo",
        "version",
        "timezone",
        "scheduled_for",
        "changed_since_approval",
        "rejected",
    }


def test_status_of_the_seed_releases(repo_workspace: Workspace) -> None:
    rows = status_rows([REPO / "releases"], repo_workspace)
    assert [(r.status, r.version) for r in rows] == [
        ("published", 1),
        ("published", 1),
        ("approved", 1),
        ("approved", 1),
    ]
    by_stem = {Path(r.path).stem: r for r in rows}
    original = by_stem["2010-02-08-jonkoping-utbildning-riskbruk"]
    translation = by_stem["2010-02-08-jonkoping-addiction-care-conference"]
    assert original.translations == {"en": translation.path.rsplit("/", 1)[-1][:-5]}
    assert (original.language, original.translation_of) == ("sv", None)
    assert (translation.language, translation.translation_of) == ("en", Path(original.path).stem)
    assert translation.translations == {}
    table = format_table(rows, width=300)
    assert _line_of(table, Path(original.path).name).startswith("approved, translated into en ")
    assert _line_of(table, Path(translation.path).name).startswith("approved, en translation ")


def test_status_imports_neither_jinja_nor_weasyprint() -> None:
    code = (
        "import sys\n"
        "from presser.cli import cli\n"
        "try:\n"
        "    cli(['status', 'releases'], prog_name='presser')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('jinja2', 'weasyprint'))\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr


def test_pre_commit_hooks_run_real_commands() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    ids = {hook["id"]: hook for hook in hooks}
    assert set(ids) == {"presser-validate", "presser-lint"}
    for hook in hooks:
        command = hook["entry"].split()
        assert command[0] == "presser"
        assert command[1] in ("validate", "lint")
        assert hook["language"] == "python"
        assert hook["files"]
    assert "validate" in cli.commands  # type: ignore[attr-defined]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert ".pre-commit-hooks.yaml" in readme
    assert "id: presser-validate" in readme
