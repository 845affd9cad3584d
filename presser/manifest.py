"""Content hashes, and the manifests and version folders of published releases.

What counts as a release's *content* (the hash an approval records and
publish checks):

- the release's own words: every field of the YAML except ``status`` and
  ``history``, which the workflow itself writes, and ``lint``, which only
  steers the linter (comments and layout are not
  content: the parsed values are hashed, so re-indenting a file changes
  nothing; ``corrections`` are content, since every output prints them);
- the bytes of every image file it names;
- what the organisation contributes to the outputs: ``organisation.yaml``'s
  values except ``workflow:`` and ``lint:`` (name, boilerplate, press
  contacts, date format, colour…) and every file of the templates used
  (``templates/<org>/``, ``templates/_default/`` and the packaged default look).

So an approval covers the outputs the approver could see; a change to the
release, an image, or the organisation's look afterwards needs a new approval.
The frozen check of a published release (``presser validate``) compares only
the release's own part (words and images), field by field, so that changing
an organisation's stylesheet does not turn every release it ever published
into an error; ``v<N>/`` keeps the outputs as they were.

``published/<stem>/v<N>/manifest.json`` records every file's SHA-256 and the
hashes above; :mod:`presser.publishing` writes it, and the frozen check and
:func:`verify_manifest` read it back.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import PresserError, Problem
from .workspace import ORGANISATION_FILE, Workspace

if TYPE_CHECKING:
    from .validation import LoadedRelease

PUBLISHED_FOLDER = "published"
MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
#: Written by the workflow itself (or only steering the linter), so never part of the content.
WORKFLOW_FIELDS = frozenset({"status", "history", "lint"})
#: Organisation settings that shape no output.
ORGANISATION_SETTINGS = frozenset({"workflow", "lint"})
_VERSION_FOLDER = re.compile(r"^v([1-9][0-9]*)$")


# --------------------------------------------------------------------------- hashing


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _digest(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + sha256(canonical.encode("utf-8"))


def field_hashes(loaded: LoadedRelease) -> dict[str, str]:
    """A hash per content field of the release (its parsed value, not its layout)."""
    data = loaded.document.data
    return {key: _digest(value) for key, value in data.items() if key not in WORKFLOW_FIELDS}


def image_hashes(loaded: LoadedRelease) -> dict[str, str]:
    """The SHA-256 of each image file, by the path the release gives."""
    hashes: dict[str, str] = {}
    for image in loaded.release.images:
        try:
            hashes[image.path] = "sha256:" + sha256(loaded.image_file(image.path).read_bytes())
        except OSError:
            hashes[image.path] = "missing"
    return hashes


def release_hash(loaded: LoadedRelease) -> str:
    """The release's own content: its fields and its image files."""
    return _digest({"fields": field_hashes(loaded), "images": image_hashes(loaded)})


def _template_files(loaded: LoadedRelease) -> Iterator[tuple[str, Path]]:
    workspace = loaded.workspace
    for layer, folder in enumerate(workspace.template_search_path(loaded.organisation.slug)):
        for file in sorted(folder.rglob("*")):
            relative = file.relative_to(folder)
            hidden = any(part.startswith((".", "__")) for part in relative.parts)
            profile = layer == 0 and file.name == ORGANISATION_FILE  # hashed as values
            if file.is_file() and not hidden and not profile:
                yield f"{layer}/{relative.as_posix()}", file


def template_hash(loaded: LoadedRelease) -> str:
    """The organisation's part: its profile's values and the template files that render it."""
    profile = loaded.organisation.document.data
    values = {k: v for k, v in profile.items() if k not in ORGANISATION_SETTINGS}
    files = {name: sha256(file.read_bytes()) for name, file in _template_files(loaded)}
    return _digest({"organisation": values, "files": files})


def content_hash(loaded: LoadedRelease) -> str:
    """What an approval covers: the release's content and the organisation's look."""
    return _digest({"release": release_hash(loaded), "templates": template_hash(loaded)})


# --------------------------------------------------------------------------- manifests


def published_root(workspace: Workspace) -> Path:
    return workspace.root / PUBLISHED_FOLDER


def version_folder(workspace: Workspace, stem: str, version: int) -> Path:
    return published_root(workspace) / stem / f"v{version}"


def published_versions(workspace: Workspace, stem: str) -> list[int]:
    folder = published_root(workspace) / stem
    if not folder.is_dir():
        return []
    found = (_VERSION_FOLDER.match(entry.name) for entry in folder.iterdir())
    return sorted(int(match.group(1)) for match in found if match)


class ManifestProblem(PresserError):
    """A manifest that cannot be read or does not describe its folder."""


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestProblem(f"{path}: not a readable presser manifest ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise ManifestProblem(f"{path}: not a presser manifest (format {MANIFEST_FORMAT})")
    return manifest


def verify_manifest(folder: Path) -> list[str]:
    """What in a version folder no longer matches its manifest (empty: all files verify)."""
    manifest = read_manifest(folder)
    mismatches = []
    listed = set()
    for entry in manifest.get("files", []):
        name = str(entry.get("path", ""))
        listed.add(name)
        file = folder / name
        if Path(name).is_absolute() or ".." in Path(name).parts:
            mismatches.append(f"{name} is not a file of this folder")
        elif not file.is_file():
            mismatches.append(f"{name} is missing")
        elif sha256(file.read_bytes()) != entry.get("sha256"):
            mismatches.append(f"{name} differs from its SHA-256 in the manifest")
    for file in sorted(folder.rglob("*")):
        name = file.relative_to(folder).as_posix()
        if file.is_file() and name != MANIFEST and name not in listed:
            mismatches.append(f"{name} is not in the manifest")
    return mismatches


def frozen_problems(loaded: LoadedRelease) -> list[Problem]:
    """A published release whose content no longer matches its manifest, field by field.

    A release marked published with no manifest for its version (the seed
    releases, published before presser) is taken as it is.
    """
    release = loaded.release
    if release.status != "published":
        return []
    folder = version_folder(loaded.workspace, loaded.stem, release.version)
    if not (folder / MANIFEST).is_file():
        return []
    document = loaded.document
    shown = loaded.workspace.display(folder)
    try:
        manifest = read_manifest(folder)
    except ManifestProblem as exc:
        return [document.problem((), str(exc))]
    fix = (
        f"a published release is frozen (its v{release.version} is in {shown}/); "
        f"to change it, run: presser correct {loaded.workspace.display(loaded.path)} --note '…'"
    )
    problems = []
    was: dict[str, str] = manifest.get("fields", {})
    now = field_hashes(loaded)
    for key in sorted(set(was) | set(now), key=lambda k: (k not in now, k)):
        if key not in now:
            problems.append(document.problem((), f"'{key}' was removed after publishing; {fix}"))
        elif was.get(key) != now[key]:
            problems.append(
                document.problem((key,), f"changed after publishing; {fix}", at_key=True)
            )
    images_was: dict[str, str] = manifest.get("images", {})
    for index, image in enumerate(release.images):
        if image.path in images_was and images_was[image.path] != image_hashes(loaded)[image.path]:
            problems.append(
                document.problem(
                    ("images", index, "path"), f"the image file changed after publishing; {fix}"
                )
            )
    problems += [
        document.problem((), f"{shown}/{mismatch}; published outputs are never edited")
        for mismatch in verify_manifest(folder)
    ]
    return problems
