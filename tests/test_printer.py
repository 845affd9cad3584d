"""The PDF printer process: same bytes as in process, errors and time limits carried back."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from presser.render.pdf import PdfJob, RefusedResource, pdf_job
from presser.render.pipeline import RenderOptions, render_outputs
from presser.render.printer import PdfPrinter, PrinterFailed
from presser.render.timeout import RenderTimeout, call_with_time_limit
from presser.source.validation import LoadedRelease, load_release
from presser.source.workspace import Workspace

from .conftest import RELEASE_YAML, REPO, MakeWorkspace
from .test_timeout import heavy_workspace

PDF_ONLY = RenderOptions(formats=("pdf",))


def test_the_printer_lays_out_the_same_bytes_as_in_process(repo_workspace: Workspace) -> None:
    path = repo_workspace.releases_dir / "2010-01-28-jonkoping-1-4-miljoner.yaml"
    loaded = load_release(path, repo_workspace)
    out = repo_workspace.root / "build"
    in_process = render_outputs(loaded, out, PDF_ONLY)["pdf"]
    with PdfPrinter() as printer:
        first = render_outputs(loaded, out, PDF_ONLY, printer)["pdf"]
        second = render_outputs(loaded, out, PDF_ONLY, printer)["pdf"]  # one printer, many jobs
    assert first == second == in_process


def test_a_refusal_in_the_printer_is_raised_here_as_the_same_error(
    make_workspace: MakeWorkspace,
) -> None:
    workspace = make_workspace(releases={"x.yaml": RELEASE_YAML})
    (workspace.templates_dir / "exempel" / "release.html.j2").write_text(
        '{% extends "default:release.html.j2" %}'
        '{% block masthead %}<img src="file:///etc/passwd">{% endblock %}',
        encoding="utf-8",
    )
    loaded = load_release(workspace.releases_dir / "x.yaml", workspace)
    with PdfPrinter() as printer, pytest.raises(RefusedResource, match="/etc/passwd"):
        render_outputs(loaded, workspace.root / "build", PDF_ONLY, printer)


def test_the_time_limit_stops_the_printer(make_workspace: MakeWorkspace) -> None:
    workspace = heavy_workspace(make_workspace, 0.3)
    loaded = load_release(workspace.releases_dir / "heavy.yaml", workspace)
    printer = PdfPrinter()
    started = time.monotonic()
    with pytest.raises(RenderTimeout, match=r"heavy\.yaml took longer than .* 0\.3 s"):
        render_outputs(loaded, workspace.root / "build", PDF_ONLY, printer)
    assert time.monotonic() - started < 3
    printer.close()


def test_a_printer_stopped_mid_job_by_the_time_limit_is_killed(
    make_workspace: MakeWorkspace,
) -> None:
    workspace = heavy_workspace(make_workspace, 0.3)
    loaded = load_release(workspace.releases_dir / "heavy.yaml", workspace)
    job = _job(loaded, workspace)  # built outside the limit, so the limit falls in the layout
    printer = PdfPrinter()
    with pytest.raises(RenderTimeout):
        call_with_time_limit(0.3, "heavy.yaml", lambda: printer.lay_out(job))
    assert not printer._process.is_alive()  # killed, not left laying out


def test_a_printer_that_dies_is_reported(make_workspace: MakeWorkspace) -> None:
    workspace = make_workspace(releases={"x.yaml": RELEASE_YAML})
    loaded = load_release(workspace.releases_dir / "x.yaml", workspace)
    job = _job(loaded, workspace)
    with PdfPrinter() as printer:
        printer._process.kill()
        printer._process.join()
        with pytest.raises(PrinterFailed, match="PDF printer stopped"):
            printer.lay_out(job)


def _job(loaded: LoadedRelease, workspace: Workspace) -> PdfJob:
    from presser.render.context import build_context
    from presser.render.templating import environment

    out = workspace.root / "build"
    env = environment(workspace.template_search_path(loaded.organisation.slug))
    return pdf_job(
        build_context(loaded, out_dir=out), env, project_root=workspace.root, base_dir=out
    )


def test_render_uses_the_printer_and_writes_the_same_pdf(tmp_path: Path) -> None:
    release = REPO / "releases" / "2010-01-22-skl-30-miljoner.yaml"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "presser", "render", str(release), "--format", "pdf"]
    done = subprocess.run(
        [*command, "--out", str(tmp_path)], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    workspace = Workspace(REPO)
    expected = render_outputs(load_release(release, workspace), tmp_path, PDF_ONLY)["pdf"]
    assert (tmp_path / "2010-01-22-skl-30-miljoner.pdf").read_bytes() == expected
