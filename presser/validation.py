"""Load a release file into a validated :class:`Release`, or report every problem in it.

This is where the rules that span fields live, because they need the
organisation and the file's place in the workspace: quote and image ids
known and placed at most once, the embargo not after publication, a lead or a
body, a contact somewhere, images inside the project.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import AwareDatetime, TypeAdapter, ValidationError

from .errors import Problem, ProblemsFound, UsageProblem
from .loading import Document, load_file
from .model import Release
from .problems import problems_from_validation
from .workspace import LoadedOrganisation, UnknownOrganisation, Workspace

RELEASE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class LoadedRelease:
    """A valid release with everything needed to render it."""

    path: Path
    document: Document
    release: Release
    organisation: LoadedOrganisation
    workspace: Workspace

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def language(self) -> str:
        return self.release.language or self.organisation.profile.language

    def image_file(self, relative: str) -> Path:
        return (self.path.parent / relative).resolve()


def load_release(path: Path, workspace: Workspace) -> LoadedRelease:
    """Read, parse and validate one release; raise :class:`ProblemsFound` with all problems."""
    document = load_file(path, display_path=workspace.display(path))
    data = document.data
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "empty" if data is None else "text"
        raise ProblemsFound(
            [document.problem((), f"a release is a mapping of fields (headline: …), not {kind}")]
        )

    problems: list[Problem] = []
    organisation: LoadedOrganisation | None = None
    slug = data.get("organisation")
    if isinstance(slug, str):
        try:
            organisation = workspace.organisation(slug)
        except UnknownOrganisation as exc:
            problems.append(document.problem(("organisation",), str(exc)))
        except ProblemsFound as exc:
            problems.extend(exc.problems)
            problems.append(
                document.problem(("organisation",), f"the organisation '{slug}' has problems")
            )

    country = organisation.profile.country if organisation else None
    release: Release | None = None
    try:
        release = Release.model_validate(
            data,
            context={
                "country": country,
                "release_dir": Path(path).parent,
                "project_root": workspace.resolved_root,
            },
        )
    except ValidationError as exc:
        problems.extend(problems_from_validation(document, exc))
    # Run on the raw data too, so these are reported even when some field is invalid.
    problems.extend(_cross_field_problems(document, data, organisation))
    if problems:
        raise ProblemsFound(problems)
    assert release is not None and organisation is not None
    return LoadedRelease(Path(path), document, release, organisation, workspace)


def _cross_field_problems(
    document: Document, data: dict[str, Any], organisation: LoadedOrganisation | None
) -> Iterator[Problem]:
    """Rules that span fields, checked on the raw data so they need no valid model."""
    if data.get("lead") is None and data.get("body") is None:
        yield document.problem((), "a release needs a lead or a body (or both)")

    published, embargo = _moment(data.get("published")), _moment(data.get("embargo"))
    if published and embargo and embargo > published:
        yield document.problem(
            ("embargo",),
            "the embargo lifts after the release is published; it must be at or before 'published'",
        )

    press_contacts = data.get("press_contacts")
    if press_contacts is None and organisation is not None:
        press_contacts = organisation.profile.press_contacts
    if not data.get("contacts") and not press_contacts and organisation is not None:
        yield document.problem(
            (),
            "a release needs at least one contact (contacts: here, or press_contacts: "
            "in the organisation)",
        )

    known: dict[str, set[str]] = {}
    for name in ("quote", "image"):
        ids = [_field(item, "id") for item in _list(data.get(f"{name}s"))]
        yield from _duplicate_ids(document, f"{name}s", ids)
        known[name] = {i for i in ids if i is not None}

    placed: dict[tuple[str, str], int] = {}
    for index, block in enumerate(_list(data.get("body"))):
        kind = next((k for k in ("quote", "image") if _field(block, k) is not None), None)
        if kind is None:
            continue
        ident = _field(block, kind) or ""
        where = ("body", index, kind)
        if ident not in known[kind]:
            listed = ", ".join(sorted(known[kind])) or "none"
            yield document.problem(
                where, f"no {kind} with id '{ident}' in {kind}s: (there is: {listed})"
            )
        elif (kind, ident) in placed:
            yield document.problem(
                where,
                f"{kind} '{ident}' is already placed at body[{placed[kind, ident]}]; place it once",
            )
        else:
            placed[kind, ident] = index


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _field(value: Any, name: str) -> str | None:
    found = value.get(name) if isinstance(value, dict) else None
    return found if isinstance(found, str) else None


def _moment(value: Any) -> datetime | None:
    try:
        return _AWARE.validate_python(value)
    except ValidationError:
        return None


_AWARE: TypeAdapter[datetime] = TypeAdapter(AwareDatetime)


def _duplicate_ids(document: Document, field: str, ids: list[str | None]) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, ident in enumerate(ids):
        if ident is not None and ident in seen:
            yield document.problem((field, index, "id"), f"id '{ident}' is used more than once")
        if ident is not None:
            seen.add(ident)


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


def validate_files(files: Iterable[Path], workspace: Workspace) -> tuple[int, list[Problem]]:
    """Validate every file; the number that are valid and every problem found."""
    valid = 0
    problems: list[Problem] = []
    for path in files:
        try:
            load_release(path, workspace)
        except ProblemsFound as exc:
            problems.extend(exc.problems)
        else:
            valid += 1
    # An invalid organisation is reported once, not once per release that uses it.
    return valid, sorted(set(problems), key=problems.index)
