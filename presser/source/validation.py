"""Load a release file into a validated :class:`Release`, or report every problem in it.

This is where the rules that span fields live, because they need the
organisation and the file's place in the workspace: quote and image ids
known and placed at most once, the embargo not after publication, a lead or a
body, a contact somewhere, images inside the project, a translation's original
(:mod:`presser.source.translations`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import AwareDatetime, TypeAdapter, ValidationError

from ..errors import Problem, ProblemsFound, UsageProblem, did_you_mean, format_field_path
from . import translations
from .limits import Limits
from .loading import Document, load_file
from .model import Image, Release
from .problems import problems_from_validation
from .translations import LanguageVersion
from .workspace import LoadedOrganisation, UnknownOrganisation, Workspace


@dataclass(frozen=True)
class LoadedRelease:
    """A valid release with everything needed to render it."""

    path: Path
    document: Document
    release: Release
    organisation: LoadedOrganisation
    workspace: Workspace
    #: The same release in other languages: its original first, then its translations.
    language_versions: tuple[LanguageVersion, ...] = ()

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def language(self) -> str:
        return self.release.language or self.organisation.profile.language

    def image_file(self, relative: str) -> Path:
        return (self.path.parent / relative).resolve()


#: A check of a valid release against something outside it: its problems, or none.
ReleaseCheck = Callable[["LoadedRelease"], list[Problem]]


def load_release(
    path: Path,
    workspace: Workspace,
    *,
    checks: Sequence[ReleaseCheck] = (),
    memo: dict[Any, Any] | None = None,
) -> LoadedRelease:
    """Read, parse and validate one release; raise :class:`ProblemsFound` with all problems.

    ``checks`` run on the valid release, and their problems are raised too:
    the editorial layer passes the freeze of a published release this way
    (:mod:`presser.editorial.reading`, which is what the commands call), so
    reading input knows nothing of publishing. ``memo``, shared by the loads of
    one run over many releases, keeps each folder's listing for the language
    versions (:mod:`presser.source.translations`), which is otherwise read again
    for every release in it.
    """
    document = load_file(path, display_path=workspace.display(path), limits=workspace.limits)
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
    problems.extend(
        _image_problems(document, data, Path(path).parent, workspace.resolved_root, workspace)
    )
    problems.extend(_markdown_problems(document, data, workspace.limits))
    problems.extend(
        translations.translation_problems(
            document,
            data,
            Path(path),
            organisation.slug if organisation else None,
            _release_language(data, organisation),
            workspace,
            memo,
        )
    )
    if problems:
        raise ProblemsFound(problems)
    assert release is not None and organisation is not None
    versions = translations.language_versions(
        Path(path),
        release.translation_of,
        release.language or organisation.profile.language,
        workspace,
        memo,
    )
    loaded = LoadedRelease(Path(path), document, release, organisation, workspace, versions)
    found = [problem for check in checks for problem in check(loaded)]
    if found:
        raise ProblemsFound(found)
    return loaded


def _cross_field_problems(
    document: Document, data: dict[str, Any], organisation: LoadedOrganisation | None
) -> Iterator[Problem]:
    """Rules that span fields, checked on the raw data so they need no valid model."""
    if data.get("lead") is None and data.get("body") is None:
        yield document.problem((), "a release needs a lead or a body (or both)")

    published = _aware_datetime(data.get("published"))
    embargo = _aware_datetime(data.get("embargo"))
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

    yield from _distribution_problems(document, data.get("distribution"), organisation)

    known: dict[str, set[str]] = {}
    # A quote needs an id only to be placed; one without is set after the body.
    unplaceable = {"quote": any(_field(q, "id") is None for q in _list(data.get("quotes")))}
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
            hint = (
                f"; a {kind} without id: cannot be placed, it is set after the body"
                if unplaceable.get(kind)
                else ""
            )
            yield document.problem(
                where, f"no {kind} with id '{ident}' in {kind}s: (there is: {listed}){hint}"
            )
        elif (kind, ident) in placed:
            yield document.problem(
                where,
                f"{kind} '{ident}' is already placed at body[{placed[kind, ident]}]; place it once",
            )
        else:
            placed[kind, ident] = index


def _distribution_problems(
    document: Document, names: Any, organisation: LoadedOrganisation | None
) -> Iterator[Problem]:
    """Each name in the release's distribution: must be a list or wire of its organisation."""
    if not isinstance(names, list) or organisation is None:
        return
    distribution = organisation.profile.distribution
    known = distribution.names if distribution else ()
    if not known:
        yield document.problem(
            ("distribution",),
            f"the organisation '{organisation.slug}' has no lists or wires "
            "(distribution: in its organisation.yaml)",
        )
        return
    for index, name in enumerate(names):
        if isinstance(name, str) and name not in known:
            yield document.problem(
                ("distribution", index),
                f"no list or wire '{name}' in the organisation's distribution: "
                f"(there is: {', '.join(known)}){did_you_mean(name, known)}",
            )


def _image_problems(
    document: Document, data: dict[str, Any], release_dir: Path, root: Path, workspace: Workspace
) -> Iterator[Problem]:
    """Image files by content: PNG, JPEG or WebP within the limits, before WeasyPrint sees one.

    Each image entry is validated on its own first, so only a path the model
    accepted (relative, inside the project, an existing file) is ever opened,
    and image problems are reported even when another field is invalid.
    """
    images = _list(data.get("images"))
    if not images:
        return  # most releases: then presser.source.images is not even imported
    from .images import ImageRefused, check_image_file

    limits = workspace.limits
    context = {"release_dir": release_dir, "project_root": root}
    for index, item in enumerate(images):
        try:
            image = Image.model_validate(item, context=context)
        except ValidationError:
            continue  # already reported by the release's own validation
        try:
            check_image_file(release_dir / image.path, limits)
        except ImageRefused as exc:
            yield document.problem(("images", index, "path"), f"{image.path}: {exc}")
        except OSError as exc:
            yield document.problem(
                ("images", index, "path"), f"{image.path}: cannot read it: {exc.strerror or exc}"
            )


def _markdown_problems(
    document: Document, data: dict[str, Any], limits: Limits
) -> Iterator[Problem]:
    """Markdown nested deeper than ``max_markdown_nesting``, refused where it stands.

    Parsing needs markdown-it, which ``validate`` otherwise never imports; a
    cheap bound on the depth from the text itself decides whether to parse.
    """
    body = data.get("body")
    fields: list[tuple[tuple[str | int, ...], Any, bool]] = [(("lead",), data.get("lead"), True)]
    if isinstance(body, list):
        fields += [(("body", i), block, False) for i, block in enumerate(body)]
    else:
        fields.append((("body",), body, False))
    for field_path, text, inline in fields:
        if not isinstance(text, str) or _depth_bound(text) <= limits.max_markdown_nesting:
            continue
        from .markdown import too_deep

        message = too_deep(text, inline=inline, max_nesting=limits.max_markdown_nesting)
        if message:
            yield document.problem(field_path, message)


_CONTAINER_PREFIX = re.compile(r"^[ \t>*+\-.)0-9]*", re.MULTILINE)
_INLINE_OPENERS = re.compile(r"[*_\[]")


def _depth_bound(text: str) -> int:
    """At least the Markdown depth of ``text``, computed without parsing.

    Each container (quote, list item) needs at least one character of a
    line's leading prefix of markers and indentation for each of its (at most
    two) levels; a paragraph and its text add two; each inline nesting level
    needs an opening delimiter.
    """
    prefix = max(
        (len(m.group().expandtabs(4)) for m in _CONTAINER_PREFIX.finditer(text)), default=0
    )
    return 2 * prefix + 4 + len(_INLINE_OPENERS.findall(text))


def _release_language(data: dict[str, Any], organisation: LoadedOrganisation | None) -> str | None:
    """The release's language as written, else its organisation's; None when neither is known."""
    language = data.get("language")
    if isinstance(language, str):
        return language
    return organisation.profile.language if organisation else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _field(value: Any, name: str) -> str | None:
    found = value.get(name) if isinstance(value, dict) else None
    return found if isinstance(found, str) else None


def _aware_datetime(value: Any) -> datetime | None:
    try:
        return _AWARE.validate_python(value)
    except ValidationError:
        return None


_AWARE: TypeAdapter[datetime] = TypeAdapter(AwareDatetime)


def _duplicate_ids(document: Document, field: str, ids: list[str | None]) -> Iterator[Problem]:
    """Each repeat of an id, at the repeat, naming where the id was first given."""
    first: dict[str, int] = {}
    for index, ident in enumerate(ids):
        if ident is None:
            continue
        if ident not in first:
            first[ident] = index
            continue
        earlier = (field, first[ident], "id")
        line, _ = document.positions.get(earlier, (1, 1))
        yield document.problem(
            (field, index, "id"),
            f"id '{ident}' is used more than once: {format_field_path(earlier[:2])} "
            f"(line {line}) has it too",
        )


def validate_files(
    files: Iterable[Path], workspace: Workspace, *, checks: Sequence[ReleaseCheck] = ()
) -> tuple[int, list[Problem]]:
    """Validate every file; the number that are valid and every problem found."""
    valid = 0
    problems: list[Problem] = []
    memo: dict[Any, Any] = {}
    for path in files:
        try:
            load_release(path, workspace, checks=checks, memo=memo)
        except ProblemsFound as exc:
            problems.extend(exc.problems)
            continue
        valid += 1
    # An invalid organisation is reported once, not once per release that uses it;
    # dict.fromkeys keeps the first of each in order, in one pass.
    return valid, list(dict.fromkeys(problems))


def check_unique_stems(files: Iterable[Path]) -> None:
    """Two releases named alike in different folders would overwrite each other's outputs."""
    seen: dict[str, Path] = {}
    for path in files:
        other = seen.setdefault(path.stem, path)
        if other != path:
            raise UsageProblem(f"{other} and {path} would both render to {path.stem}.*; rename one")
