"""Workspaces and a CLI runner for the workflow, publishing and status tests."""

from __future__ import annotations

import hashlib
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from presser.cli import cli

from .conftest import ORGANISATION_YAML, REPO

#: A real PNG (validation and the PDF renderer check image bytes).
IMAGE = REPO / "releases" / "images" / "jonkoping-county-municipalities.png"

#: A commented, hand-formatted release, due long ago, with an image.
RELEASE = """\
# A release for the workflow tests.   (a comment the edits must keep)
organisation: exempel
language: sv
status: draft        # where it stands
headline: "Kommunen bygger en ny simhall"
published: 2010-03-02T10:00:00+01:00

lead: >-
  Exempelkommunen bygger en ny simhall
  vid torget.

body:
  - quote: q1
  - image: hall
  - En paragraf om simhallen.

quotes:
  - {id: q1, text: Det här är bra., speaker: Anna Berg, role: kommunalråd}

images:
  - id: hall
    path: images/hall.png
    alt: Simhallen från torget.
    credit: Exempelkommunen

contacts:
  - name: Anna Berg
    email: anna.berg@exempel.se
tags: [simhall,   bad]   # odd spacing, kept
"""

FUTURE = "2999-03-02T10:00:00+01:00"


def organisation(workflow: str = "") -> str:
    """The test organisation, with a ``workflow:`` block when given."""
    return ORGANISATION_YAML + (textwrap.dedent(workflow) if workflow else "")


@dataclass
class Newsroom:
    """A workspace in tmp_path, the current folder while the test runs."""

    root: Path

    def write(self, name: str, text: str) -> Path:
        path = self.root / "releases" / name
        path.write_text(text, encoding="utf-8")
        return path

    def release(self, name: str = "r.yaml") -> Path:
        return self.root / "releases" / name

    def text(self, name: str = "r.yaml") -> str:
        return self.release(name).read_text(encoding="utf-8")

    def version(self, version: int, stem: str = "r") -> Path:
        return self.root / "published" / stem / f"v{version}"


def make_newsroom(
    root: Path, *, workflow: str = "", releases: dict[str, str] | None = None
) -> Newsroom:
    org = root / "templates" / "exempel"
    org.mkdir(parents=True, exist_ok=True)
    (org / "organisation.yaml").write_text(organisation(workflow), encoding="utf-8")
    (root / "releases" / "images").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(IMAGE, root / "releases" / "images" / "hall.png")
    newsroom = Newsroom(root)
    for name, text in (releases if releases is not None else {"r.yaml": RELEASE}).items():
        newsroom.write(name, text)
    return newsroom


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def approve_it(
    name: str = "r.yaml", *, submitter: str = "Anna Berg", approver: str = "Pia Press"
) -> None:
    """Submit and approve a release through the CLI, asserting both succeed."""
    path = f"releases/{name}"
    submitted = run("submit", path, "--by", submitter)
    assert submitted.exit_code == 0, submitted.output
    approved = run("approve", path, "--by", approver)
    assert approved.exit_code == 0, approved.output
