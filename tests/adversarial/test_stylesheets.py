"""An organisation's stylesheet reads the files beside it, and only those, wherever the output goes.

``url(assets/bg.png)`` in ``templates/<org>/style.css`` is
``templates/<org>/assets/bg.png``: the page embeds it as a ``data:`` address,
the PDF is laid out from the bytes read, and the render's read log (what an
approval covers) names it. The output folder plays no part, and nothing
outside the template folders is reachable. An unreadable stylesheet is a
one-line error in every command that renders.
"""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image as PillowImage

from presser.cli import cli
from presser.digest import recording
from presser.errors import TemplateProblem
from presser.render.context import build_context
from presser.render.html import render_html
from presser.render.pdf import RefusedResource, lay_out, pdf_job
from presser.render.templating import environment
from presser.source.validation import load_release
from presser.source.workspace import Workspace

from ..conftest import ORGANISATION_YAML, RELEASE_YAML, MakeWorkspace
from ..workflow_helpers import make_newsroom, run
from .guards import Guard


def png(colour: str, size: tuple[int, int] = (4, 4)) -> bytes:
    out = io.BytesIO()
    PillowImage.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


RED, BLUE = png("red"), png("blue")


def evil(root: Path, css: str) -> Path:
    """A workspace with organisation ``evil``, its style.css ``css`` and a plain release."""
    folder = root / "templates" / "evil"
    folder.mkdir(parents=True)
    (folder / "organisation.yaml").write_text(ORGANISATION_YAML, encoding="utf-8")
    (folder / "style.css").write_text(css, encoding="utf-8")
    (root / "releases").mkdir()
    release = RELEASE_YAML.replace("organisation: exempel", "organisation: evil")
    (root / "releases" / "r.yaml").write_text(release, encoding="utf-8")
    return folder


def render(root: Path, *args: str) -> tuple[int, str]:
    old = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(cli, ["render", "releases/r.yaml", *args])
    finally:
        os.chdir(old)
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit | None), result.exception
    return result.exit_code, result.output


def data_uri(kind: str, body: bytes) -> str:
    return f"data:{kind};base64,{base64.b64encode(body).decode('ascii')}"


# --------------------------------------------------------------------------- resolved beside it


def test_a_relative_address_is_the_file_beside_the_stylesheet(
    tmp_path: Path, guard: Guard, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = evil(tmp_path, "body { background: url(assets/bg.png) }")
    (folder / "assets").mkdir()
    (folder / "assets" / "bg.png").write_bytes(RED)
    # The old reading: the same name under the output folder. It must play no part.
    (tmp_path / "build" / "assets").mkdir(parents=True)
    (tmp_path / "build" / "assets" / "bg.png").write_bytes(BLUE)
    monkeypatch.chdir(tmp_path)
    with guard.watching(tmp_path):
        code, output = render(tmp_path, "--format", "html", "--out", "build")
    assert code == 0, output
    page = (tmp_path / "build" / "r.html").read_text(encoding="utf-8")
    assert data_uri("image/png", RED) in page
    assert data_uri("image/png", BLUE) not in page
    assert "assets/bg.png" not in page  # the page names no file: it loads nothing


def test_the_output_folder_changes_nothing(tmp_path: Path) -> None:
    folder = evil(tmp_path, "body { background: url(assets/bg.png) }")
    (folder / "assets").mkdir()
    (folder / "assets" / "bg.png").write_bytes(RED)
    outputs = {}
    for out in ("build", "a/b/c/d"):
        code, output = render(tmp_path, "--format", "html", "--format", "pdf", "--out", out)
        assert code == 0, output
        outputs[out] = [(tmp_path / out / f"r.{ext}").read_bytes() for ext in ("html", "pdf")]
    assert outputs["build"] == outputs["a/b/c/d"]


def test_the_pdf_is_laid_out_from_the_bytes_the_render_read(
    make_workspace: MakeWorkspace,
) -> None:
    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML})
    own = workspace.templates_dir / "exempel"
    (own / "bg.png").write_bytes(RED)
    (own / "style.css").write_text("body { background: url(bg.png) }", encoding="utf-8")
    out = workspace.root / "build"
    context = build_context(load_release(workspace.releases_dir / "r.yaml", workspace), out_dir=out)
    env = environment(workspace.template_search_path("exempel"))
    with recording() as log:
        job = pdf_job(context, env, project_root=workspace.root, base_dir=out)
    assert (own / "bg.png").resolve().as_uri() in job.css
    assert "asset:0/bg.png" in log.reads
    # Changed after it was read (and noted): the PDF still holds what was read.
    (own / "bg.png").write_bytes(b"not an image any more")
    assert lay_out(job).pdf.startswith(b"%PDF-")


def test_the_read_log_names_each_file_a_stylesheet_reaches(
    make_workspace: MakeWorkspace,
) -> None:
    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML})
    own = workspace.templates_dir / "exempel"
    (own / "fonts").mkdir()
    (own / "fonts" / "house.woff2").write_bytes(b"wOF2" + b"\0" * 60)
    (own / "style.css").write_text(
        "@font-face { font-family: House; src: url('fonts/house.woff2') format('woff2') }",
        encoding="utf-8",
    )
    context = build_context(
        load_release(workspace.releases_dir / "r.yaml", workspace), out_dir=workspace.root / "b"
    )
    env = environment(workspace.template_search_path("exempel"))
    with recording() as log:
        page = render_html(context, env).decode("utf-8")
    assert data_uri("font/woff2", b"wOF2" + b"\0" * 60) in page
    assert log.reads["asset:0/fonts/house.woff2"].sha256 is not None


def test_a_default_folder_on_the_search_path_may_be_reached(
    tmp_path: Path, guard: Guard, monkeypatch: pytest.MonkeyPatch
) -> None:
    evil(tmp_path, "body { background: url(../_default/shared/bg.png) }")
    shared = tmp_path / "templates" / "_default" / "shared"
    shared.mkdir(parents=True)
    (shared / "bg.png").write_bytes(RED)
    monkeypatch.chdir(tmp_path)
    with guard.watching(tmp_path):
        code, output = render(tmp_path, "--format", "html")
    assert code == 0, output


@pytest.mark.parametrize(
    ("css", "message"),
    [
        # From publish's staging folder this once reached the workspace root.
        ("url(../../../assets/bg.png)", "leads outside the template folders"),
        ("url(../../assets/bg.png)", "leads outside the template folders"),
        ("url(../other/bg.png)", "leads outside the template folders"),  # not on the path
        ("url(link.png)", "leads outside the template folders"),  # a link out
        ("url(missing.png)", "there is no file templates/evil/missing.png"),
        ("url(a%2F..%2F..%2F..%2Fassets/bg.png)", "leads outside the template folders"),
        ("url(notes.png)", "notes.png: the file is"),  # text named .png
        ("url(fake.woff2)", "fake.woff2: the file is"),  # a font by name only
        ("url(print.css)", "print.css: the file is"),  # not an image or a font
    ],
)
@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_what_a_stylesheet_may_not_reach(
    css: str,
    message: str,
    fmt: str,
    tmp_path: Path,
    guard: Guard,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = evil(tmp_path, f"p {{ color: red }}\nbody {{ background: {css} }}")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "bg.png").write_bytes(RED)
    (tmp_path / "templates" / "other").mkdir()
    (tmp_path / "templates" / "other" / "bg.png").write_bytes(RED)
    (folder / "link.png").symlink_to(tmp_path / "assets" / "bg.png")
    (folder / "notes.png").write_text("hello", encoding="utf-8")
    (folder / "fake.woff2").write_text("hello", encoding="utf-8")
    (folder / "print.css").write_text("p { color: blue }", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with guard.watching(tmp_path):
        code, output = render(tmp_path, "--format", fmt)
    assert code == 1, output
    assert output.startswith("Error: templates/evil/style.css:2:20: url("), output
    assert message in output, output
    assert len(output.strip().splitlines()) == 1


def test_a_file_over_the_size_limit_is_refused_unread(
    make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML})
    own = workspace.templates_dir / "exempel"
    with (own / "huge.png").open("wb") as stream:
        stream.write(RED)
        stream.truncate(21 * 1024 * 1024)  # sparse
    (own / "style.css").write_text("body { background: url(huge.png) }", encoding="utf-8")
    context = build_context(
        load_release(workspace.releases_dir / "r.yaml", workspace), out_dir=workspace.root / "b"
    )
    env = environment(workspace.template_search_path("exempel"))
    read = Path.read_bytes

    def never_the_huge_one(path: Path) -> bytes:
        assert path.name != "huge.png", "read before its size was checked"
        return read(path)

    monkeypatch.setattr(Path, "read_bytes", never_the_huge_one)
    with pytest.raises(TemplateProblem, match=r"huge\.png is larger than 20,971,520 bytes"):
        render_html(context, env)


def test_the_pdf_fetcher_serves_only_the_releases_images_and_the_stylesheets_files(
    make_workspace: MakeWorkspace,
) -> None:
    """A file inside the template folders that no stylesheet names is not served either."""
    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML})
    own = workspace.templates_dir / "exempel"
    (own / "logo.png").write_bytes(RED)
    (own / "release.html.j2").write_text(
        '{% extends "default:release.html.j2" %}'
        '{% block masthead %}<img src="../templates/exempel/logo.png">{% endblock %}',
        encoding="utf-8",
    )
    out = workspace.root / "build"
    context = build_context(load_release(workspace.releases_dir / "r.yaml", workspace), out_dir=out)
    env = environment(workspace.template_search_path("exempel"))
    job = pdf_job(context, env, project_root=workspace.root, base_dir=out)
    with pytest.raises(RefusedResource, match=r"logo\.png"):
        lay_out(job)


def test_the_page_with_embedded_files_loads_nothing_in_a_browser(
    make_workspace: MakeWorkspace,
) -> None:
    from ..test_browser import CHROMIUM, CHROMIUM_ARGS

    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (make test installs it as root)")
    from playwright.sync_api import sync_playwright

    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML})
    own = workspace.templates_dir / "exempel"
    (own / "bg.png").write_bytes(RED)
    (own / "style.css").write_text("body { background: url(bg.png) }", encoding="utf-8")
    context = build_context(
        load_release(workspace.releases_dir / "r.yaml", workspace), out_dir=workspace.root
    )
    page_file = workspace.root / "r.html"
    page_file.write_bytes(
        render_html(context, environment(workspace.template_search_path("exempel")))
    )
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.goto(page_file.as_uri())
        background = page.evaluate("getComputedStyle(document.body).backgroundImage")
        browser.close()
    assert background.startswith('url("data:image/png;base64,'), background
    assert [r for r in requests if not r.startswith("data:")] == [page_file.as_uri()]


# --------------------------------------------------------------------------- unreadable


def _unreadable(monkeypatch: pytest.MonkeyPatch, name: str = "style.css") -> None:
    """Reads of the organisation's ``name`` fail as a file without read permission does.

    (chmod 000 stops nobody running as root, as the test machines do.)
    """
    read = Path.read_bytes

    def refusing(path: Path) -> bytes:
        if path.name == name and path.parent.name == "exempel":
            raise PermissionError(13, "Permission denied", str(path))
        return read(path)

    monkeypatch.setattr(Path, "read_bytes", refusing)


UNREADABLE = "Error: templates/exempel/style.css: cannot be read (Permission denied)"


@pytest.mark.parametrize(
    "command",
    [
        ["render", "releases/r.yaml"],
        ["render", "releases/r.yaml", "--format", "html"],
        ["render", "releases/r.yaml", "--format", "pdf"],
        ["approve", "releases/r.yaml", "--by", "Pia Press"],
        ["build"],
        ["build", "--jobs", "1"],
    ],
)
def test_an_unreadable_stylesheet_is_one_line_in_every_command(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    make_newsroom(tmp_path)
    (tmp_path / "templates" / "exempel" / "style.css").write_text("h1 { color: red }")
    assert run("submit", "releases/r.yaml", "--by", "Anna Berg").exit_code == 0
    _unreadable(monkeypatch)
    result = run(*command)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "internal error" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    # build names the release before the message; the message is the same.
    assert [e.replace("Error: r.yaml: ", "Error: ") for e in errors] == [UNREADABLE], result.output


def test_an_unreadable_stylesheet_stops_publish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    make_newsroom(tmp_path)
    (tmp_path / "templates" / "exempel" / "style.css").write_text("h1 { color: red }")
    assert run("submit", "releases/r.yaml", "--by", "Anna Berg").exit_code == 0
    assert run("approve", "releases/r.yaml", "--by", "Pia Press").exit_code == 0
    _unreadable(monkeypatch)
    result = run("publish", "releases/r.yaml")
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert result.output.strip().splitlines() == [UNREADABLE], result.output
    assert not (tmp_path / "published").exists() or not any(
        (tmp_path / "published").rglob("*.html")
    )


def test_an_unreadable_file_a_stylesheet_uses_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    make_newsroom(tmp_path)
    own = tmp_path / "templates" / "exempel"
    (own / "bg.png").write_bytes(RED)
    (own / "style.css").write_text("body { background: url(bg.png) }")
    _unreadable(monkeypatch, "bg.png")
    result = run("render", "releases/r.yaml", "--format", "html")
    assert result.exit_code == 1, result.output
    assert result.output.strip() == (
        "Error: templates/exempel/bg.png: cannot be read (Permission denied)"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_a_stylesheet_without_read_permission(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    make_newsroom(tmp_path)
    style = tmp_path / "templates" / "exempel" / "style.css"
    style.write_text("h1 { color: red }")
    style.chmod(0)
    try:
        result = run("render", "releases/r.yaml", "--format", "html")
    finally:
        style.chmod(0o644)
    assert result.exit_code == 1
    assert result.output.strip() == UNREADABLE


@pytest.mark.parametrize("kind", ["directory", "dangling link"])
def test_a_style_css_that_is_no_file_counts_as_none(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, repo_workspace: Workspace
) -> None:
    """A folder named style.css, or a link to nothing, is no stylesheet: the default look."""
    monkeypatch.chdir(tmp_path)
    make_newsroom(tmp_path)
    style = tmp_path / "templates" / "exempel" / "style.css"
    if kind == "directory":
        style.mkdir()
    else:
        style.symlink_to(tmp_path / "nowhere.css")
    for command in (["render", "releases/r.yaml"], ["build"]):
        result = run(*command)
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output
