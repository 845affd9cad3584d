"""One release in several languages: ``translation_of:`` read across the release's folder.

A translation names the release it translates (``translation_of:
2026-03-02-simhall``, the file beside it); the original names nothing. The
language versions of a release are then its original and every release
beside that original naming it, each in a language of its own. Validation
holds a translation to that: the original exists, is the same
organisation's and in another language, is not itself a translation (which
also keeps the names from going round in a circle), and no other release
beside it is already its translation in the same language.

Finding the translations of an original means looking at the other files of
its folder. A file that does not contain the word ``translation_of`` names no
original and is not parsed; what a file says is kept per process by its
size and modification time, so a build of many releases reads each file
once and looks at the folder's entries, not their bytes, after that.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import Problem, ProblemsFound, did_you_mean
from .loading import Document, load_file
from .workspace import UnknownOrganisation, Workspace

FIELD = "translation_of"
_EXTENSIONS = (".yaml", ".yml")


@dataclass(frozen=True)
class LanguageVersion:
    """One language version of a release: another file of the same release's group."""

    stem: str  #: its file name without .yaml
    language: str  #: its language (its own, or its organisation's)
    headline: str  #: its headline
    original: bool  #: whether it is the original the others translate


@dataclass(frozen=True)
class _Said:
    """What one release file says of its organisation, language and original."""

    organisation: str | None
    language: str | None  #: the release's own ``language:``, None when it leaves it out
    translation_of: str | None
    headline: str = ""


#: Per process: a file's (size, modification time) and what it said then.
_SAID: dict[Path, tuple[tuple[int, int], _Said | None]] = {}


def original_name(value: Any) -> str | None:
    """The stem a ``translation_of`` value names (``x`` and ``x.yaml`` alike), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for ext in _EXTENSIONS:
        text = text.removesuffix(ext)
    return text


def _release_files(
    folder: Path, memo: dict[Any, Any] | None = None
) -> dict[str, tuple[Path, tuple[int, int]]]:
    """The folder's release files by stem, with each one's size and modification time.

    ``memo`` keeps the listing for the rest of one run over many releases (a build's
    look at what changed), where the folder is not expected to change meanwhile.
    """
    if memo is not None and ("release files", folder) in memo:
        listed: dict[str, tuple[Path, tuple[int, int]]] = memo["release files", folder]
        return listed
    found: dict[str, tuple[Path, tuple[int, int]]] = {}
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return found
    for entry in entries:
        stem, ext = os.path.splitext(entry.name)
        if ext not in _EXTENSIONS or entry.name.startswith(".") or stem in found:
            continue
        try:
            if not entry.is_file():
                continue
            stat = entry.stat()
        except OSError:
            continue
        found[stem] = (Path(entry.path), (stat.st_size, stat.st_mtime_ns))
    if memo is not None:
        memo["release files", folder] = found
    return found


def records(versions: tuple[LanguageVersion, ...]) -> list[dict[str, Any]]:
    """Language versions as plain data, for the digests that cover them (an approval's
    content hash, a build's inputs)."""
    return [asdict(version) for version in versions]


def release_file(folder: Path, stem: str) -> Path | None:
    """The file of the release ``stem`` in ``folder`` (``.yaml`` or ``.yml``), or None."""
    found = _release_files(folder).get(stem)
    return found[0] if found else None


def _said(path: Path, signature: tuple[int, int], workspace: Workspace, *, parse: bool) -> _Said:
    """What the file says; only its bytes are looked at unless it names an original or
    ``parse`` asks for its organisation and language too. A file that cannot be read
    or parsed says nothing here (its own validation reports it)."""
    cached = _SAID.get(path)
    if cached is not None and cached[0] == signature and (cached[1] is not None or not parse):
        return cached[1] or _Said(None, None, None)
    nothing = _Said(None, None, None)
    if path.is_symlink() and not workspace.contains(path):
        _SAID[path] = (signature, nothing)  # a link out of the workspace is never read
        return nothing
    try:
        if not parse:
            with path.open("rb") as stream:
                head = stream.read(workspace.limits.max_file_bytes + 1)
            if FIELD.encode() not in head:
                _SAID[path] = (signature, None)  # names no original; not parsed
                return nothing
        data = load_file(path, limits=workspace.limits).data
    except (OSError, ProblemsFound):
        said = nothing
    else:
        if isinstance(data, dict):
            organisation, language = data.get("organisation"), data.get("language")
            headline = data.get("headline")
            said = _Said(
                organisation if isinstance(organisation, str) else None,
                language if isinstance(language, str) else None,
                original_name(data.get(FIELD)),
                " ".join(headline.split()) if isinstance(headline, str) else "",
            )
        else:
            said = nothing
    _SAID[path] = (signature, said)
    return said


def _language(said: _Said, workspace: Workspace) -> str | None:
    """A release's language: its own, or its organisation's; None when neither is known."""
    if said.language:
        return said.language.replace("_", "-")
    if said.organisation is None:
        return None
    try:
        return workspace.organisation(said.organisation).profile.language
    except (UnknownOrganisation, ProblemsFound):  # that file's own problem
        return None


def _same(first: str | None, second: str | None) -> bool:
    """Whether two language tags are the same language tag (``en-GB``, ``en-gb``, ``en_GB``)."""
    if first is None or second is None:
        return False
    return first.replace("_", "-").lower() == second.replace("_", "-").lower()


def _translations_of(
    original: str, files: dict[str, tuple[Path, tuple[int, int]]], workspace: Workspace
) -> dict[str, _Said]:
    """The files beside ``original`` that name it, by stem."""
    found = {}
    for stem, (path, signature) in sorted(files.items()):
        if stem == original:
            continue
        said = _said(path, signature, workspace, parse=False)
        if said.translation_of == original:
            found[stem] = said
    return found


def translation_problems(
    document: Document,
    data: dict[str, Any],
    path: Path,
    organisation: str | None,
    language: str | None,
    workspace: Workspace,
    memo: dict[Any, Any] | None = None,
) -> Iterator[Problem]:
    """What is wrong with the pair a release's ``translation_of`` names, at that field.
    ``memo``: as :func:`_release_files` has it."""
    value = data.get(FIELD)
    name = original_name(value)
    if name is None or any(c in name for c in "/\\") or name.startswith("."):
        return  # the model says what is wrong with the value itself
    at = (FIELD,)
    me = path.stem
    files = _release_files(path.parent, memo)
    if name == me:
        yield document.problem(at, "names this release itself; the original names nothing")
        return
    if name not in files:
        hint = did_you_mean(name, [stem for stem in files if stem != me])
        yield document.problem(at, f"no release {name}.yaml beside this one{hint}")
        return
    if files[name][0].is_symlink() and not workspace.contains(files[name][0]):
        yield document.problem(
            at, f"{name}.yaml leads outside the workspace; presser reads nothing outside"
        )
        return
    original = _said(*files[name], workspace, parse=True)
    if original.translation_of is not None:
        chain, seen = [me, name], {me, name}
        step: str | None = original.translation_of
        while step is not None and step not in seen and step in files:
            chain.append(step)
            seen.add(step)
            step = _said(*files[step], workspace, parse=True).translation_of
        if step is not None and step in seen:
            circle = " → ".join([*chain, step])
            yield document.problem(at, f"the translations go round in a circle: {circle}")
        else:
            yield document.problem(
                at,
                f"{name} is itself a translation (of {original.translation_of}); "
                f"name the original, {original.translation_of}",
            )
        return
    if None not in (original.organisation, organisation) and original.organisation != organisation:
        yield document.problem(
            at,
            f"{name} is a release of {original.organisation}, this one of {organisation}; "
            "a translation is of its own organisation's release",
        )
        return
    original_language = _language(original, workspace)
    if language is not None and _same(original_language, language):
        yield document.problem(
            at, f"{name} is in {language} too; a translation is in another language"
        )
        return
    for stem, other in _translations_of(name, files, workspace).items():
        if stem != me and language is not None and _same(_language(other, workspace), language):
            yield document.problem(
                at,
                f"{stem}.yaml is already the {language} translation of {name}; "
                "one translation per language",
            )


def language_versions(
    path: Path,
    translation_of: str | None,
    language: str,
    workspace: Workspace,
    memo: dict[Any, Any] | None = None,
) -> tuple[LanguageVersion, ...]:
    """The other language versions of a valid release: its original first, then the
    translations by language. A translation beside them that validation would refuse
    (another organisation's, a language taken twice or the original's) is left out.
    ``memo``: as :func:`_release_files` has it."""
    files = _release_files(path.parent, memo)
    me = path.stem
    root = translation_of or me
    if root not in files:
        return ()
    original = _said(*files[root], workspace, parse=True)
    root_language = language if root == me else _language(original, workspace)
    claims: dict[str, list[tuple[str, str, str]]] = {}
    for stem, said in _translations_of(root, files, workspace).items():
        other_language = _language(said, workspace)
        if other_language is None or _same(other_language, root_language):
            continue
        if original.organisation is not None and said.organisation != original.organisation:
            continue
        claims.setdefault(other_language.lower(), []).append((stem, said.headline, other_language))
    versions = [
        LanguageVersion(claimed[0][0], claimed[0][2], claimed[0][1], False)
        for _, claimed in sorted(claims.items())
        if len(claimed) == 1 and claimed[0][0] != me
    ]
    if root != me and root_language is not None:
        versions.insert(0, LanguageVersion(root, root_language, original.headline, True))
    return tuple(versions)
