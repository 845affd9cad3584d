"""The build cache: what ``presser build`` rendered from what, and whether it is up to date.

Incremental: a release is rendered again only when something it depends on
changed since its outputs were written. Its *inputs digest* covers

- the bytes of its YAML file and of every image it places;
- every file on its organisation's template search path: the organisation's
  folder (``organisation.yaml``, templates, stylesheets, fonts), the
  workspace's ``templates/_default/`` and the packaged defaults;
- presser itself (its version and the bytes of its modules and translations),
  the WeasyPrint version, and the workspace's ``presser.yaml``;
- the render options (formats, wire style, width, ASCII) and the output folder.

The digests live in a small JSON file in the output folder
(:data:`CACHE_NAME`), written atomically and only after the outputs it
describes. An entry counts only while each output file is still there with the
size and SHA-256 it records, so a deleted or damaged output is rendered again,
and a missing, corrupt or foreign cache means a full build, never a wrong one.
Every digest is taken *before* the file is used, so a file that changes
during a build can only make the next build render again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__

if TYPE_CHECKING:
    from .pipeline import RenderOptions
    from .workspace import Workspace

CACHE_NAME = ".presser-cache.json"
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")
#: Bumped whenever the meaning of an entry changes; another number means a full build.
CACHE_FORMAT = 1


# --------------------------------------------------------------------------- digests


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a file's bytes, or None when it cannot be read."""
    try:
        return sha256(path.read_bytes())
    except OSError:
        return None


def _folder_digest(folders: Sequence[Path]) -> str:
    """One digest of every file under ``folders``: names, order of the folders, and bytes."""
    digest = hashlib.sha256()
    for index, folder in enumerate(folders):
        digest.update(f"folder {index}\0".encode())
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        for path in files:
            name = path.relative_to(folder).as_posix()
            digest.update(f"{name}\0{file_sha256(path)}\0".encode())
    return digest.hexdigest()


def presser_digest(workspace: Workspace) -> str:
    """presser's version and code, WeasyPrint's version, and the workspace's settings.

    presser's own modules and translations are hashed, not only its version
    number, so an edited checkout (or an upgrade that kept the number) never
    reuses outputs of other code. WeasyPrint's version is read from its
    ``__init__.py`` without importing it (a no-change build never pays for
    WeasyPrint).
    """
    import importlib.util

    package = Path(__file__).parent
    digest = hashlib.sha256(f"presser {__version__}\0".encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".po") and path.is_file():
            name = path.relative_to(package).as_posix()
            digest.update(f"{name}\0{file_sha256(path)}\0".encode())
    spec = importlib.util.find_spec("weasyprint")
    weasyprint_init = Path(spec.origin) if spec and spec.origin else None
    digest.update(f"weasyprint\0{weasyprint_init and file_sha256(weasyprint_init)}\0".encode())
    settings = workspace.root / "presser.yaml"
    digest.update(f"settings\0{file_sha256(settings)}\0".encode())
    return digest.hexdigest()


def options_key(options: RenderOptions, out_dir: Path) -> str:
    """The render options and the output folder, as part of the inputs digest.

    The output folder matters: the HTML addresses images relative to it.
    """
    return json.dumps(
        {
            "formats": sorted(options.formats),
            "wire": options.wire,
            "width": options.width,
            "ascii": options.ascii_only,
            "out": str(out_dir.resolve()),
        },
        sort_keys=True,
    )


def inputs_digest(
    *,
    release_sha: str,
    organisation: str,
    organisation_sha: str,
    images: dict[str, str | None],
    presser_sha: str,
    options: str,
) -> str:
    """The digest of everything one release's outputs depend on."""
    parts = [release_sha, organisation, organisation_sha, sorted(images.items()), presser_sha]
    return sha256(json.dumps([*parts, options]).encode())


class OrganisationDigests:
    """Each organisation's template search path digest, computed once per build."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._known: dict[str, str] = {}

    def __call__(self, slug: str) -> str:
        if slug not in self._known:
            self._known[slug] = _folder_digest(self.workspace.template_search_path(slug))
        return self._known[slug]


# --------------------------------------------------------------------------- the cache


@dataclass
class Entry:
    """What the cache knows about one release's last render."""

    inputs: str
    organisation: str
    images: list[str]
    outputs: dict[str, dict[str, Any]]  #: file name -> {"size": int, "sha256": str}

    def as_json(self) -> dict[str, Any]:
        return {
            "inputs": self.inputs,
            "organisation": self.organisation,
            "images": self.images,
            "outputs": self.outputs,
        }

    @classmethod
    def from_json(cls, data: Any) -> Entry | None:
        """An entry, or None for anything malformed (which then counts as no entry)."""
        try:
            entry = cls(
                inputs=data["inputs"],
                organisation=data["organisation"],
                images=list(data["images"]),
                outputs=dict(data["outputs"]),
            )
        except (KeyError, TypeError, ValueError):
            return None
        well_formed = (
            isinstance(entry.inputs, str)
            and isinstance(entry.organisation, str)
            # The cache is data from disk: a slug must be a plain folder name, never a path.
            and _SLUG.fullmatch(entry.organisation) is not None
            and all(isinstance(i, str) for i in entry.images)
            and all(
                isinstance(o, dict)
                and isinstance(o.get("size"), int)
                and isinstance(o.get("sha256"), str)
                for o in entry.outputs.values()
            )
        )
        return entry if well_formed else None


@dataclass
class BuildCache:
    """The cache file of one output folder: an entry per release, by resolved path."""

    path: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    #: Whether the file on disk is exactly :attr:`entries` (then a no-change build writes nothing).
    intact: bool = False

    @classmethod
    def load(cls, out_dir: Path) -> BuildCache:
        """The cache in ``out_dir``; empty when missing, unreadable, corrupt or of other format."""
        path = out_dir / CACHE_NAME
        cache = cls(path)
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return cache
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
            return cache
        releases = data.get("releases")
        if isinstance(releases, dict):
            for key, value in releases.items():
                entry = Entry.from_json(value)
                if entry is not None:
                    cache.entries[key] = entry
            cache.intact = len(cache.entries) == len(releases)
        return cache

    def save_if_changed(self) -> None:
        """Save unless the file already says exactly this (a build with nothing to do)."""
        if not self.intact or not all(Path(key).is_file() for key in self.entries):
            self.save()

    def save(self) -> None:
        """Write the cache atomically, forgetting releases whose files are gone."""
        from .writing import write_atomic

        releases = {
            key: entry.as_json()
            for key, entry in sorted(self.entries.items())
            if Path(key).is_file()
        }
        data = {"format": CACHE_FORMAT, "presser": __version__, "releases": releases}
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))


def release_key(path: Path) -> str:
    return str(path.resolve())


def _outputs_intact(entry: Entry, out_dir: Path, expected: set[str]) -> bool:
    if set(entry.outputs) != expected:
        return False
    for name, record in entry.outputs.items():
        target = out_dir / name
        try:
            if target.stat().st_size != record["size"]:
                return False
        except OSError:
            return False
        if file_sha256(target) != record["sha256"]:
            return False
    return True


def output_names(stem: str, options: RenderOptions) -> set[str]:
    return {f"{stem}.{fmt}" for fmt in options.formats}


# --------------------------------------------------------------------------- up to date


def up_to_date(
    path: Path,
    release_sha: str,
    entry: Entry | None,
    *,
    out_dir: Path,
    options: RenderOptions,
    options_text: str,
    presser_sha: str,
    organisation_digest: Callable[[str], str],
    root: Path,
) -> bool:
    """Whether the outputs of ``path`` are there and were made from the current inputs."""
    if entry is None:
        return False
    # Image paths come from the cache file: read only regular files inside the workspace.
    files = [Path(image) for image in entry.images]
    if not all(f.is_relative_to(root) and f.resolve() == f and f.is_file() for f in files):
        return False
    images = {image: file_sha256(Path(image)) for image in entry.images}
    if any(sha is None for sha in images.values()):
        return False
    current = inputs_digest(
        release_sha=release_sha,
        organisation=entry.organisation,
        organisation_sha=organisation_digest(entry.organisation),
        images=images,
        presser_sha=presser_sha,
        options=options_text,
    )
    return current == entry.inputs and _outputs_intact(
        entry, out_dir, output_names(path.stem, options)
    )
