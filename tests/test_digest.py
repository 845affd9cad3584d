"""The read log: a render records exactly the files it read, by their place on the search path."""

from __future__ import annotations

from presser.digest import Read, ReadLog, TemplateFiles, recording
from presser.render.pipeline import RenderOptions, render_outputs
from presser.source.validation import load_release

from .conftest import RELEASE_YAML, MakeWorkspace

HTML_ONLY = RenderOptions(formats=("html",))


def _render_log(workspace_root_make: MakeWorkspace) -> tuple[ReadLog, ReadLog]:
    workspace = workspace_root_make(releases={"x.yaml": RELEASE_YAML})
    loaded = load_release(workspace.releases_dir / "x.yaml", workspace)
    with recording() as first:
        render_outputs(loaded, workspace.root / "build", HTML_ONLY)
    with recording() as second:  # templates now come from Jinja's cache
        render_outputs(loaded, workspace.root / "build", HTML_ONLY)
    return first, second


def test_a_render_records_its_templates_and_stylesheets(make_workspace: MakeWorkspace) -> None:
    first, second = _render_log(make_workspace)
    assert first.reads["template:release.html.j2"].where is not None
    assert first.reads["defaults:style.css"].sha256 is not None
    assert first.reads["own:style.css"] == Read(None, None)  # looked for, not there
    assert first.as_json() == second.as_json()  # a cached template is recorded again


def test_a_recorded_lookup_is_found_again_until_a_file_shadows_it(
    make_workspace: MakeWorkspace,
) -> None:
    workspace = make_workspace(releases={"x.yaml": RELEASE_YAML})
    loaded = load_release(workspace.releases_dir / "x.yaml", workspace)
    with recording() as log:
        render_outputs(loaded, workspace.root / "build", HTML_ONLY)
    files = TemplateFiles(workspace.template_search_path("exempel"))
    assert files.changed(log) == []
    (workspace.templates_dir / "exempel" / "style.css").write_text("h1 { color: red }")
    assert files.changed(log) == ["own:style.css"]


def test_the_log_names_no_absolute_path(make_workspace: MakeWorkspace) -> None:
    first, _ = _render_log(make_workspace)
    assert all(r.where is None or not r.where.startswith("/") for r in first.reads.values())
    assert ReadLog.from_json(first.as_json()).as_json() == first.as_json()
