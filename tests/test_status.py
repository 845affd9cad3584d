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
from presser.status import format_table, status_rows
from presser.workspace import Workspace

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


def test_table_cuts_the_headline_to_the_width() -> None:
    rows = status_rows([REPO / "releases"], Workspace(REPO))
    lines = format_table(rows, width=200).splitlines()
    assert all(len(line) <= 200 for line in lines)
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
    assert set(rows[0]) >= {"organisation", "headline", "published", "embargo", "version"}


def test_status_of_the_seed_releases(repo_workspace: Workspace) -> None:
    rows = status_rows([REPO / "releases"], repo_workspace)
    assert [(r.status, r.version) for r in rows] == [
        ("published", 1),
        ("published", 1),
        ("approved", 1),
    ]


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
