"""What goes on the newsroom: the published versions, and nothing else.

Two kinds of release are published:

- one with version folders, ``published/<stem>/v<N>/`` with ``manifest.json``
  (what ``presser publish`` made): every version is on the site, the latest
  one as the release's page, read from the frozen files
  (:mod:`presser.site.frozen`), never from the release file, which may be
  the draft of the next version by now;
- one marked ``status: published`` with no version folder (the releases
  transcribed from before presser, as ``validate`` takes them): rendered
  once into a scratch folder as ``publish`` would render it, and then taken
  like a version folder.

Drafts, releases in review and approved ones never appear. Neither does a
release before its time: :attr:`SiteRelease.visible_from` is its publication
time (validation keeps an embargo at or before it), and :func:`visible` leaves
out every release whose time has not come at the moment the site is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..errors import PresserError, ProblemsFound
from ..render.iptc import release_uri
from ..source.validation import LoadedRelease
from ..source.workspace import Workspace
from .frozen import FrozenPage, read_frozen_page

#: Files of a version folder that are never copied onto the site (the send log names
#: recipients; the manifest is the archive's, not the reader's).
PRIVATE_FILES = frozenset({"manifest.json", "sent.jsonl"})


@dataclass(frozen=True)
class SiteVersion:
    """One published version of a release, as the site copies it."""

    number: int  #: 1, 2, …
    folder: Path  #: where its files are (the version folder, or a scratch folder)
    files: tuple[str, ...]  #: the files to copy, relative to ``folder``
    page: FrozenPage  #: what its page says
    published_at: datetime | None  #: when publish ran (None: taken as it is)


@dataclass(frozen=True)
class SiteRelease:
    """A published release, with every version of it."""

    stem: str  #: the release's file name without .yaml: its URL, fixed at first publication
    organisation: str  #: the organisation's slug
    uri: str  #: its identifier (the feeds' entry id), the same for every version
    versions: tuple[SiteVersion, ...]  #: oldest first

    @property
    def latest(self) -> SiteVersion:
        return self.versions[-1]

    @property
    def visible_from(self) -> datetime:
        """When it may be on the site: its first version's publication time."""
        return self.versions[0].page.published

    @property
    def updated(self) -> datetime:
        """When its latest version went out (its publication time, for the first)."""
        latest = self.latest
        if latest.number == 1 or latest.published_at is None:
            return latest.page.modified or latest.page.published
        return max(latest.published_at, latest.page.published)


def visible(releases: list[SiteRelease], now: datetime) -> list[SiteRelease]:
    """The releases whose time has come, newest first (then by name, for a stable order)."""
    shown = [r for r in releases if r.visible_from <= now]
    return sorted(shown, key=lambda r: (-r.visible_from.timestamp(), r.stem))


def collect(workspace: Workspace, scratch: Path) -> tuple[list[SiteRelease], list[str]]:
    """Every published release of ``workspace``, and a note for each file passed over.

    ``scratch`` is an empty folder for rendering the releases taken as they are.
    """
    from ..editorial.manifest import published_versions, read_manifest, version_folder

    releases: list[SiteRelease] = []
    notes: list[str] = []
    published_dir = workspace.published_dir
    stems = sorted(p.name for p in published_dir.iterdir()) if published_dir.is_dir() else []
    with_versions = set()
    for stem in stems:
        versions: list[SiteVersion] = []
        organisation: str | None = None
        for number in published_versions(workspace, stem):
            folder = version_folder(workspace, stem, number)
            shown = workspace.display(folder)
            if not (folder / "manifest.json").is_file():
                notes.append(f"{shown}/: no manifest.json, passed over")
                continue
            manifest = read_manifest(folder, shown)
            files = tuple(f.path for f in manifest.files if f.path not in PRIVATE_FILES)
            page = _page(folder, stem, shown)
            published_at = datetime.fromisoformat(manifest.published_at)
            versions.append(SiteVersion(number, folder, files, page, published_at))
            organisation = organisation or _organisation_of(workspace, manifest.release, page)
        if versions and organisation:
            with_versions.add(stem)
            releases.append(
                SiteRelease(stem, organisation, release_uri(organisation, stem), tuple(versions))
            )
    for loaded in _taken_as_they_are(workspace, with_versions, notes):
        releases.append(_render_as_published(loaded, scratch / loaded.stem))
    return releases, notes


def _page(folder: Path, stem: str, shown: str) -> FrozenPage:
    html = folder / f"{stem}.html"
    try:
        text = html.read_text(encoding="utf-8")
    except OSError as exc:
        raise PresserError(f"{shown}/{stem}.html cannot be read: {exc.strerror}") from None
    return read_frozen_page(text, f"{shown}/{stem}.html")


def _organisation_of(workspace: Workspace, release_file: str, page: FrozenPage) -> str | None:
    """The organisation a published release is from: its file says (the slug never changes)."""
    from ..source.loading import load_file

    path = workspace.root / release_file
    try:
        data = load_file(path, display_path=workspace.display(path)).data
    except (ProblemsFound, OSError):
        return None
    slug = data.get("organisation") if isinstance(data, dict) else None
    return slug if isinstance(slug, str) and slug in workspace.organisation_slugs() else None


def _taken_as_they_are(
    workspace: Workspace, with_versions: set[str], notes: list[str]
) -> list[LoadedRelease]:
    """The releases marked published that have no version folder (read as validate reads them)."""
    from ..editorial.reading import load_release

    files, _refused = workspace.release_files([workspace.releases_dir])
    found = []
    for path in files:
        if path.stem in with_versions:
            continue
        try:
            loaded = load_release(path, workspace)
        except (ProblemsFound, PresserError):
            # A draft being written is no news; one marked published that cannot be read is.
            if _marked_published(path):
                notes.append(
                    f"{workspace.display(path)}: marked published but not valid "
                    "(presser validate says why), passed over"
                )
            continue
        if loaded.release.status == "published":
            found.append(loaded)
    return found


def _marked_published(path: Path) -> bool:
    from ..source.loading import load_file

    try:
        data = load_file(path).data
    except (ProblemsFound, OSError):
        return False
    return isinstance(data, dict) and data.get("status") == "published"


def _render_as_published(loaded: LoadedRelease, folder: Path) -> SiteRelease:
    """Render a release taken as it is into ``folder`` as publish would, and take that."""
    from ..editorial.publishing import publish_formats, release_time, staged_release
    from ..render.pipeline import RenderOptions, output_name, render_outputs
    from ..writing import write_atomic

    folder.mkdir(parents=True)
    staged = staged_release(loaded, folder)  # the images copied in, as publish does
    options = RenderOptions(formats=publish_formats(loaded), published_at=release_time(loaded))
    for fmt, data in render_outputs(staged, folder, options).items():
        write_atomic(folder / output_name(loaded.stem, fmt), data)
    files = tuple(sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")))
    page = read_frozen_page(
        (folder / f"{loaded.stem}.html").read_text(encoding="utf-8"),
        loaded.workspace.display(loaded.path),
    )
    version = SiteVersion(loaded.release.version, folder, files, page, None)
    slug = loaded.organisation.slug
    return SiteRelease(loaded.stem, slug, release_uri(slug, loaded.stem), (version,))
