"""The console entry point's quick exit (presser.cli.main): same output, same exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENTRY = "from presser.cli import main; main()"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", ENTRY, *args], cwd=REPO, capture_output=True, text=True, check=False
    )


def test_output_through_a_pipe_is_complete_and_the_exit_code_kept() -> None:
    done = _run("validate", "releases/")
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("valid.\n")
    schema = _run("schema")
    assert schema.returncode == 0 and schema.stdout.rstrip().endswith("}")


def test_usage_errors_and_problems_keep_their_exit_codes() -> None:
    assert _run("no-such-command").returncode == 2
    done = _run("validate", "tests/no-such-release.yaml")
    assert done.returncode in (1, 2) and "no-such-release" in done.stdout + done.stderr
