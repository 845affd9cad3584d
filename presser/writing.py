"""Writing outputs: atomically, and never over a source.

An output is written to a temporary file in the same folder, flushed to
disk and renamed over the target, so a reader (or a crash) sees either the
previous complete file or the new complete file, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import UsageProblem, WriteError
from .workspace import Workspace

TEMP_PREFIX = ".presser-"
# Output temporaries carry their writer's process id: ".presser-<pid>-<random>.tmp".
_OUTPUT_TEMPORARY = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)-[^-]*\.tmp")
_swept: set[Path] = set()


def check_output_folder(out_dir: Path, workspace: Workspace, sources: Iterable[Path] = ()) -> None:
    """Refuse an output folder among the sources, links followed.

    That is: the releases or templates folders or any folder inside them, and
    the folder of any release being rendered (a draft kept elsewhere), where
    an output could replace a source or be taken for one.
    """
    target = out_dir.resolve()
    for protected in (workspace.releases_dir, workspace.templates_dir):
        guarded = protected.resolve()
        if target == guarded or target.is_relative_to(guarded):
            raise UsageProblem(
                f"the output folder {out_dir} is inside {protected.name}/; "
                "outputs never go among sources (use --out build)"
            )
    for source in sources:
        if source.resolve().parent == target:
            raise UsageProblem(
                f"the output folder {out_dir} holds the release {source.name}; "
                "outputs never go among sources (use --out build)"
            )


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` via a temporary file and a rename."""
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if folder not in _swept:
            remove_stale_temporaries(folder)
            _swept.add(folder)
        handle, temporary = tempfile.mkstemp(
            prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".tmp", dir=folder
        )
    except OSError as exc:
        raise WriteError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise WriteError(f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete output temporaries left in ``folder`` by writers that no longer run.

    A writer killed between creating its temporary file and renaming it (power
    loss, SIGKILL, the OOM killer) leaves the file behind; the previous output
    is intact beside it. Each temporary names its process, so only those of
    processes that are gone are removed, never one another build is writing
    now. Called once per folder per process, before the first write into it.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _OUTPUT_TEMPORARY.fullmatch(entry.name)
        if match and entry.is_file(follow_symlinks=False) and not _running(int(match[1])):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # exists under another user; or an impossible id, left alone
    return True
