"""Knowing, without building it, that the site in ``--out`` is the site a build would make.

A no-change rebuild of 10,000 releases should take seconds, not the minute
that rendering every page again (only to find it the same) takes. So the
site's marker file (:data:`presser.site.output.MARKER`) records what it was
built from:

- ``inputs``: a digest of the name, size and modification time of every file
  the build reads: ``templates/`` (and the packaged defaults), ``presser.yaml``,
  ``releases/`` (the releases taken as they are, their images, the files
  naming each published release's organisation), every version folder's
  ``manifest.json`` (a version folder never changes after publishing: its
  manifest says so), presser's version and the code of the packages the site
  is made by (:data:`CODE`), and the options;
- ``layout``: a digest of the site's file names and sizes as built;
- the time window in which the same releases are due: from the latest
  publication time shown to the earliest one held back.

A build whose inputs, window and ``--out`` layout all match returns at once,
having written nothing; any difference (a file touched, a release falling
due, a page deleted from ``--out``) makes it build, and the build itself
still writes only what changed. A same-size edit of a file inside ``--out``
is not noticed by the fast check (the site is presser's to write, not to edit).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import presser

from ..source.workspace import Workspace, packaged_default_templates
from .output import MARKER, current_layout

STATE_FORMAT = 1
#: presser's packages a site is made by (an edit to one, in a development install, counts).
CODE = ("site", "render", "source", "editorial")
NOTE = "A newsroom built by presser site; the folder is replaced on every build."


@dataclass(frozen=True)
class SiteState:
    """What the marker records of the build that made the site."""

    inputs: str  #: :func:`input_digest`
    layout: str  #: :func:`presser.site.output.layout_digest` of the site's files
    shown_until: str | None  #: ISO 8601: the latest publication time on the site
    hidden_from: str | None  #: ISO 8601: the earliest publication time held back
    shown: int  #: releases on the site
    held_back: int  #: published releases not yet due

    def covers(self, now: datetime) -> bool:
        """Whether the releases due at ``now`` are the ones this site shows."""
        if self.shown_until is not None and now < datetime.fromisoformat(self.shown_until):
            return False
        return self.hidden_from is None or now < datetime.fromisoformat(self.hidden_from)


def input_digest(workspace: Workspace, options: dict[str, object]) -> str:
    """A digest of every file the build reads (name, size, modification time) and the options."""
    digest = hashlib.sha256()
    digest.update(json.dumps({"presser": presser.__version__, **options}, sort_keys=True).encode())
    code = Path(presser.__file__).parent
    folders = [workspace.templates_dir, packaged_default_templates(), workspace.releases_dir]
    folders += [code / package for package in CODE]
    for folder in folders:
        _tree(digest, folder)
    _one(digest, workspace.settings_file)
    published = workspace.published_dir
    if published.is_dir():
        for stem in sorted(os.scandir(published), key=lambda e: e.name):
            if not stem.is_dir():
                continue
            for version in sorted(os.scandir(stem.path), key=lambda e: e.name):
                digest.update(f"{stem.name}/{version.name}\n".encode("utf-8", "surrogateescape"))
                _one(digest, Path(version.path) / "manifest.json")
    return digest.hexdigest()


def read_state(out: Path) -> SiteState | None:
    """The state the marker in ``out`` records, or None (no site, or an older marker)."""
    try:
        data = json.loads((out / MARKER).read_text(encoding="utf-8"))
        if data.pop("format") != STATE_FORMAT:
            return None
        data.pop("note", None)
        return SiteState(**data)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def state_bytes(state: SiteState) -> bytes:
    """The marker's contents."""
    data = {"format": STATE_FORMAT, "note": NOTE, **asdict(state)}
    return (json.dumps(data, indent=2) + "\n").encode("utf-8")


def unchanged(out: Path, inputs: str, now: datetime) -> SiteState | None:
    """The state of the site in ``out`` when a build at ``now`` would make it again, else None."""
    state = read_state(out)
    if state is None or state.inputs != inputs or not state.covers(now):
        return None
    return state if current_layout(out) == state.layout else None


def _tree(digest: hashlib._Hash, folder: Path) -> None:
    if not folder.is_dir():
        digest.update(f"{folder}: none\n".encode("utf-8", "surrogateescape"))
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            _one(digest, path)


def _one(digest: hashlib._Hash, path: Path) -> None:
    try:
        stat = path.stat()
        facts = f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n"
    except OSError:
        facts = f"{path}\0none\n"
    digest.update(facts.encode("utf-8", "surrogateescape"))
