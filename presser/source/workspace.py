"""Workspaces and organisations: where releases and templates live.

A workspace is a folder with a ``templates/`` folder in it (``presser init``
makes one; this repository is one). Every command finds it by walking up
from the current folder, or from the file it was given, so it works from
anywhere inside. Each organisation is a folder ``templates/<slug>/`` holding
an ``organisation.yaml``; whatever else it does not supply comes from the
workspace's ``templates/_default/`` and then from the default look that ships
inside the package.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pydantic import ValidationError

import presser

from ..errors import (
    PresserError,
    Problem,
    ProblemsFound,
    TemplateProblem,
    UsageProblem,
    did_you_mean,
    printable,
    safe_line,
)
from .limits import DEFAULT_LIMITS, SETTINGS_FILE, Limits, Settings
from .loading import Document, load_file
from .model import Organisation
from .problems import problems_from_validation

DEFAULT_FOLDER = "_default"
ORGANISATION_FILE = "organisation.yaml"
# Used with fullmatch: "$" would also match before a final newline and let a
# folder named "acme\n" pass for an organisation.
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")


def packaged_default_templates() -> Path:
    """The default look shipped with presser.

    In an installed wheel it is ``presser/default_templates``; in a source
    checkout (and an editable install) it is the repository's
    ``templates/_default``, which the wheel is built from.
    """
    package = Path(presser.__file__).parent
    installed = package / "default_templates"
    return installed if installed.is_dir() else package.parent / "templates" / DEFAULT_FOLDER


@dataclass(frozen=True)
class LoadedOrganisation:
    """An organisation's validated profile and where its files are."""

    slug: str
    folder: Path
    document: Document
    profile: Organisation


@dataclass
class Workspace:
    """A folder with ``templates/`` (organisations) and, usually, ``releases/``."""

    root: Path
    _organisations: dict[str, LoadedOrganisation] = field(default_factory=dict, repr=False)

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def releases_dir(self) -> Path:
        return self.root / "releases"

    @property
    def published_dir(self) -> Path:
        """Where ``presser publish`` keeps the frozen version folders."""
        return self.root / "published"

    @cached_property
    def resolved_root(self) -> Path:
        return self.root.resolve()

    @property
    def settings_file(self) -> Path:
        return self.root / SETTINGS_FILE

    @cached_property
    def limits(self) -> Limits:
        """The limits set in ``presser.yaml`` (optional), else the defaults.

        Raises :class:`ProblemsFound` when the file has problems: a typo in a
        limit must not silently leave the default in force.
        """
        path = self.settings_file
        if not path.is_file():
            return DEFAULT_LIMITS
        shown = self.display(path)
        if not self.contains(path):
            raise TemplateProblem(
                f"{shown} leads outside the workspace (a symbolic link); "
                "presser reads nothing outside"
            )
        limits, problems = limits_from_settings(load_file(path, display_path=shown))
        if problems:
            raise ProblemsFound(problems)
        return limits

    def organisation_slugs(self) -> list[str]:
        """Every folder under templates/ with an organisation.yaml, sorted."""
        if not self.templates_dir.is_dir():
            return []
        return sorted(
            entry.name
            for entry in self.templates_dir.iterdir()
            if entry.name != DEFAULT_FOLDER
            and _SLUG.fullmatch(entry.name)
            and (entry / ORGANISATION_FILE).is_file()
        )

    def template_search_path(self, slug: str) -> list[Path]:
        """Where templates are looked up, in order: the organisation, then the defaults."""
        folders = [self.templates_dir / slug, self.templates_dir / DEFAULT_FOLDER]
        for folder in folders:
            if folder.is_dir() and not self.contains(folder):
                raise TemplateProblem(
                    f"{self.display(folder)} leads outside the workspace (a symbolic link); "
                    "presser reads no templates from outside"
                )
        packaged = packaged_default_templates()
        if packaged.resolve() not in {f.resolve() for f in folders}:
            folders.append(packaged)
        return [f for f in folders if f.is_dir()]

    def check_output_folder(self, out_dir: Path, sources: Iterable[Path] = ()) -> None:
        """Refuse an output folder among the sources, links followed.

        That is: the releases, templates or published folders or any folder inside
        them (published/ holds the frozen versions that went out), and
        the folder of any release being rendered (a draft kept elsewhere), where
        an output could replace a source or be taken for one.
        """
        target = out_dir.resolve()
        for protected in (self.releases_dir, self.templates_dir, self.published_dir):
            guarded = protected.resolve()
            if target == guarded or target.is_relative_to(guarded):
                # published/ holds what went out, frozen: only presser publish adds to it.
                what = "published versions" if protected == self.published_dir else "sources"
                raise UsageProblem(
                    f"the output folder {safe_line(str(out_dir))} is inside {protected.name}/; "
                    f"outputs never go among {what} (use --out build)"
                )
        for source in sources:
            if source.resolve().parent == target:
                raise UsageProblem(
                    f"the output folder {safe_line(str(out_dir))} holds the release "
                    f"{safe_line(source.name)}; "
                    "outputs never go among sources (use --out build)"
                )

    def display(self, path: Path) -> str:
        """A path as messages show it: relative to the current folder when inside it.

        Escaped for the terminal: a file name may hold control characters.
        """
        try:
            shown = str(path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            shown = str(path)
        return safe_line(shown)  # on one line: a line break in a name is shown as \n

    def display_link(self, path: Path) -> str:
        """As :meth:`display`, but a link is shown where it is, not where it leads."""
        parent = self.display(path.parent)
        name = safe_line(path.name)
        return name if parent == "." else f"{parent}/{name}"

    def contains(self, path: Path) -> bool:
        """Whether ``path``, with every link followed, stays inside the workspace."""
        return path.resolve().is_relative_to(self.resolved_root)

    def check_inside(self, path: Path) -> Problem | None:
        """The problem with reading ``path`` when, links followed, it leads out of the workspace.

        None when it may be read: it stays inside the workspace, or inside the
        default look that ships with presser (installed elsewhere, and part of
        presser, not of anything a workspace brings in). Ask before opening the
        file: a link in releases/ or templates/ must not make presser read a
        file from elsewhere, not even to hash it.
        """
        resolved = path.resolve()
        if resolved.is_relative_to(self.resolved_root):
            return None
        if resolved.is_relative_to(packaged_default_templates().resolve()):
            return None
        kind = "folder" if resolved.is_dir() else "file"
        return Problem(
            self.display_link(path),
            1,
            1,
            "(file)",
            f"a link to a {kind} outside the workspace; presser reads nothing outside",
        )

    def release_files(self, paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
        """The release files to read under ``paths``, and a problem for each refused unread.

        Folders are searched (sorted) for *.yaml and *.yml, as
        :func:`release_files` lists them; a file among them
        (or named) that is a link leading out of the workspace is refused before
        it is opened, like a linked presser.yaml or template folder.
        """
        found: list[Path] = []
        refused: list[Problem] = []
        inside: dict[Path, bool] = {}  # per folder: the files of one folder share its answer
        for path in release_files(paths):
            if path.parent not in inside:
                inside[path.parent] = self.contains(path.parent)
            # Not a link itself, in a folder inside: inside (one lstat, not a resolve per file).
            plain = inside[path.parent] and not path.is_symlink()
            problem = None if plain else self.check_inside(path)
            if problem is None:
                found.append(path)
            else:
                refused.append(problem)
        return found, refused

    def organisation(self, slug: str) -> LoadedOrganisation:
        """Load and validate ``templates/<slug>/organisation.yaml`` (cached per workspace).

        Raises :class:`ProblemsFound` for an invalid profile and
        :class:`UnknownOrganisation` when there is no such organisation.
        """
        if slug in self._organisations:
            return self._organisations[slug]
        known = self.organisation_slugs()
        if slug not in known:
            raise UnknownOrganisation(slug, known)
        folder = self.templates_dir / slug
        path = folder / ORGANISATION_FILE
        if not (self.contains(folder) and self.contains(path)):
            # A link in templates/ must not make presser read or render files from elsewhere.
            raise ProblemsFound(
                [
                    Problem(
                        self.display(path),
                        1,
                        1,
                        "(file)",
                        f"templates/{slug} leads outside the workspace (a symbolic link); "
                        "presser reads nothing outside",
                    )
                ]
            )
        document = load_file(path, display_path=self.display(path), limits=self.limits)
        if not isinstance(document.data, dict):
            raise ProblemsFound(
                [document.problem((), "an organisation is a mapping of fields (name: …)")]
            )
        country = document.data.get("country")
        try:
            profile = Organisation.model_validate(
                document.data,
                context={"country": country.upper() if isinstance(country, str) else None},
            )
        except ValidationError as exc:
            raise ProblemsFound(problems_from_validation(document, exc)) from None
        loaded = LoadedOrganisation(slug, folder, document, profile)
        self._organisations[slug] = loaded
        return loaded


class UnknownOrganisation(PresserError):
    """A release names an organisation the workspace does not have."""

    def __init__(self, slug: str, known: list[str]) -> None:
        self.slug = slug
        self.known = known
        hint = did_you_mean(slug, known)
        listed = ", ".join(known) or "none"
        name = printable(slug)
        super().__init__(f"no organisation {name} in templates/ (there is: {listed}){hint}")


def find_workspace(start: Path | None = None) -> Workspace:
    """The nearest folder at or above ``start`` (default: here) with a templates/ folder."""
    here = (start or Path.cwd()).resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / "templates").is_dir():
            return Workspace(folder)
    raise UsageProblem(
        f"no presser workspace at or above {here} (a folder with templates/ in it); "
        "create one with: presser init DIR --org SLUG --name 'Organisation name'"
    )


RELEASE_SUFFIXES = (".yaml", ".yml")


def release_files(paths: Iterable[Path]) -> list[Path]:
    """The release files named, with folders searched (sorted) for *.yaml and *.yml."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.suffix in RELEASE_SUFFIXES and p.is_file())
            )
        elif path.is_file():
            found.append(path)
        else:
            raise UsageProblem(f"no such file or folder: {path}")
    return found


def limits_from_settings(document: Document) -> tuple[Limits, list[Problem]]:
    """The limits a loaded ``presser.yaml`` sets, and every problem in it.

    Validated by :class:`Settings`, every problem at its position, as any file
    presser reads. With problems, the defaults are returned alongside them.
    """
    data = document.data
    if data is None:  # an empty file sets nothing
        return DEFAULT_LIMITS, []
    if not isinstance(data, dict):
        return DEFAULT_LIMITS, [
            document.problem((), "presser.yaml is a mapping of settings (limits: …)")
        ]
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        return DEFAULT_LIMITS, problems_from_validation(document, exc, Settings)
    return settings.limits, []
