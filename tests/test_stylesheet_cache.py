"""Stylesheets resolved once per process and organisation, and never stale.

A build renders many releases of one organisation: the second and later reuse
the first resolution (tinycss2 parsing, every ``url()`` resolved and read)
while every file it read is where and as it was. What they note in the read
log is what a fresh resolution notes, so approvals and the build cache see the
same record either way.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image as PillowImage

from presser.digest import recording
from presser.render import stylesheets
from presser.render.html import screen_stylesheet
from presser.render.templating import environment
from presser.source.workspace import Workspace

from .conftest import ORGANISATION_YAML, RELEASE_YAML, MakeWorkspace


def png(colour: str) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (4, 4), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def organisation(make_workspace: MakeWorkspace, tmp_path: Path) -> Path:
    make_workspace(releases={"r.yaml": RELEASE_YAML}, organisations={"exempel": ORGANISATION_YAML})
    folder = tmp_path / "templates" / "exempel"
    (folder / "bg.png").write_bytes(png("teal"))
    (folder / "style.css").write_text("h1 { background: url(bg.png); }\n", "utf-8")
    return folder


def _resolve(root: Path) -> tuple[str, dict[str, object]]:
    workspace = Workspace(root)
    env = environment(workspace.template_search_path("exempel"))
    with recording() as log:
        css = screen_stylesheet(env).css
    return css, log.as_json()


def test_a_second_resolution_is_the_first_s_with_the_same_reads(organisation: Path) -> None:
    stylesheets._RESOLVED.clear()
    first = _resolve(organisation.parent.parent)
    assert len(stylesheets._RESOLVED) == 1
    assert _resolve(organisation.parent.parent) == first
    stylesheets._RESOLVED.clear()
    assert _resolve(organisation.parent.parent) == first  # a fresh one says the same


@pytest.mark.parametrize("change", ["stylesheet", "asset", "shadowing default", "asset removed"])
def test_a_change_to_what_it_read_is_seen_at_once(organisation: Path, change: str) -> None:
    root = organisation.parent.parent
    stylesheets._RESOLVED.clear()
    css, reads = _resolve(root)
    if change == "stylesheet":
        (organisation / "style.css").write_text("h1 { color: red; }\n", "utf-8")
    elif change == "asset":
        (organisation / "bg.png").write_bytes(png("orange") + b"\0" * 7)
    elif change == "shadowing default":
        (organisation / "screen.css").write_text("body { margin: 0; }\n", "utf-8")
    else:
        (organisation / "style.css").write_text("h1 { color: red; }\n", "utf-8")
        (organisation / "bg.png").unlink()
    again_css, again_reads = _resolve(root)
    assert (again_css, again_reads) != (css, reads)
    stylesheets._RESOLVED.clear()
    assert _resolve(root) == (again_css, again_reads)  # exactly what a fresh one gives
