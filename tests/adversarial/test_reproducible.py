"""Reproducible output: two builds of the same tree give byte-identical HTML, text and PDF.

The two builds differ in everything that should not matter: the time they
run, the process (hash seed), the time zone and locale of the machine, the
number of worker processes, and the output folder's name.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..conftest import REPO

OUTPUT_SUFFIXES = (".html", ".pdf", ".txt")


def build(root: Path, out: str, env: dict[str, str], *extra: str) -> dict[str, bytes]:
    done = subprocess.run(
        [sys.executable, "-m", "presser", "build", "--out", out, *extra],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return {p.name: p.read_bytes() for p in (root / out).iterdir() if p.suffix in OUTPUT_SUFFIXES}


def test_two_builds_of_the_same_tree_are_byte_identical(tmp_path: Path) -> None:
    root = tmp_path / "newsroom"
    for folder in ("releases", "templates"):
        shutil.copytree(REPO / folder, root / folder)

    first = build(root, "out-1", {"PYTHONHASHSEED": "1", "TZ": "UTC", "LC_ALL": "C.UTF-8"})
    second = build(
        root,
        "out-2",
        {"PYTHONHASHSEED": "2", "TZ": "America/New_York", "LC_ALL": "C"},
        "--jobs",
        "1",
    )

    releases = sorted(p.stem for p in (root / "releases").glob("*.yaml"))
    assert sorted(first) == sorted(f"{stem}{s}" for stem in releases for s in OUTPUT_SUFFIXES)
    assert sorted(second) == sorted(first)
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []
