"""The PDF: pages, text, metadata, fonts, reproducibility, and the confined URL fetcher."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from presser.errors import TemplateProblem
from presser.render.context import ReleaseContext, build_context
from presser.render.pdf import RefusedResource, render_pdf
from presser.render.templating import environment
from presser.source.validation import load_release
from presser.source.workspace import Workspace

from .conftest import RELEASE_YAML, MakeWorkspace

REAL = {
    "2010-01-22-skl-30-miljoner.yaml": 1,
    "2010-01-28-jonkoping-1-4-miljoner.yaml": 2,
    "2010-02-08-jonkoping-addiction-care-conference.yaml": 2,
}


def pdf_of(workspace: Workspace, path: Path, **kwargs: Any) -> tuple[ReleaseContext, bytes]:
    out = workspace.root / "build"
    context = build_context(load_release(path, workspace), out_dir=out)
    env = environment(workspace.template_search_path(context.organisation.slug))
    return context, render_pdf(context, env, project_root=workspace.root, base_dir=out, **kwargs)


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module", params=sorted(REAL))
def real(request: pytest.FixtureRequest) -> tuple[str, ReleaseContext, bytes, PdfReader]:
    from presser.source.workspace import find_workspace

    workspace = find_workspace(Path(__file__).parent.parent)
    context, pdf = pdf_of(workspace, workspace.releases_dir / request.param)
    return request.param, context, pdf, PdfReader(io.BytesIO(pdf))


def test_pages_and_text(real: tuple[str, ReleaseContext, bytes, PdfReader]) -> None:
    name, context, _, reader = real
    assert len(reader.pages) == REAL[name]
    text = words(" ".join(page.extract_text() for page in reader.pages))
    assert words(context.headline) in text
    for contact in (*context.contacts, *context.press_contacts):
        if contact.email:
            assert contact.email in text
        if contact.name:
            assert contact.name in text


def test_page_header_and_numbers(real: tuple[str, ReleaseContext, bytes, PdfReader]) -> None:
    _, context, _, reader = real
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"{context.labels.page} {number} {context.labels.page_of} {total}" in text
        if number > 1:
            assert context.organisation.name in text and context.type_label in text
    # The words the header is made of are never printed on their own.
    first = reader.pages[0].extract_text()
    assert first.count(context.labels.page) == 1


def test_metadata(real: tuple[str, ReleaseContext, bytes, PdfReader]) -> None:
    _, context, _, reader = real
    info = reader.metadata
    assert info is not None
    assert info.title == context.headline
    assert info.author == context.organisation.name
    assert info.creation_date == datetime.fromisoformat(context.published.iso)
    assert reader.trailer["/Root"]["/Lang"] == context.language


def test_fonts_are_embedded_and_subset(real: tuple[str, ReleaseContext, bytes, PdfReader]) -> None:
    _, _, _, reader = real
    descriptors = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptors.append(descendant.get_object()["/FontDescriptor"].get_object())
            if "/FontDescriptor" in font:
                descriptors.append(font["/FontDescriptor"].get_object())
    assert descriptors
    for descriptor in descriptors:
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys())
        # A subset font's name carries a six-letter tag: ABCDEF+Name.
        assert str(descriptor["/FontName"])[7:8] == "+"


def test_two_renders_are_identical(real: tuple[str, ReleaseContext, bytes, PdfReader]) -> None:
    from presser.source.workspace import find_workspace

    name, _, pdf, reader = real
    workspace = find_workspace(Path(__file__).parent.parent)
    _, again = pdf_of(workspace, workspace.releases_dir / name)
    assert again == pdf
    assert "/ID" in reader.trailer


def test_the_image_is_placed(repo_workspace: Workspace) -> None:
    path = repo_workspace.releases_dir / "2010-02-08-jonkoping-addiction-care-conference.yaml"
    _, pdf = pdf_of(repo_workspace, path)
    reader = PdfReader(io.BytesIO(pdf))
    # Pages share one resource dictionary; count the distinct images.
    assert len({img.name for page in reader.pages for img in page.images}) == 1


def test_weasyprint_is_not_imported_by_the_rest() -> None:
    code = (
        "import sys, presser, presser.render.context, presser.render.templating, "
        "presser.render.html, presser.render.pipeline, presser.cli; "
        "sys.exit('weasyprint' in sys.modules or 'presser.render.pdf' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


# --------------------------------------------------------------------------- the fetcher


@pytest.fixture
def listener() -> Iterator[tuple[int, socket.socket]]:
    """A loopback listener: any connection attempt to it shows as a pending accept."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    yield sock.getsockname()[1], sock
    sock.close()


def assert_no_connection(sock: socket.socket) -> None:
    with pytest.raises(BlockingIOError):
        sock.accept()


def workspace_with_masthead(make_workspace: MakeWorkspace, masthead: str) -> Workspace:
    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML})
    (workspace.templates_dir / "exempel" / "release.html.j2").write_text(
        '{% extends "default:release.html.j2" %}{% block masthead %}' + masthead + "{% endblock %}",
        encoding="utf-8",
    )
    return workspace


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/x.png",
        "https://127.0.0.1:{port}/x.png",
        "ftp://127.0.0.1:{port}/x.png",
        "http://127.0.0.1:9/x.png",
        "file:///etc/passwd",
        "file://127.0.0.1/etc/hostname",
        "data:image/png;base64,iVBORw0KGgo=",
    ],
)
def test_outside_addresses_are_refused(
    make_workspace: MakeWorkspace, listener: tuple[int, socket.socket], url: str
) -> None:
    port, sock = listener
    url = url.format(port=port)
    workspace = workspace_with_masthead(make_workspace, f'<img src="{url}" alt="">')
    with pytest.raises(RefusedResource) as caught:
        pdf_of(workspace, workspace.releases_dir / "r.yaml")
    assert url in caught.value.message
    assert_no_connection(sock)


@pytest.mark.parametrize(
    "css",
    [
        "@font-face {{ font-family: X; src: url({url}) }} h1 {{ font-family: X }}",
        "h1 {{ background-image: url({url}) }}",
        "h1::before {{ content: url({url}) }}",
    ],
)
def test_a_stylesheet_address_is_refused(
    make_workspace: MakeWorkspace, listener: tuple[int, socket.socket], css: str
) -> None:
    port, sock = listener
    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML})
    url = f"http://127.0.0.1:{port}/resource"
    (workspace.templates_dir / "exempel" / "style.css").write_text(
        css.format(url=url), encoding="utf-8"
    )
    # Refused while the stylesheet is read, before WeasyPrint could ask for anything.
    with pytest.raises(TemplateProblem, match="/resource"):
        pdf_of(workspace, workspace.releases_dir / "r.yaml")
    assert_no_connection(sock)


def test_a_link_leaving_the_project_is_refused(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    workspace = workspace_with_masthead(make_workspace, '<img src="../releases/escape.png" alt="">')
    outside = tmp_path.parent / f"{tmp_path.name}-outside.png"
    outside.write_bytes(b"\x89PNG\r\n\x1a\n")
    os.symlink(outside, workspace.releases_dir / "escape.png")
    with pytest.raises(RefusedResource, match=r"escape\.png"):
        pdf_of(workspace, workspace.releases_dir / "r.yaml")


def test_a_file_of_the_project_the_release_does_not_use_is_refused(
    make_workspace: MakeWorkspace, repo_workspace: Workspace
) -> None:
    """Only the release's own images (and what its stylesheets reach) are served."""
    workspace = workspace_with_masthead(
        make_workspace, '<img src="../releases/logo.png" alt="Logo">'
    )
    source = repo_workspace.releases_dir / "images" / "jonkoping-county-municipalities.png"
    (workspace.releases_dir / "logo.png").write_bytes(source.read_bytes())
    with pytest.raises(RefusedResource, match=r"logo\.png"):
        pdf_of(workspace, workspace.releases_dir / "r.yaml")


def test_weasyprint_warnings_are_collected_not_printed(
    make_workspace: MakeWorkspace, capfd: pytest.CaptureFixture[str]
) -> None:
    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML})
    (workspace.templates_dir / "exempel" / "print.css").write_text(
        "h1 { colour: red; font-size: banana }", encoding="utf-8"
    )
    collected: list[str] = []
    _, pdf = pdf_of(workspace, workspace.releases_dir / "r.yaml", warnings=collected)
    assert pdf.startswith(b"%PDF-")
    assert any("colour" in message for message in collected)
    assert capfd.readouterr().err == ""


def test_a_one_page_release_stays_small(repo_workspace: Workspace) -> None:
    # Fonts are subset and embedded once: a page of text is tens of KB, not hundreds.
    _, pdf = pdf_of(repo_workspace, repo_workspace.releases_dir / "2010-01-22-skl-30-miljoner.yaml")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert len(pdf) < 60 * 1024, f"{len(pdf):,} bytes"
