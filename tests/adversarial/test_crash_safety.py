"""Crash safety: a build killed at any moment, or stopped by a full disk, never loses a good output.

The CLI is driven as a user would drive it (``presser build`` in a
subprocess), so whatever the build does inside -- worker processes, an
incremental cache in the output folder -- is covered as it ships.

- Killed with SIGKILL (the whole process group, as a power cut would) at
  random moments, several times, while the releases alternate between two
  versions: each file in the output folder is then absent, a complete old
  version or a complete new version, never a mixture or a torso; the next
  run leaves no temporary file and completes the set.
- Writing into a file-size limit (RLIMIT_FSIZE, with SIGXFSZ ignored so the
  write fails with EFBIG) or onto a full file system (a small tmpfs; skipped
  when mounting is not permitted) ends with exit 1, a message naming the
  file, and the previous output in place.

Set CRASH_SAFETY_SEED to replay a failing run's kill times.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from presser.writing import TEMP_PREFIX

from ..conftest import ORGANISATION_YAML, REPO

RELEASES = 50
KILLS = 5
CACHE_NAME = ".presser-cache.json"


def release_text(number: int, version: str, paragraphs: int = 1) -> str:
    body = "".join(
        f"  - Stycke {p} i release {number}, version {version}, med lite mer text.\n"
        for p in range(paragraphs + number % 2)
    )
    return (
        "organisation: exempel\n"
        f"headline: Release {number}, version {version}\n"
        "published: 2026-03-02T10:00:00+01:00\n"
        f"lead: Ingress {number}.\n"
        f"body:\n{body}"
        "contacts:\n  - name: Anna Berg\n    email: anna.berg@exempel.se\n"
    )


def make_workspace(root: Path, count: int) -> Path:
    (root / "templates" / "exempel").mkdir(parents=True)
    (root / "templates" / "exempel" / "organisation.yaml").write_text(ORGANISATION_YAML, "utf-8")
    (root / "releases").mkdir()
    set_version(root, count, "A")
    return root


def set_version(root: Path, count: int, version: str) -> None:
    for number in range(count):
        path = root / "releases" / f"r{number:02d}.yaml"
        path.write_text(release_text(number, version), encoding="utf-8")


def build(root: Path, out: Path, *extra: str, **popen: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "presser", "build", "--out", str(out), *extra],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,  # type: ignore[arg-type]
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out + err


def is_temporary(path: Path) -> bool:
    return path.name.startswith(TEMP_PREFIX) and path.name != CACHE_NAME


def outputs(out: Path) -> dict[str, bytes]:
    """The files in the output folder by name, the build's cache included; no temporaries."""
    return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not is_temporary(p)}


def temporaries(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if is_temporary(p))


def writing_started(out: Path, since: float) -> bool:
    """Whether a file other than the cache was created or replaced in ``out`` since ``since``."""
    for entry in os.scandir(out):
        with contextlib.suppress(FileNotFoundError):  # a temporary renamed meanwhile
            if entry.name != CACHE_NAME and entry.stat().st_mtime >= since:
                return True
    return False


def group_is_gone(group: int) -> bool:
    """True once no process of the group runs any more (zombies count as gone)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group and fields[0] != "Z":
                return False
    return True


def kill_group(process: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    deadline = time.monotonic() + 10
    while not group_is_gone(process.pid):
        assert time.monotonic() < deadline, "the build's processes outlived SIGKILL"
        time.sleep(0.02)


def assert_whole(name: str, data: bytes) -> None:
    """The format-level check, independent of the reference bytes."""
    if name.endswith(".pdf"):
        assert data.rstrip().endswith(b"%%EOF"), name
        assert len(PdfReader(io.BytesIO(data)).pages) >= 1, name
    elif name.endswith(".html"):
        assert data.rstrip().endswith(b"</html>"), name
    elif name.endswith(".txt"):
        assert data.endswith(b"\n") and b"Anna Berg" in data, name
    elif name == CACHE_NAME:
        json.loads(data)  # written atomically: always whole JSON


@pytest.mark.skipif(sys.platform != "linux", reason="process groups and /proc: Linux")
def test_sigkill_at_random_moments_never_leaves_a_torn_output(tmp_path: Path) -> None:
    seed = int(os.environ.get("CRASH_SAFETY_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    root = make_workspace(tmp_path / "ws", RELEASES)
    out = tmp_path / "build"

    started = time.monotonic()
    code, log = finish(build(root, out))
    full = time.monotonic() - started
    assert code == 0, log
    version_a = outputs(out)
    assert len([n for n in version_a if n != CACHE_NAME]) == 3 * RELEASES

    snapshots: list[tuple[float, dict[str, bytes]]] = []
    versions = ["B", "A"] * KILLS
    survived = 0
    for round_ in range(KILLS):
        set_version(root, RELEASES, versions[round_])
        began = time.time()
        # --force: every release is rendered again, so each run has a full set to write when
        # it is killed; the last run below is incremental, from what the killed runs left.
        process = build(root, out, "--force", start_new_session=True)
        # Start the clock at the first write of this run (before it, a kill only hits imports
        # and validation), then kill at a random moment while outputs are being replaced.
        while process.poll() is None and not writing_started(out, began):
            time.sleep(0.005)
        moment = rng.uniform(0, full / 2)
        try:
            process.wait(timeout=moment)
        except subprocess.TimeoutExpired:
            kill_group(process)
            survived += 1
        else:
            process.communicate()
        snapshots.append((moment, outputs(out)))

    # The next run completes the set and leaves no temporary file behind.
    set_version(root, RELEASES, "B")
    code, log = finish(build(root, out))
    assert code == 0, log
    assert temporaries(out) == [], f"seed {seed}"
    final = outputs(out)
    assert set(final) == set(version_a)

    # An independent, complete build of version B: the reference for "new complete version".
    reference = tmp_path / "reference"
    code, log = finish(build(root, reference, "--force"))
    assert code == 0, log
    version_b = outputs(reference)
    for name in version_b:
        if name != CACHE_NAME:
            assert final[name] == version_b[name], f"{name} differs from a clean build"

    for moment, snapshot in snapshots:
        for name, data in snapshot.items():
            assert_whole(name, data)
            if name != CACHE_NAME:
                assert data in (version_a[name], version_b[name]), (
                    f"{name} after a kill {moment:.2f} s into writing is neither version "
                    f"(seed {seed})"
                )
    assert survived > KILLS // 2, f"only {survived} of {KILLS} runs were killed mid-way"
    print(f"crash safety: {survived} SIGKILLs survived, seed {seed}")


def limited_file_size(limit: int) -> None:
    # In the child, before exec: SIGXFSZ ignored, so an over-limit write fails with EFBIG.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def grow_one_release(root: Path) -> None:
    """Release 1 becomes several pages long: its PDF outgrows the limits below."""
    (root / "releases" / "r01.yaml").write_text(release_text(1, "B", 60), encoding="utf-8")


def assert_kept(before: dict[str, bytes], out: Path, log: str, code: int, failed: str) -> None:
    assert code == 1, log
    assert failed in log and "Traceback" not in log, log
    after = outputs(out)
    assert after[failed] == before[failed]  # the previous output, untouched
    for name, data in after.items():
        assert_whole(name, data)
    assert temporaries(out) == []


def test_a_file_size_limit_gives_a_clean_error_and_keeps_the_output(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws", 3)
    out = tmp_path / "build"
    code, log = finish(build(root, out))
    assert code == 0, log
    before = outputs(out)
    limit = max(len(data) for data in before.values()) + 4096
    grow_one_release(root)
    code, log = finish(build(root, out, preexec_fn=lambda: limited_file_size(limit)))
    assert_kept(before, out, log, code, "r01.pdf")
    assert "File too large" in log


@contextlib.contextmanager
def small_tmpfs(mountpoint: Path, size: str) -> Iterator[Path]:
    mountpoint.mkdir()
    if not shutil.which("mount") or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root and mount(8)")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mountpoint)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {done.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def fill(folder: Path) -> None:
    """Fill the file system: a file grown until the disk is full."""
    with (folder / "filler").open("wb", buffering=0) as stream:
        chunk = b"\0" * 4096
        with contextlib.suppress(OSError):
            while True:
                stream.write(chunk)


def test_a_full_disk_gives_a_clean_error_and_keeps_the_output(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws", 3)
    with small_tmpfs(tmp_path / "disk", "2m") as disk:
        out = disk / "build"
        code, log = finish(build(root, out))
        assert code == 0, log
        before = outputs(out)
        grow_one_release(root)
        fill(disk)
        code, log = finish(build(root, out))
        assert code == 1, log
        assert "No space left on device" in log and "Traceback" not in log, log
        after = outputs(out)
        for name, data in after.items():
            assert_whole(name, data)
            if name != CACHE_NAME:
                assert data == before[name] or name.startswith("r01."), name
        assert after["r01.pdf"] == before["r01.pdf"]
        assert temporaries(out) == []
        # With room again, the next run completes the set.
        (disk / "filler").unlink()
        code, log = finish(build(root, out))
        assert code == 0, log
        assert outputs(out)["r01.pdf"] != before["r01.pdf"]


def test_only_temporaries_of_finished_writers_are_removed(tmp_path: Path) -> None:
    from presser.writing import remove_stale_temporaries, write_atomic

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    gone = int(dead.stdout)
    names = {
        f".presser-{gone}-abc123.tmp": False,  # its writer is gone: removed
        f".presser-{os.getpid()}-abc123.tmp": True,  # this process is writing it: kept
        f".presser-{os.getppid()}-abc123.tmp": True,  # another live process: kept
        ".presser-abc123.tmp": True,  # not an output temporary (no process id): kept
        CACHE_NAME: True,
        "r00.pdf": True,
    }
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    removed = remove_stale_temporaries(tmp_path)
    assert [p.name for p in removed] == [f".presser-{gone}-abc123.tmp"]
    assert {p.name for p in tmp_path.iterdir()} == {n for n, kept in names.items() if kept}
    # write_atomic sweeps a folder before its first write there.
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / f".presser-{gone}-zzz.tmp").write_bytes(b"torn")
    write_atomic(tmp_path / "out" / "r.txt", b"whole\n")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["r.txt"]
