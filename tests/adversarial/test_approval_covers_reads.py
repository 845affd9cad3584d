"""What was approved is what goes out: the approval covers exactly the files the render read."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..workflow_helpers import Newsroom, approve_it, make_newsroom, run

EXTENDING = (
    '{% extends "default:release.html.j2" %}\n'
    '{% block lead %}{% include ".extra.html" %}{{ super() }}{% endblock %}\n'
)


@pytest.fixture
def newsroom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Newsroom:
    monkeypatch.chdir(tmp_path)
    return make_newsroom(tmp_path)


def _org(newsroom: Newsroom) -> Path:
    return newsroom.root / "templates" / "exempel"


def test_a_hidden_included_template_is_covered(newsroom: Newsroom) -> None:
    (_org(newsroom) / "release.html.j2").write_text(EXTENDING)
    (_org(newsroom) / ".extra.html").write_text("<p>approved words</p>")
    approve_it()
    (_org(newsroom) / ".extra.html").write_text("<p>words nobody approved</p>")
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 1, result.output
    assert ".extra.html" in result.output and "not what was approved" in result.output
    assert not newsroom.version(1).exists()


def test_a_stylesheet_added_after_approval_is_named(newsroom: Newsroom) -> None:
    approve_it()
    (_org(newsroom) / "style.css").write_text("h1 { color: #333 }")
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 1
    assert "style.css (added)" in result.output


def test_an_unchanged_approval_publishes_and_records_what_it_covered(newsroom: Newsroom) -> None:
    approve_it()
    assert "inputs:" in newsroom.text()
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 0, result.output
    status = run("status", "--format", "json")
    assert '"changed_since_approval": true' not in status.output
