"""Writing outputs: atomically, and never over a source.

An output is written to a temporary file in the same folder, flushed to
disk and renamed over the target, so a reader (or a crash) sees either the
previous complete file or the new complete file, never half of one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import UsageProblem, WriteError
from .workspace import Workspace

TEMP_PREFIX = ".presser-"


def check_output_folder(out_dir: Path, workspace: Workspace) -> None:
    """Refuse an output folder that is, or is inside, the releases or templates folders."""
    target = out_dir.resolve()
    for protected in (workspace.releases_dir, workspace.templates_dir):
        guarded = protected.resolve()
        if target == guarded or target.is_relative_to(guarded):
            raise UsageProblem(
                f"the output folder {out_dir} is inside {protected.name}/; "
                "outputs never go among sources (use --out build)"
            )


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` via a temporary file and a rename."""
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=folder)
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
