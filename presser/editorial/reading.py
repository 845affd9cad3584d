"""Reading releases as every command reads them: valid, and a published one still as it went out.

:mod:`presser.source.validation` reads and checks a release on its own; here
the freeze is added (:func:`presser.editorial.manifest.frozen_problems`: a
published release must still match its manifest), so that ``validate``,
``lint``, ``status``, ``build``, ``render``, ``submit`` and ``publish`` all
report a change after publishing alike. Only ``presser correct``, the way out
of the freeze, reads a release with ``frozen=False``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import Problem, ProblemsFound
from ..source import validation
from ..source.validation import LoadedRelease, ReleaseCheck
from ..source.workspace import Workspace


def frozen_problems(loaded: LoadedRelease) -> list[Problem]:
    """:func:`presser.editorial.manifest.frozen_problems`, when there is a manifest to check.

    Nearly every release read is a draft, or published with no manifest (the
    transcribed releases); for those the manifest module (pydantic models, the
    digests) is not even imported, which ``presser validate`` notices.
    """
    if loaded.release.status != "published" or not _manifest_file(loaded).is_file():
        return []
    from . import manifest

    return manifest.frozen_problems(loaded)


def _manifest_file(loaded: LoadedRelease) -> Path:
    """``published/<stem>/v<N>/manifest.json``, as :mod:`.manifest` has it (a test holds it so)."""
    version = f"v{loaded.release.version}"
    return loaded.workspace.published_dir / loaded.stem / version / "manifest.json"


#: What the editorial layer checks of every release it reads.
FREEZE: tuple[ReleaseCheck, ...] = (frozen_problems,)


def load_release(
    path: Path,
    workspace: Workspace,
    *,
    frozen: bool = True,
    memo: dict[Any, Any] | None = None,
) -> LoadedRelease:
    """Read, parse and validate one release, a published one against its manifest too.
    ``memo``: one dict for a run over many releases (see the validation's)."""
    return validation.load_release(path, workspace, checks=FREEZE if frozen else (), memo=memo)


def validate_files(files: Iterable[Path], workspace: Workspace) -> tuple[int, list[Problem]]:
    """Validate every file, each published one against its manifest; as
    :func:`presser.source.validation.validate_files`."""
    return validation.validate_files(files, workspace, checks=FREEZE)


def load_all(files: Iterable[Path], workspace: Workspace) -> list[LoadedRelease]:
    """Load every release; raise one :class:`ProblemsFound` with the problems of all.

    Two releases that would render to the same names are refused after that.
    """
    loaded: list[LoadedRelease] = []
    problems: list[Problem] = []
    memo: dict[Any, Any] = {}
    for path in files:
        try:
            loaded.append(load_release(path, workspace, memo=memo))
        except ProblemsFound as exc:
            problems.extend(exc.problems)
    if problems:
        raise ProblemsFound(dict.fromkeys(problems))  # each once, in order
    validation.check_unique_stems(release.path for release in loaded)
    return loaded
