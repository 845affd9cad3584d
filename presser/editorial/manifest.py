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
  contacts, date format, colour…), and exactly the files that rendering the
  page and the PDF reads from the template folders (every template, included
  or extended ones too, hidden names too; every stylesheet and every file a
  stylesheet reaches; every lookup that found nothing, so that a file added
  later to shadow a default counts), recorded while the render reads them
  (:mod:`presser.digest`).

So an approval covers the outputs the approver could see; a change to the
release, an image, or anything the render reads afterwards needs a new
approval. The approval's history entry lists those files (``inputs``), so
publish and status can name the one that changed. The frozen check of a
published release (``presser validate``) compares only the release's own part
(words and images), field by field, so that changing an organisation's
stylesheet does not turn every release it ever published into an error;
``v<N>/`` keeps the outputs as they were.

``published/<stem>/v<N>/manifest.json`` records every file's SHA-256 and the
hashes above; :mod:`presser.editorial.publishing` writes it, and the frozen check and
:func:`verify_manifest` read it back.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..digest import Read, ReadLog, TemplateFiles, sha256_hex, sha256_tag, value_digest
from ..errors import Problem, ProblemsFound
from ..source import translations
from ..source.workspace import Workspace

if TYPE_CHECKING:
    from ..source.validation import LoadedRelease

PUBLISHED_FOLDER = "published"
MANIFEST = "manifest.json"
#: The send log presser send keeps in a version folder (appended as it sends, so it
#: is not in the manifest, which records what was published).
SEND_LOG = "sent.jsonl"
MANIFEST_FORMAT = 1
#: Written by the workflow itself (or only steering the linter), so never part of the content.
WORKFLOW_FIELDS = frozenset({"status", "history", "lint"})
#: Organisation settings that shape no output.
ORGANISATION_SETTINGS = frozenset({"workflow", "lint"})
_VERSION_FOLDER = re.compile(r"^v([1-9][0-9]*)$")


# --------------------------------------------------------------------------- hashing


def field_hashes(loaded: LoadedRelease) -> dict[str, str]:
    """A hash per content field of the release (its parsed value, not its layout)."""
    data = loaded.document.data
    return {key: value_digest(value) for key, value in data.items() if key not in WORKFLOW_FIELDS}


def image_hashes(loaded: LoadedRelease) -> dict[str, str]:
    """The SHA-256 of each image file, by the path the release gives."""
    hashes: dict[str, str] = {}
    for image in loaded.release.images:
        try:
            hashes[image.path] = sha256_tag(loaded.image_file(image.path).read_bytes())
        except OSError:
            hashes[image.path] = "missing"
    return hashes


def release_hash(loaded: LoadedRelease) -> str:
    """The release's own content: its fields and its image files."""
    return value_digest({"fields": field_hashes(loaded), "images": image_hashes(loaded)})


def organisation_hash(loaded: LoadedRelease) -> str:
    """The organisation profile's values that shape the outputs."""
    profile = loaded.organisation.document.data
    return value_digest({k: v for k, v in profile.items() if k not in ORGANISATION_SETTINGS})


def template_hash(loaded: LoadedRelease, reads: ReadLog) -> str:
    """The organisation's part: its profile's values and the files the render read."""
    return value_digest({"organisation": organisation_hash(loaded), "reads": reads.as_json()})


def content_hash(loaded: LoadedRelease, reads: ReadLog | None = None) -> str:
    """What an approval covers: the release's content and what its render reads.

    ``reads`` is :func:`presser.render.pipeline.template_reads` of the release; without
    it that template work is done here (Jinja, no WeasyPrint).
    """
    if reads is None:
        from ..render.pipeline import template_reads

        reads = template_reads(loaded)
    covered: dict[str, object] = {
        "release": release_hash(loaded),
        "templates": template_hash(loaded, reads),
    }
    if loaded.language_versions:
        # The page links its other languages by name and headline: a translation added,
        # taken away or retitled changes what goes out, so the approval covers them too
        # (a release in one language hashes as it always has).
        covered["languages"] = translations.records(loaded.language_versions)
    return value_digest(covered)


def inputs_record(reads: ReadLog) -> dict[str, str]:
    """The read log as an approval's history records it: ``sha256:<hex> <place>`` per lookup."""
    return {
        key: "missing" if read.where is None else f"sha256:{read.sha256} {read.where}"
        for key, read in sorted(reads.reads.items())
    }


def reads_from_record(record: dict[str, str]) -> ReadLog:
    """The read log back from :func:`inputs_record`."""
    log = ReadLog()
    for key, text in record.items():
        sha, _, where = text.partition(" ")
        if text == "missing" or not where:
            log.record_read(key, Read(None, None))
        else:
            log.record_read(key, Read(where, sha.removeprefix("sha256:")))
    return log


def changed_inputs(loaded: LoadedRelease, reads: ReadLog) -> list[str]:
    """Which of the files in ``reads`` read otherwise now, as paths a person recognises."""
    workspace = loaded.workspace
    files = TemplateFiles(workspace.template_search_path(loaded.organisation.slug))
    shown = []
    for key in files.changed(reads):
        name = TemplateFiles.name_of(key)
        before, now = reads.reads[key], files.reread(key)
        place = now.where or before.where
        path = files.path_of(place) if place and place != "outside" else None
        what = workspace.display(path) if path is not None else name
        if before.where is None:
            shown.append(f"{what} (added)")
        elif now.where is None:
            shown.append(f"{what} (removed)")
        else:
            shown.append(what)
    return shown


def approval_holds(loaded: LoadedRelease, content: str | None, inputs: dict[str, str]) -> bool:
    """Whether an approval (its content hash and inputs) still covers the release as it is.

    Checks the recorded files again rather than rendering: no template engine
    is imported (``presser status`` uses it).
    """
    if content is None or not inputs:
        return False
    reads = reads_from_record(inputs)
    files = TemplateFiles(loaded.workspace.template_search_path(loaded.organisation.slug))
    return not files.changed(reads) and content_hash(loaded, reads) == content


# --------------------------------------------------------------------------- manifests


def published_root(workspace: Workspace) -> Path:
    return workspace.root / PUBLISHED_FOLDER


def version_folder(workspace: Workspace, stem: str, version: int) -> Path:
    return published_root(workspace) / stem / f"v{version}"


def embargo_folder(workspace: Workspace, stem: str, version: int) -> Path:
    """Where the copy for recipients under embargo is kept, before ``v<N>/`` exists."""
    return published_root(workspace) / stem / f"v{version}-embargo"


def published_versions(workspace: Workspace, stem: str) -> list[int]:
    folder = published_root(workspace) / stem
    if not folder.is_dir():
        return []
    found = (_VERSION_FOLDER.match(entry.name) for entry in folder.iterdir())
    return sorted(int(match.group(1)) for match in found if match)


_SHA256_TAG = r"^sha256:[0-9a-f]{64}$"


class ManifestFile(BaseModel):
    """One file of a version folder, as the manifest records it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(description="The file's path inside the version folder.", min_length=1)
    sha256: str = Field(description="The file's SHA-256.", pattern=r"^[0-9a-f]{64}$")
    size: int = Field(description="The file's size in bytes.", ge=0)


class Manifest(BaseModel):
    """``manifest.json`` of ``published/<stem>/v<N>/``: what was published, from what, by whom."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="manifest field")

    format: int = Field(description=f"The manifest format ({MANIFEST_FORMAT}).")
    release: str = Field(description="The release file, from the workspace root.", min_length=1)
    version: int = Field(description="The version this folder holds.", ge=1)
    published: str = Field(description="The release's publication time.")
    published_at: str = Field(description="When publish ran.")
    published_by: str = Field(description="Who ran publish.")
    approved_by: str = Field(description="Who approved what was published.")
    approved_at: str = Field(description="When it was approved.")
    content_hash: str = Field(description="The content hash approved.", pattern=_SHA256_TAG)
    release_hash: str = Field(description="The release's own part of it.", pattern=_SHA256_TAG)
    template_hash: str = Field(description="The organisation's part of it.", pattern=_SHA256_TAG)
    inputs: dict[str, str] = Field(description="Every file the render read, with its hash.")
    presser_version: str = Field(description="The presser that published it.")
    fields: dict[str, str] = Field(description="A hash per content field of the release.")
    images: dict[str, str] = Field(description="The SHA-256 of each image, by its path.")
    files: list[ManifestFile] = Field(description="Every other file of the folder.")

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: int) -> int:
        if value != MANIFEST_FORMAT:
            raise ValueError(f"this presser reads manifests of format {MANIFEST_FORMAT}")
        return value


def read_manifest(folder: Path, shown: str | None = None) -> Manifest:
    """The manifest of a version folder, read as every file presser reads is.

    Through the safe loader (JSON is YAML's flow style), then the model: a
    damaged manifest raises :class:`ProblemsFound`, each problem at its line
    and column in the file (``shown``, by default its path), never a traceback.
    """
    from pydantic import ValidationError

    from ..source.loading import load_file
    from ..source.problems import problems_from_validation

    path = folder / MANIFEST
    document = load_file(path, display_path=f"{shown}/{MANIFEST}" if shown else None)
    try:
        return Manifest.model_validate(document.data)
    except ValidationError as exc:
        raise ProblemsFound(problems_from_validation(document, exc, Manifest)) from None


def verify_manifest(folder: Path, manifest: Manifest | None = None) -> list[str]:
    """What in a version folder no longer matches its manifest (empty: all files verify)."""
    manifest = manifest or read_manifest(folder)
    mismatches = []
    listed = set()
    for entry in manifest.files:
        name = entry.path
        listed.add(name)
        file = folder / name
        if "\0" in name or Path(name).is_absolute() or ".." in Path(name).parts:
            mismatches.append(f"{name} is not a file of this folder")
        elif not file.is_file():
            mismatches.append(f"{name} is missing")
        elif sha256_hex(file.read_bytes()) != entry.sha256:
            mismatches.append(f"{name} differs from its SHA-256 in the manifest")
    for file in sorted(folder.rglob("*")):
        name = file.relative_to(folder).as_posix()
        if file.is_file() and name not in (MANIFEST, SEND_LOG) and name not in listed:
            mismatches.append(f"{name} is not in the manifest")
    return mismatches


def frozen_problems(loaded: LoadedRelease) -> list[Problem]:
    """A published release whose content no longer matches its manifest, field by field.

    A release marked published with no manifest for its version (such as the
    transcribed releases in releases/, published before presser) is taken as it is.
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
        manifest = read_manifest(folder, shown)
    except ProblemsFound as exc:
        return exc.problems
    fix = (
        f"a published release is frozen (its v{release.version} is in {shown}/); "
        f"to change it, run: presser correct {loaded.workspace.display(loaded.path)} --note '…'"
    )
    problems = []
    was = manifest.fields
    now = field_hashes(loaded)
    for key in sorted(set(was) | set(now), key=lambda k: (k not in now, k)):
        if key not in now:
            problems.append(document.problem((), f"'{key}' was removed after publishing; {fix}"))
        elif was.get(key) != now[key]:
            problems.append(
                document.problem((key,), f"changed after publishing; {fix}", at_key=True)
            )
    images_was = manifest.images
    for index, image in enumerate(release.images):
        if image.path in images_was and images_was[image.path] != image_hashes(loaded)[image.path]:
            problems.append(
                document.problem(
                    ("images", index, "path"), f"the image file changed after publishing; {fix}"
                )
            )
    problems += [
        document.problem((), f"{shown}/{mismatch}; published outputs are never edited")
        for mismatch in verify_manifest(folder, manifest)
    ]
    return problems
