"""The build cache: what ``presser build`` rendered from what, and whether it is up to date.

Incremental: a release is rendered again only when something it depends on
changed since its outputs were written. What it depends on is taken from the
release itself each time (the cache is told nothing it could be wrong about),
and from what its last render read:

- the bytes of its YAML file; its organisation, as the release names it now,
  and that organisation's profile; the bytes of every image it places now;
- exactly the files its last render read from the template search path (every
  template, stylesheet and file a stylesheet reached, and every lookup that
  found nothing), recorded while it rendered (:mod:`presser.digest`, the same
  record an approval pins);
- presser itself (its version and the bytes of its modules and translations),
  the WeasyPrint version, and the workspace's ``presser.yaml``;
- the render options (formats, wire style, width, ASCII) and the output folder.

The digests live in a small JSON file in the output folder
(:data:`CACHE_NAME`), written atomically and only after the outputs it
describes. An entry counts only while each output file is still there with the
size and SHA-256 it records, so a deleted or damaged output is rendered again;
a missing or foreign cache means a full build, and a damaged one a full build
with a one-line note, never a wrong build or a traceback. Every digest is
taken *before* the file is used, so a file that changes during a build can
only make the next build render again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..digest import ReadLog, TemplateFiles, file_sha256, sha256_hex, value_digest
from ..errors import PresserError, ProblemsFound

if TYPE_CHECKING:
    from ..render.pipeline import RenderOptions
    from ..source.validation import LoadedRelease
    from ..source.workspace import Workspace

CACHE_NAME = ".presser-cache.json"
#: Bumped whenever the meaning of an entry changes; another number means a full build.
CACHE_FORMAT = 2
#: A cache bigger than this is not read (an entry is well under 10 KB).
MAX_CACHE_BYTES = 64 * 1024 * 1024
#: The lookups a read log may hold (see :class:`presser.digest.TemplateFiles`).
_LOOKUPS = (TemplateFiles.OWN, TemplateFiles.DEFAULTS, TemplateFiles.TEMPLATE, TemplateFiles.ASSET)


# --------------------------------------------------------------------------- digests


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
            "organisation_formats": options.organisation_formats,
            "wire": options.wire,
            "width": options.width,
            "ascii": options.ascii_only,
            "pdf_variant": options.pdf_variant,
            "out": str(out_dir.resolve()),
        },
        sort_keys=True,
    )


def release_inputs(loaded: LoadedRelease, release_sha: str, presser_sha: str, options: str) -> str:
    """The digest of what one release's outputs depend on, besides the template files read.

    Everything in it comes from the release as it is now: its bytes (taken
    before it was loaded), the organisation it names and that profile's
    values, and its images' bytes.
    """
    from ..source.translations import records  # a loaded release: validation imported it

    return _inputs(
        loaded.path,
        loaded.document.data,
        loaded.organisation.slug,
        loaded.organisation.document.data,
        loaded.workspace,
        (release_sha, presser_sha, options),
        # As validation found them: current_inputs finds the same from the files.
        languages=records(loaded.language_versions),
    )


def current_inputs(
    path: Path,
    workspace: Workspace,
    release_sha: str,
    presser_sha: str,
    options: str,
    memo: dict[Any, Any] | None = None,
) -> tuple[str, str] | None:
    """The organisation and :func:`release_inputs` of a release file, read from the YAML alone.

    What a no-change build needs to know of each release, without validating
    it (no pydantic model is built): the same digest :func:`release_inputs`
    gives once the release is loaded, or None where the files cannot tell (a
    release or profile that is not YAML, an image outside the workspace); then
    the release is rendered, and its problems, if any, reported. ``memo`` keeps
    what one build has read (each profile, each image's digest) for its other
    releases.
    """
    from ..source.loading import load_file

    try:
        data = load_file(path, limits=workspace.limits).data
        slug = data.get("organisation") if isinstance(data, dict) else None
        if not isinstance(slug, str) or slug not in workspace.organisation_slugs():
            return None
        memo = {} if memo is None else memo
        if ("profile", slug) not in memo:
            profile_path = workspace.templates_dir / slug / "organisation.yaml"
            if not workspace.contains(profile_path):
                return None
            memo["profile", slug] = load_file(profile_path, limits=workspace.limits).data
        profile = memo["profile", slug]
        digest = _inputs(
            path, data, slug, profile, workspace, (release_sha, presser_sha, options), memo
        )
    except (ProblemsFound, _Unknowable):
        return None
    return slug, digest


class _Unknowable(PresserError):
    """A release whose inputs cannot be read without validating it (see current_inputs)."""


def _inputs(
    path: Path,
    data: Any,
    slug: str,
    profile: Any,
    workspace: Workspace,
    digests: tuple[str, str, str],
    memo: dict[Any, Any] | None = None,
    languages: list[dict[str, Any]] | None = None,
) -> str:
    release_sha, presser_sha, options = digests
    images: dict[str, str | None] = {}
    for image in data.get("images") or () if isinstance(data, dict) else ():
        relative = image.get("path") if isinstance(image, dict) else None
        if not isinstance(relative, str) or "\0" in relative:
            raise _Unknowable("not readable without validating the release")
        file = (path.parent / relative).resolve()
        # Only a file of the workspace within the image limit is read (never a device).
        if not (workspace.contains(file) and file.is_file()):
            raise _Unknowable("not readable without validating the release")
        if file.stat().st_size > workspace.limits.max_image_bytes:
            raise _Unknowable("not readable without validating the release")
        if memo is None:
            images[relative] = file_sha256(file)
        else:  # releases of a build often share an image
            if ("image", file) not in memo:
                memo["image", file] = file_sha256(file)
            images[relative] = memo["image", file]
    covered: dict[str, Any] = {
        "release": release_sha,
        "organisation": slug,
        "profile": profile,
        "images": images,
        "presser": presser_sha,
        "options": options,
    }
    if languages is None:
        languages = _language_versions(path, data, profile, workspace, memo)
    if languages:  # the page links them: a translation added or retitled renders it again
        covered["languages"] = languages
    return value_digest(covered)


def _language_versions(
    path: Path, data: Any, profile: Any, workspace: Workspace, memo: dict[Any, Any] | None
) -> list[dict[str, Any]]:
    """The release's other language versions (:mod:`presser.source.translations`), as data."""
    from ..source import translations

    if not isinstance(data, dict):
        return []
    language = data.get("language")
    if not isinstance(language, str):
        language = profile.get("language") if isinstance(profile, dict) else None
    if not isinstance(language, str):
        language = "en"  # a profile without one is invalid, which its render reports
    translation_of = translations.original_name(data.get(translations.FIELD))
    versions = translations.language_versions(path, translation_of, language, workspace, memo)
    return translations.records(versions)


# --------------------------------------------------------------------------- the cache


class DamagedCache(PresserError):
    """A cache file that is not what presser writes."""


@dataclass
class Entry:
    """What the cache knows about one release's last render."""

    release: str  #: the SHA-256 of the release file it was rendered from
    inputs: str  #: :func:`release_inputs` then
    reads: ReadLog  #: every file the render read from the template search path
    outputs: dict[str, dict[str, Any]]  #: file name -> {"size": int, "sha256": str}

    def as_json(self) -> dict[str, Any]:
        return {
            "release": self.release,
            "inputs": self.inputs,
            "reads": self.reads.as_json(),
            "outputs": self.outputs,
        }

    @classmethod
    def from_json(cls, data: Any) -> Entry:
        """An entry back from :meth:`as_json`; anything else raises :class:`DamagedCache`."""
        if not isinstance(data, dict) or set(data) != {"release", "inputs", "reads", "outputs"}:
            raise DamagedCache("an entry is not of the form presser writes")
        release, inputs, reads, outputs = (
            data[k] for k in ("release", "inputs", "reads", "outputs")
        )
        if not (isinstance(release, str) and isinstance(inputs, str)):
            raise DamagedCache("an entry's digests are not text")
        if not isinstance(reads, dict) or not all(
            isinstance(key, str) and key.startswith(_LOOKUPS) and "\0" not in key for key in reads
        ):
            raise DamagedCache("an entry's record of reads names something other than a lookup")
        try:
            log = ReadLog.from_json(reads)
        except ValueError as exc:
            raise DamagedCache(f"an entry's record of reads: {exc}") from None
        if not isinstance(outputs, dict) or not all(
            isinstance(name, str)
            and isinstance(o, dict)
            and type(o.get("size")) is int
            and isinstance(o.get("sha256"), str)
            for name, o in outputs.items()
        ):
            raise DamagedCache("an entry's outputs are not of the form presser writes")
        return cls(release, inputs, log, dict(outputs))


@dataclass
class BuildCache:
    """The cache file of one output folder: an entry per release, by resolved path."""

    path: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    #: Whether the file on disk is exactly :attr:`entries` (then a no-change build writes nothing).
    intact: bool = False
    #: Why the file on disk was not used, when it was there and damaged (one line, for the user).
    note: str | None = None

    @classmethod
    def load(cls, out_dir: Path, shown: str | None = None) -> BuildCache:
        """The cache in ``out_dir``; empty when missing or of another format.

        When it is damaged, what is damaged is not used (the whole file, or an
        entry: then that release is rendered again) and :attr:`note` says so,
        naming the file as ``shown``.
        """
        path = out_dir / CACHE_NAME
        cache = cls(path)
        shown = shown or str(path)
        try:
            entries, damaged = _read(path)
        except (FileNotFoundError, _Foreign):
            return cache
        except (OSError, DamagedCache) as exc:
            cache.note = f"{shown}: {exc}; not used, so every release is rendered again"
            return cache
        cache.entries, cache.intact = entries, not damaged
        if damaged:
            count = f"{len(damaged)} entries" if len(damaged) > 1 else "an entry"
            cache.note = (
                f"{shown}: {count} damaged ({damaged[0]}); those releases are rendered again"
            )
        return cache

    def save_if_changed(self) -> None:
        """Save unless the file already says exactly this (a build with nothing to do)."""
        if not self.intact or not all(Path(key).is_file() for key in self.entries):
            self.save()

    def save(self) -> None:
        """Write the cache atomically, forgetting releases whose files are gone."""
        from ..writing import write_atomic

        releases = {
            key: entry.as_json()
            for key, entry in sorted(self.entries.items())
            if Path(key).is_file()
        }
        data = {"format": CACHE_FORMAT, "presser": __version__, "releases": releases}
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))


class _Foreign(PresserError):
    """A cache of another format: written by another presser, so quietly not used."""


def _read(path: Path) -> tuple[dict[str, Entry], list[str]]:
    """The entries of a cache file, and what is wrong with each one left out."""
    with path.open("rb") as stream:
        raw = stream.read(MAX_CACHE_BYTES + 1)
    if len(raw) > MAX_CACHE_BYTES:
        raise DamagedCache(f"larger than {MAX_CACHE_BYTES:,} bytes")
    try:
        data = json.loads(raw)
    except ValueError as exc:  # JSONDecodeError and invalid UTF-8 alike
        raise DamagedCache(f"not JSON ({exc})") from None
    except RecursionError:
        raise DamagedCache("not JSON (nested too deeply)") from None
    if not isinstance(data, dict):
        raise DamagedCache("not a presser build cache")
    if data.get("format") != CACHE_FORMAT:
        raise _Foreign("written by another presser")
    releases = data.get("releases")
    if not isinstance(releases, dict):
        raise DamagedCache("its releases are not of the form presser writes")
    entries: dict[str, Entry] = {}
    damaged: list[str] = []
    for key, value in releases.items():
        # A key names a release by its resolved path; it is only ever compared.
        if "\0" in key or not Path(key).is_absolute():
            damaged.append("a release is not named by its path")
            continue
        try:
            entries[key] = Entry.from_json(value)
        except DamagedCache as exc:
            damaged.append(str(exc))
    return entries, damaged


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


def output_names(
    stem: str, options: RenderOptions, chosen: tuple[str, ...] | None = None
) -> set[str]:
    """The outputs of a release whose organisation's ``formats:`` is ``chosen``."""
    from ..render.pipeline import output_name

    return {output_name(stem, fmt) for fmt in options.formats_for(chosen)}


def output_record(data: bytes) -> dict[str, Any]:
    """What an entry records of one output file."""
    return {"size": len(data), "sha256": sha256_hex(data)}


# --------------------------------------------------------------------------- up to date


def up_to_date(
    path: Path,
    entry: Entry,
    *,
    workspace: Workspace,
    memo: dict[Any, Any] | None = None,
    release_sha: str,
    out_dir: Path,
    options: RenderOptions,
    options_text: str,
    presser_sha: str,
) -> bool:
    """Whether the outputs of the release ``path`` are there and were made from its current
    inputs: what the release names now, and every file its last render read."""
    if entry.release != release_sha:
        return False
    memo = {} if memo is None else memo
    current = current_inputs(path, workspace, release_sha, presser_sha, options_text, memo)
    if current is None or current[1] != entry.inputs:
        return False
    slug = current[0]
    if ("files", slug) not in memo:
        memo["files", slug] = TemplateFiles(workspace.template_search_path(slug))
    files: TemplateFiles = memo["files", slug]
    # Every release of an organisation read the same templates: each looked up once a build.
    for key, read in entry.reads.reads.items():
        if ("read", slug, key) not in memo:
            memo["read", slug, key] = files.reread(key)
        if memo["read", slug, key] != read:
            return False
    chosen = None
    if options.organisation_formats:
        if ("formats", slug) not in memo:
            try:
                memo["formats", slug] = workspace.organisation(slug).profile.formats
            except PresserError:  # an organisation that no longer loads: render, and say so
                return False
        chosen = memo["formats", slug]
    return _outputs_intact(entry, out_dir, output_names(path.stem, options, chosen))
