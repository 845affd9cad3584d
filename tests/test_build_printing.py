"""``presser build --jobs 2`` with PDFs: this process renders, the workers lay out.

Each release's page, text and PDF job are made in the build's own process
(``presser.build.task.prepare``), ahead of the workers, which are forked from
one import of WeasyPrint (the zygote), lay out the PDF and write the outputs
(``print_one``). These tests hold what that split must not change: the bytes,
a dead worker failing only its release, the time limit on a layout, a
release that makes no PDF, and a stop while the zygote still imports.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import presser.build.pool
import presser.build.run
import presser.build.task
from presser.build.cache import CACHE_NAME
from presser.cli import cli

from .conftest import ORGANISATION_YAML, RELEASE_YAML, MakeWorkspace

STEMS = {"a1", "a2", "a3", "b1"}


@pytest.fixture
def workspace(
    make_workspace: MakeWorkspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Two organisations, four releases; presser's own digest pinned (see test_build.py)."""
    make_workspace(
        releases={
            "a1.yaml": RELEASE_YAML,
            "a2.yaml": RELEASE_YAML.replace("En rubrik", "En annan rubrik"),
            "a3.yaml": RELEASE_YAML.replace("En rubrik", "En tredje rubrik"),
            "b1.yaml": RELEASE_YAML.replace("organisation: exempel", "organisation: andra"),
        },
        organisations={
            "exempel": ORGANISATION_YAML,
            "andra": ORGANISATION_YAML.replace("Exempelkommunen", "Andra kommunen"),
        },
    )
    monkeypatch.setattr(presser.build.run, "presser_digest", lambda workspace: "pinned")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["build", *args])


def rendered(result: Result) -> set[str]:
    return {
        Path(line.split(" -> ")[0]).stem for line in result.output.splitlines() if " -> " in line
    }


def test_the_bytes_and_the_cache_are_those_of_a_one_worker_build(workspace: Path) -> None:
    one = invoke("--jobs", "1")
    out = workspace / "build"
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    assert len(first) == 13  # three outputs each and the cache
    two = invoke("--jobs", "2", "--force", "--timeline")
    assert one.exit_code == two.exit_code == 0, two.output
    assert rendered(one) == rendered(two) == STEMS
    # The same files, byte for byte, and the same cache: inputs, reads (made in this
    # process either way) and outputs.
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first
    workers = [line for line in two.stderr.splitlines() if line.startswith("worker ")]
    assert len(workers) == 2 and all("started" in line for line in workers)
    assert invoke("--jobs", "2").output.startswith("Nothing to render: 4")
    assert CACHE_NAME in first


def test_a_worker_that_dies_laying_out_fails_only_its_release(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    print_one = presser.build.task.print_one

    def crash_on_a2(task: presser.build.task.PrintTask, out_dir: Path) -> object:
        if task.path.stem == "a2":
            os._exit(3)  # as a crash inside Pango or the out-of-memory killer would
        return print_one(task, out_dir)

    # The workers are forked from this process, so they run the patched function.
    monkeypatch.setattr(presser.build.pool, "print_one", crash_on_a2)
    result = invoke("--jobs", "2")
    assert result.exit_code == 1
    assert rendered(result) == STEMS - {"a2"}
    assert "a2.yaml: the worker rendering it stopped (exit code 3)" in result.output
    assert "Traceback" not in result.output
    assert not (workspace / "build" / "a2.pdf").exists()
    monkeypatch.setattr(presser.build.pool, "print_one", print_one)
    assert rendered(invoke("--jobs", "2")) == {"a2"}


def test_a_layout_past_the_time_limit_is_stopped_and_its_worker_replaced(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workspace / "presser.yaml").write_text(
        "limits:\n  render_timeout_seconds: 3\n", encoding="utf-8"
    )
    print_one = presser.build.task.print_one

    def stall_on_a1(task: presser.build.task.PrintTask, out_dir: Path) -> object:
        if task.path.stem == "a1":
            time.sleep(60)  # one layout that never ends
        return print_one(task, out_dir)

    monkeypatch.setattr(presser.build.pool, "print_one", stall_on_a1)
    started = time.monotonic()
    result = invoke("--jobs", "2")
    assert time.monotonic() - started < 30
    assert result.exit_code == 1, result.output
    assert (
        "a1.yaml: rendering releases/a1.yaml took longer than the limit of 3 s "
        "(render_timeout_seconds); it was stopped and none of its outputs was written"
    ) in result.output
    # The other three were laid out, by the worker left and the one started in its place.
    assert rendered(result) == STEMS - {"a1"}
    out = workspace / "build"
    assert not (out / "a1.html").exists() and not (out / "a1.pdf").exists()
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


def test_a_release_whose_organisation_makes_no_pdf_is_rendered_here(
    workspace: Path,
) -> None:
    profile = workspace / "templates" / "andra" / "organisation.yaml"
    profile.write_text(
        profile.read_text(encoding="utf-8") + "formats: [html, txt]\n", encoding="utf-8"
    )
    result = invoke("--jobs", "2", "--timeline")
    assert result.exit_code == 0, result.output
    assert rendered(result) == STEMS
    out = workspace / "build"
    assert (out / "b1.html").exists() and (out / "b1.txt").exists()
    assert not (out / "b1.pdf").exists()
    assert (out / "a1.pdf").read_bytes().startswith(b"%PDF-")
    names = [line.split(":")[0] for line in result.stderr.splitlines()[1:]]
    assert names == ["worker 1", "worker 2", "this process"], result.stderr
    assert result.stderr.splitlines()[-1].endswith(", 1 releases")


def test_workers_stopped_while_the_zygote_imports_stop_at_once(workspace: Path) -> None:
    from presser.build.pool import WorkerPool
    from presser.render.pipeline import RenderOptions

    pool = WorkerPool(2, workspace, workspace / "build", RenderOptions(), "sha", prints=True)
    assert pool.zygote is not None
    started = time.monotonic()
    pool.terminate()  # as Ctrl-C at once would: WeasyPrint is still being imported
    assert time.monotonic() - started < 3
    assert not pool.zygote.process.is_alive()
    assert not any(w.process.is_alive() for w in pool.workers)
