"""Building releases for the lint tests: a clean Swedish release, varied one field at a time."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from presser.lint import Finding, lint_release
from presser.source.validation import load_release
from presser.source.workspace import Workspace

from .conftest import ORGANISATION_YAML, MakeWorkspace

#: Lints clean with the default settings (tests/test_lint_rules.py checks that).
CLEAN: dict[str, Any] = {
    "organisation": "exempel",
    "headline": "Kommunen bygger en ny skola i centrum",
    "published": "2026-03-02T10:00:00+01:00",
    "lead": "Exempelkommunen bygger en ny skola för 400 elever. Den står klar hösten 2027.",
    "body": [{"quote": "q1"}, "Skolan får tolv klassrum och en idrottshall."],
    "quotes": [
        {
            "id": "q1",
            "text": "Det här är en bra dag för kommunen.",
            "speaker": "Anna Berg",
            "role": "kommunalråd",
        }
    ],
    "contacts": [{"name": "Anna Berg", "phone": "08-452 73 22", "email": "anna.berg@exempel.se"}],
}


def release_yaml(**changes: Any) -> str:
    """The clean release with fields replaced (None removes a field)."""
    data = copy.deepcopy(CLEAN)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def workspace_with(
    make_workspace: MakeWorkspace, text: str, organisation: str = ORGANISATION_YAML
) -> Workspace:
    return make_workspace(releases={"r.yaml": text}, organisations={"exempel": organisation})


def lint_text(
    make_workspace: MakeWorkspace, text: str, organisation: str = ORGANISATION_YAML
) -> list[Finding]:
    workspace = workspace_with(make_workspace, text, organisation)
    return lint_release(load_release(workspace.releases_dir / "r.yaml", workspace))


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def write_png(path: Path, width: int, height: int = 10, padding: int = 0) -> None:
    """A real PNG of the given size; ``padding`` zero bytes after it make the file larger."""
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (width, height), "white").save(path)
    if padding:
        with path.open("ab") as handle:
            handle.write(b"\0" * padding)
