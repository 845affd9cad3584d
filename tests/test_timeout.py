"""render_timeout_seconds: a runaway render stops cleanly, names the release, writes nothing."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time

import pytest

from presser.render.pipeline import RenderOptions, render_outputs, render_release
from presser.render.timeout import RenderTimeout, call_with_time_limit
from presser.source.validation import load_release
from presser.source.workspace import Workspace

from .conftest import REPO, MakeWorkspace

PARAGRAPH = "Ett stycke med ganska många ord som ska brytas över flera rader i dokumentet. " * 8
# About a second of WeasyPrint layout: heavy enough to be stopped mid-way by a small limit.
HEAVY = (
    "organisation: exempel\nheadline: En tung release\n"
    "published: 2026-03-02T10:00:00+01:00\nlead: Ingress.\nbody:\n"
    + "".join(f"  - |\n    {PARAGRAPH}\n" for _ in range(150))
    + "contacts:\n  - name: Anna Berg\n    email: anna.berg@exempel.se\n"
)


def spin(seconds: float) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return "done"


def test_work_within_the_limit_returns_its_value() -> None:
    assert call_with_time_limit(5, "x", lambda: spin(0.01)) == "done"
    assert call_with_time_limit(0, "x", lambda: spin(0.01)) == "done"  # 0: no limit
    assert call_with_time_limit(float("inf"), "x", lambda: spin(0.01)) == "done"
    assert call_with_time_limit(1e20, "x", lambda: spin(0.01)) == "done"  # past TIMEOUT_MAX


def test_runaway_work_is_stopped_near_the_limit() -> None:
    started = time.monotonic()
    with pytest.raises(RenderTimeout, match=r"rendering r\.yaml took longer than .* 0\.1 s"):
        call_with_time_limit(0.1, "r.yaml", lambda: spin(30))
    assert time.monotonic() - started < 1.0


def test_a_broad_except_in_the_renderer_cannot_swallow_the_timeout() -> None:
    swallowed: list[Exception] = []

    def stubborn() -> str:
        for _ in range(300):
            try:
                spin(0.01)
            except Exception as exc:  # what WeasyPrint does around images
                swallowed.append(exc)
        return "not stopped"

    with pytest.raises(RenderTimeout):
        call_with_time_limit(0.1, "r.yaml", stubborn)
    assert not swallowed


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_firing_swallowed_by_a_finaliser_is_repeated() -> None:
    class Finalised:
        def __del__(self) -> None:
            spin(0.3)  # the deadline passes in here, where Python ignores exceptions

    def work() -> str:
        Finalised()  # finalised at once, by reference counting
        return spin(3)

    started = time.monotonic()
    with pytest.raises(RenderTimeout):
        call_with_time_limit(0.1, "x", work)
    assert time.monotonic() - started < 1.5


def test_nothing_is_left_pending_when_work_ends_at_the_limit() -> None:
    # Work that ends right about when the watchdog fires, many times: the exception
    # either stops the work or is cleared; it never surfaces later.
    outcomes = {"finished": 0, "stopped": 0}
    for _ in range(200):
        try:
            call_with_time_limit(0.002, "r.yaml", lambda: spin(0.002))
            outcomes["finished"] += 1
        except RenderTimeout:
            outcomes["stopped"] += 1
        spin(0.003)  # a late exception would be raised here, outside any handler
    assert sum(outcomes.values()) == 200


def heavy_workspace(make_workspace: MakeWorkspace, timeout: float | None) -> Workspace:
    workspace = make_workspace(releases={"heavy.yaml": HEAVY})
    if timeout is not None:
        (workspace.root / "presser.yaml").write_text(
            f"limits:\n  render_timeout_seconds: {timeout}\n", encoding="utf-8"
        )
    return workspace


def test_a_heavy_release_is_stopped_and_writes_nothing(make_workspace: MakeWorkspace) -> None:
    workspace = heavy_workspace(make_workspace, 0.2)
    loaded = load_release(workspace.releases_dir / "heavy.yaml", workspace)
    out = workspace.root / "build"
    started = time.monotonic()
    with pytest.raises(RenderTimeout, match=r"rendering .*heavy\.yaml took longer than .* 0\.2 s"):
        render_release(loaded, out, RenderOptions())
    assert time.monotonic() - started < 1.5
    assert not out.exists() or not list(out.iterdir())
    # WeasyPrint is left usable, and presser's log capture was undone.
    logger = logging.getLogger("weasyprint")
    assert logger.propagate and not [h for h in logger.handlers if type(h).__name__ == "Collect"]
    (workspace.root / "presser.yaml").unlink()
    fresh = Workspace(workspace.root)
    outputs = render_outputs(
        load_release(workspace.releases_dir / "heavy.yaml", fresh), out, RenderOptions()
    )
    assert outputs["pdf"].startswith(b"%PDF")


def test_build_reports_the_timeout_and_keeps_previous_outputs(
    make_workspace: MakeWorkspace,
) -> None:
    workspace = heavy_workspace(make_workspace, None)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "presser", "build"]
    first = subprocess.run(command, cwd=workspace.root, env=env, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    # Outputs only: the build's own bookkeeping (a dot-file cache) may change.
    before = {
        p.name: p.read_bytes()
        for p in (workspace.root / "build").iterdir()
        if not p.name.startswith(".")
    }
    assert sorted(before) == ["heavy.html", "heavy.pdf", "heavy.txt"]

    (workspace.root / "presser.yaml").write_text(
        "limits:\n  render_timeout_seconds: 0.2\n", encoding="utf-8"
    )
    (workspace.releases_dir / "heavy.yaml").write_text(
        HEAVY.replace("En tung release", "En ändrad release"), encoding="utf-8"
    )
    second = subprocess.run(command, cwd=workspace.root, env=env, capture_output=True, text=True)
    assert second.returncode == 1
    assert "heavy.yaml took longer than the limit of 0.2 s" in second.stderr
    assert "Traceback" not in second.stderr
    after = {p.name: p.read_bytes() for p in (workspace.root / "build").iterdir()}
    assert {k: v for k, v in after.items() if not k.startswith(".")} == before


def test_a_render_under_a_profiler_is_not_held_up() -> None:
    """With no time-out, nothing is raised or cleared in the rendering thread: a clearing
    call when nothing was pending hung the thread under cProfile (CPython 3.11)."""
    code = (
        "import cProfile\n"
        "from presser.render.timeout import call_with_time_limit\n"
        "profile = cProfile.Profile()\n"
        "profile.enable()\n"
        "print(sum(call_with_time_limit(10, 'x', lambda: 1) for _ in range(3)))\n"
        "profile.disable()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.stdout.strip() == "3", done.stderr
