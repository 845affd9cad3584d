"""Writing files: atomically, and never over a source.

Every file presser writes (outputs, the build cache, a new draft, a release
edited by the workflow or by lint --fix) goes through :func:`write_atomic`: a
temporary file in the same folder, flushed to disk and renamed over the
target, so a reader (or a crash) sees either the previous complete file or
the new complete file, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from pathlib import Path

from .errors import WriteError, safe_line

TEMP_PREFIX = ".presser-"
# Output temporaries carry their writer's process id: ".presser-<pid>-<random>.tmp".
_OUTPUT_TEMPORARY = re.compile(re.escape(TEMP_PREFIX) + r"(\d+)-[^-]*\.tmp")
_swept: set[Path] = set()


class ChangedOnDisk(WriteError):
    """The file changed on disk after presser read it; nothing was written."""


def changed_on_disk_message(display: str) -> str:
    return (
        f"{display} was changed on disk by someone else after presser read it; "
        "nothing was written. Look at the change, then run the command again"
    )


def write_atomic(
    target: Path,
    data: bytes,
    *,
    within: Path | None = None,
    expected: bytes | None = None,
    display: str | None = None,
) -> None:
    """Write ``data`` to ``target`` via a temporary file, fsync and a rename.

    The one writer of the package, for outputs and sources alike:

    - A link is written through to the file it leads to (the link stays a
      link), which must be inside ``within`` (default: the target's own
      folder, so an output link never leads onto a source), else refused.
    - An existing file keeps its mode and, where the process may set it, its
      owner: an edit never makes a private file readable by everyone.
    - With ``expected``, the file must still hold exactly those bytes right
      before the rename, else :class:`ChangedOnDisk` and nothing is written:
      someone else's edit is never overwritten.
    """
    shown = display if display is not None else safe_line(str(target))
    real = _real_target(target, within, shown)
    folder = real.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if folder not in _swept:
            remove_stale_temporaries(folder)
            _swept.add(folder)
        try:
            before: os.stat_result | None = os.stat(real)
        except FileNotFoundError:
            before = None
        handle, temporary = tempfile.mkstemp(
            prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=".tmp", dir=folder
        )
    except OSError as exc:
        raise WriteError(f"cannot write {shown}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if before is None:
            os.chmod(temporary, NEW_FILE_MODE)
        else:
            _keep_owner(temporary, before)
            os.chmod(temporary, stat.S_IMODE(before.st_mode))
        # Compared as late as possible: right before the rename that publishes the new bytes.
        if expected is not None and not _holds(real, expected):
            raise ChangedOnDisk(changed_on_disk_message(shown))
        os.replace(temporary, real)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise WriteError(f"cannot write {shown}: {exc.strerror or exc}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


#: A file presser creates is readable by everyone, as outputs are meant to be.
NEW_FILE_MODE = 0o644


def _real_target(target: Path, within: Path | None, shown: str) -> Path:
    """The file ``target`` stands for, links followed; refused when it leads out of ``within``."""
    real = Path(os.path.realpath(target))
    boundary = Path(os.path.realpath(within if within is not None else target.parent))
    if not real.is_relative_to(boundary):
        raise WriteError(
            f"cannot write {shown}: it is a link to {safe_line(str(real))}, outside "
            f"{safe_line(str(boundary))}; nothing was written"
        )
    return real


def _keep_owner(temporary: str, before: os.stat_result) -> None:
    """Give the new file the old one's owner and group, where this process may (root may)."""
    mine = os.stat(temporary)
    if (mine.st_uid, mine.st_gid) == (before.st_uid, before.st_gid):
        return
    with contextlib.suppress(PermissionError):
        os.chown(temporary, before.st_uid, before.st_gid)


def _holds(path: Path, expected: bytes) -> bool:
    try:
        return path.read_bytes() == expected
    except OSError:
        return False


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
