"""A presser killed outright (SIGKILL, the out-of-memory killer) leaves no process behind.

The PDF printer and the build's workers wait on a pipe from the parent; each
closes the parent's ends the fork copied into it, so the parent's death ends
the pipe and they exit, instead of waiting for ever (and holding the pipes of
whoever started presser, such as cron or CI, open with them).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from .conftest import RELEASE_YAML, REPO, MakeWorkspace

PRINTER = """
import os, signal, sys
from presser.render.printer import PdfPrinter
printer = PdfPrinter()
print(printer._process.pid, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""

POOL = """
import os, signal, sys
from pathlib import Path
from presser.build.pool import WorkerPool
from presser.render.pipeline import RenderOptions
pool = WorkerPool(2, Path.cwd(), Path.cwd() / "build", RenderOptions(), "sha")
print(" ".join(str(w.process.pid) for w in pool.workers), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purpose (it waits only for init to reap it).
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split(") ")[-1][:1] != "Z"


# The PDF workers are forked by the zygote once it has imported WeasyPrint: all three.
PRINTING_POOL = """
import os, signal, sys
from pathlib import Path
from presser.build.pool import WorkerPool
from presser.render.pipeline import RenderOptions
pool = WorkerPool(2, Path.cwd(), Path.cwd() / "build", RenderOptions(), "sha", prints=True)
pids = [pool.zygote.process.pid] + [pool.zygote.pid(n, timeout=60) for n in range(2)]
print(" ".join(str(pid) for pid in pids), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize(
    "code",
    [PRINTER, POOL, PRINTING_POOL],
    ids=["printer", "build-workers", "build-workers-laying-out-pdfs"],
)
def test_the_children_of_a_killed_presser_exit(
    code: str, make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    make_workspace(releases={"r.yaml": RELEASE_YAML})
    killed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert killed.returncode == -9, killed.stderr
    children = [int(pid) for pid in killed.stdout.split()]
    assert children
    deadline = time.monotonic() + 30  # a child may be half-way through importing WeasyPrint
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in children if _alive(pid)]
    for pid in left:
        os.kill(pid, 9)
    assert not left, "children still running after their parent was killed"
