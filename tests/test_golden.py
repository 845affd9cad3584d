"""Golden outputs: whole renders of the releases in releases/, reviewed like code.

After a deliberate change to the output, regenerate them with ``make golden``
and review the diff before committing.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from presser.render.pipeline import RenderOptions, render_outputs
from presser.source.validation import load_release
from presser.source.workspace import Workspace, release_files

from .conftest import REPO

GOLDEN = REPO / "tests" / "golden"
REGENERATE = os.environ.get("PRESSER_REGENERATE_GOLDEN") == "1"
RELEASES = release_files([REPO / "releases"])


@pytest.mark.parametrize("release", RELEASES, ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", ["txt", "html"])
def test_render_matches_golden(release: Path, fmt: str, repo_workspace: Workspace) -> None:
    loaded = load_release(release, repo_workspace)
    # Rendered as for build/, which image addresses are relative to; nothing is written.
    out_dir = repo_workspace.root / "build"
    data = render_outputs(loaded, out_dir, RenderOptions(formats=(fmt,)))[fmt]
    if fmt == "html":
        # The inlined stylesheet is the template folders' CSS, reviewed there; keep goldens small.
        data = re.sub(rb"(?s)<style>.*?</style>", b"<style><!-- stylesheets --></style>", data)
    golden = GOLDEN / f"{release.stem}.{fmt}"
    if REGENERATE:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_bytes(data)
    assert golden.is_file(), "run: make golden"
    assert data.decode("utf-8") == golden.read_text(encoding="utf-8")
