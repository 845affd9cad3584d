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

from ..errors import Problem, ProblemsFound
from ..source import validation
from ..source.validation import LoadedRelease, ReleaseCheck
from ..source.workspace import Workspace
from .manifest import frozen_problems

#: What the editorial layer checks of every release it reads.
FREEZE: tuple[ReleaseCheck, ...] = (frozen_problems,)


def load_release(path: Path, workspace: Workspace, *, frozen: bool = True) -> LoadedRelease:
    """Read, parse and validate one release, a published one against its manifest too."""
    return validation.load_release(path, workspace, checks=FREEZE if frozen else ())


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
    for path in files:
        try:
            loaded.append(load_release(path, workspace))
        except ProblemsFound as exc:
            problems.extend(exc.problems)
    if problems:
        raise ProblemsFound(dict.fromkeys(problems))  # each once, in order
    validation.check_unique_stems(release.path for release in loaded)
    return loaded
