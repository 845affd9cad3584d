"""presser's own records, damaged: a manifest is a positioned problem, never a traceback.

Item 12 of the attack: a crafted ``manifest.json`` (nested 100,000 deep,
``files`` of text, a NUL in ``release``, another format) raised
``RecursionError``, ``AttributeError`` and ``ValueError``. Every command that
reads a manifest reads it through the safe loader and its model, so each
damage is reported at its line and column in the manifest, all at once, exit 1.
(The build cache's damage is in ``tests/test_build.py``.)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ..workflow_helpers import Newsroom, approve_it, make_newsroom, run

SHOWN = "published/r/v1/manifest.json"


@pytest.fixture
def published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Newsroom:
    monkeypatch.chdir(tmp_path)
    newsroom = make_newsroom(tmp_path)
    approve_it()
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 0, result.output
    return newsroom


def _rewrite(newsroom: Newsroom, edit: Callable[[dict[str, Any]], None]) -> None:
    path = newsroom.version(1) / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    edit(manifest)
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")


DAMAGE: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "files of text": (lambda m: m.update(files=["a", "b"]), "files[0]: must be a mapping"),
    "files a mapping": (lambda m: m.update(files={"a": 1}), "files: "),
    "NUL in release": (lambda m: m.update(release="x\0y"), "release: control character U+0000"),
    "another format": (lambda m: m.update(format=7), "format: this presser reads manifests"),
    "a field missing": (lambda m: m.pop("content_hash"), "content_hash: 'content_hash' is"),
    "a file's hash not a hash": (
        lambda m: m["files"][0].update(sha256="../../etc"),
        "files[0].sha256: ",
    ),
}


def _positioned(output: str, expected: str) -> None:
    lines = [line for line in output.splitlines() if line.startswith(SHOWN + ":")]
    assert lines, output
    assert any(expected in line for line in lines), output
    for line in lines:
        _, line_number, column, _ = line.split(":", 3)
        assert line_number.isdigit() and column.isdigit(), line
    assert "Traceback" not in output and "internal error" not in output


@pytest.mark.parametrize("command", [["validate", "releases/r.yaml"], ["lint", "releases/r.yaml"]])
@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_manifest_is_a_positioned_problem(
    published: Newsroom, damage: str, command: list[str]
) -> None:
    edit, expected = DAMAGE[damage]
    _rewrite(published, edit)
    result = run(*command)
    assert result.exit_code == 1, result.output
    _positioned(result.output, expected)


@pytest.mark.parametrize(
    "command",
    [
        ["validate", "releases/r.yaml"],
        ["status"],
        ["build"],
    ],
)
def test_a_manifest_nested_100_000_deep_is_refused_at_the_depth_limit(
    published: Newsroom, command: list[str]
) -> None:
    (published.version(1) / "manifest.json").write_text(
        "[" * 100_000 + "]" * 100_000, encoding="utf-8"
    )
    result = run(*command)
    assert "Traceback" not in result.output and "RecursionError" not in result.output
    assert not isinstance(result.exception, RecursionError)
    if command[0] == "status":
        assert result.exit_code == 0 and "invalid" in result.output, result.output
    else:
        assert result.exit_code == 1, result.output
        _positioned(result.output, "nested more than 32 levels deep")


def test_an_intact_manifest_still_validates(published: Newsroom) -> None:
    result = run("validate", "releases/r.yaml")
    assert result.exit_code == 0, result.output
