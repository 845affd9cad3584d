"""Load a release file into a validated :class:`Release`, or report every problem in it.

This is where the rules that span fields live, because they need the
organisation and the file's place in the workspace: quote and image ids
known and placed at most once, the embargo not after publication, a lead or a
body, a contact somewhere, images inside the project.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .errors import Problem, ProblemsFound, UsageProblem
from .loading import Document, load_file
from .model import ImageRef, QuoteRef, Release
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
        release = Release.model_validate(data, context={"country": country})
    except ValidationError as exc:
        problems.extend(problems_from_validation(document, exc))

    if release is not None and organisation is not None:
        problems.extend(_cross_field_problems(document, release, organisation, workspace))
    if problems:
        raise ProblemsFound(problems)
    assert release is not None and organisation is not None
    return LoadedRelease(Path(path), document, release, organisation, workspace)


def _cross_field_problems(
    document: Document,
    release: Release,
    organisation: LoadedOrganisation,
    workspace: Workspace,
) -> Iterator[Problem]:
    if release.lead is None and release.body is None:
        yield document.problem((), "a release needs a lead or a body (or both)")

    if release.embargo is not None and release.embargo > release.published:
        yield document.problem(
            ("embargo",),
            "the embargo lifts after the release is published; "
            "it must be at or before 'published'",
        )

    press_contacts = (
        release.press_contacts
        if release.press_contacts is not None
        else organisation.profile.press_contacts
    )
    if not release.contacts and not press_contacts:
        yield document.problem(
            (),
            "a release needs at least one contact (contacts: here, or press_contacts: "
            "in the organisation)",
        )

    yield from _duplicate_ids(document, "quotes", [q.id for q in release.quotes])
    yield from _duplicate_ids(document, "images", [i.id for i in release.images])

    blocks = release.body if isinstance(release.body, tuple) else ()
    placed: dict[tuple[str, str], int] = {}
    known = {"quote": {q.id for q in release.quotes}, "image": {i.id for i in release.images}}
    for index, block in enumerate(blocks):
        if isinstance(block, QuoteRef | ImageRef):
            kind = "quote" if isinstance(block, QuoteRef) else "image"
            ident = block.quote if isinstance(block, QuoteRef) else block.image
            where = ("body", index, kind)
            if ident not in known[kind]:
                listed = ", ".join(sorted(known[kind])) or "none"
                yield document.problem(
                    where, f"no {kind} with id '{ident}' in {kind}s: (there is: {listed})"
                )
            elif (kind, ident) in placed:
                yield document.problem(
                    where,
                    f"{kind} '{ident}' is already placed at body[{placed[kind, ident]}]; "
                    "place it once",
                )
            else:
                placed[kind, ident] = index

    for index, image in enumerate(release.images):
        message = _image_path_problem(document.path, image.path, workspace)
        if message:
            yield document.problem(("images", index, "path"), message)


def _duplicate_ids(document: Document, field: str, ids: list[str]) -> Iterator[Problem]:
    counts = Counter(ids)
    seen: set[str] = set()
    for index, ident in enumerate(ids):
        if counts[ident] > 1 and ident in seen:
            yield document.problem((field, index, "id"), f"id '{ident}' is used more than once")
        seen.add(ident)


def _image_path_problem(release_path: Path, relative: str, workspace: Workspace) -> str | None:
    if "://" in relative or relative.startswith(("/", "\\", "~")) or ":" in relative[:3]:
        return "must be a path relative to the release file, not an address or absolute path"
    target = release_path.parent / relative
    if not workspace.contains(target):
        return "must stay inside the project folder (links followed)"
    if not target.is_file():
        return f"no such file: {relative}"
    return None


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
