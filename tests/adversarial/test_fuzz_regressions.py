"""The fuzzer's findings, replayed for ever; and a short fuzzing run in every test run.

Every file in ``fuzz-regressions/`` (except its README) is an input that once
crashed presser; each is fed to the harness's own :func:`check`, which
accepts a valid release rendered in every wire style or a clean, positioned
refusal, and nothing else. The bounded run fuzzes for FUZZ_TEST_SECONDS
(default 20) in a subprocess, exactly as ``make fuzz`` does; any crash it
finds is copied into ``fuzz-regressions/`` so it is never lost.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

from ..conftest import REPO

HARNESS = REPO / "fuzz" / "fuzz_release.py"
REGRESSIONS = Path(__file__).parent / "fuzz-regressions"
FINDINGS = sorted(p for p in REGRESSIONS.iterdir() if p.is_file() and p.name != "README.md")


@pytest.fixture(scope="module")
def harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_release", HARNESS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Loaded as without atheris: its import hook would instrument presser modules that the
    # rest of the test session then runs. ``check`` is the same either way.
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "atheris", None)
        spec.loader.exec_module(module)
    assert module.atheris is None
    return module


def test_every_fuzzer_finding_stays_fixed(harness: ModuleType) -> None:
    # One test over the folder (not one per file), so that an empty folder is a pass.
    for finding in FINDINGS:
        started = time.monotonic()
        try:
            harness.check(finding.read_bytes())
        except Exception as exc:
            raise AssertionError(f"{finding.name} crashes presser again: {exc!r}") from exc
        elapsed = time.monotonic() - started
        assert elapsed < 10, f"{finding.name} takes {elapsed:.1f} s (the harness allows 10)"


def test_the_harness_accepts_seeds_and_flags_what_is_not_clean(
    harness: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    for seed in sorted((REPO / "fuzz" / "seeds").iterdir()):
        harness.check(seed.read_bytes())  # valid, or cleanly refused
    harness.check(b"\xff\xfe\x00garbage: [")

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(harness, "load_release", broken)
    with pytest.raises(ValueError, match="a bug"):
        harness.check(b"headline: x\n")


def test_a_short_fuzzing_run_finds_nothing(tmp_path: Path) -> None:
    seconds = os.environ.get("FUZZ_TEST_SECONDS", "20")
    corpus, artifacts = tmp_path / "corpus", tmp_path / "artifacts"
    corpus.mkdir()
    artifacts.mkdir()
    done = subprocess.run(
        [
            sys.executable,
            str(HARNESS),
            f"-max_total_time={seconds}",
            f"-artifact_prefix={artifacts}/",
            "-print_final_stats=1",
            str(corpus),
            str(REPO / "fuzz" / "seeds"),
        ],
        env={**os.environ, "PYTHONPATH": str(REPO), "FUZZ_SECONDS": seconds},
        capture_output=True,
        text=True,
        timeout=float(seconds) + 120,
    )
    found = sorted(artifacts.iterdir())
    for finding in found:  # kept for ever, whatever happens next
        shutil.copy(finding, REGRESSIONS / finding.name)
    assert not found, f"the fuzzer found {[f.name for f in found]}:\n{done.stderr[-3000:]}"
    assert done.returncode == 0, done.stderr[-3000:]
    stats = [line for line in done.stderr.splitlines() if "number_of_executed_units" in line]
    print(*stats, done.stdout.strip(), sep="\n")
