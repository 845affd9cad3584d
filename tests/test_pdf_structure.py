"""Every PDF is tagged (PDF/UA-1's structure), and the archive variant is PDF/A-3b with its source.

Read back with pikepdf (qpdf): the catalogue's language, title and marking, the
structure tree's headings, quotes and figures in the HTML's reading order, each
figure's alternative text; and for the archive, the YAML inside byte for byte.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import html5lib
import pikepdf
import pytest

from presser.render.pipeline import RenderOptions, render_outputs
from presser.source.validation import LoadedRelease, load_release
from presser.source.workspace import Workspace, release_files

from .conftest import REPO

RELEASES = release_files([REPO / "releases"])
#: The tags whose order is compared with the print HTML's elements.
ORDERED = {"/H1": "h1", "/H2": "h2", "/BlockQuote": "blockquote", "/Figure": "figure"}


def loaded_release(path: Path) -> LoadedRelease:
    return load_release(path, Workspace(REPO))


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], bytes]:
    out = tmp_path_factory.mktemp("pdfs")
    made = {}
    for path in RELEASES:
        loaded = loaded_release(path)
        for variant in ("tagged", "archive"):
            options = RenderOptions(formats=("pdf",), pdf_variant=variant)
            rendered = render_outputs(loaded, out, options)
            made[(path.name, variant)] = rendered["pdf"]
        made[(path.name, "html")] = print_html(loaded, out)
    return made


def print_html(loaded: LoadedRelease, out: Path) -> bytes:
    """The page WeasyPrint lays out (the release template with medium="print")."""
    from presser.render.context import build_context
    from presser.render.pdf import pdf_job
    from presser.render.templating import environment

    workspace = loaded.workspace
    env = environment(workspace.template_search_path(loaded.organisation.slug))
    job = pdf_job(
        build_context(loaded, out_dir=out), env, project_root=workspace.root, base_dir=out
    )
    return job.html.encode("utf-8")


def structure(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """The structure elements in reading order (depth first)."""

    def walk(node: Any) -> Iterator[pikepdf.Dictionary]:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                yield from walk(kid)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            yield node
            if "/K" in node:
                yield from walk(node.K)

    yield from walk(pdf.Root.StructTreeRoot.K)


def open_pdf(data: bytes) -> pikepdf.Pdf:
    import io

    return pikepdf.open(io.BytesIO(data))


@pytest.mark.parametrize("variant", ["tagged", "archive"])
@pytest.mark.parametrize("path", RELEASES, ids=lambda p: p.stem)
def test_the_pdf_is_tagged_as_the_page_is_structured(
    pdfs: dict[tuple[str, str], bytes], path: Path, variant: str
) -> None:
    loaded = loaded_release(path)
    pdf = open_pdf(pdfs[(path.name, variant)])
    assert pdf.check_pdf_syntax() == []  # qpdf finds nothing wrong
    root = pdf.Root
    assert root.MarkInfo.Marked is True
    assert str(root.Lang) == loaded.language
    assert root.ViewerPreferences.DisplayDocTitle is True
    assert str(pdf.docinfo.Title) == loaded.release.headline
    if variant == "archive":
        with pdf.open_metadata() as xmp:
            assert xmp.get("dc:title") == loaded.release.headline
    elements = list(structure(pdf))
    tags = [str(e.S) for e in elements]
    assert tags.count("/H1") == 1
    assert tags.count("/BlockQuote") == len(loaded.release.quotes)
    for figure in (e for e in elements if e.S == "/Figure"):
        assert str(figure.get("/Alt", "")).strip(), "a figure without alternative text"
    # The reading order: headings, quotes and figures as the print HTML has them.
    page = html5lib.parse(pdfs[(path.name, "html")], namespaceHTMLElements=False)
    svg = "{http://www.w3.org/2000/svg}svg"
    wanted = {"h1", "h2", "blockquote", "img", svg}
    in_html = [
        "figure" if e.tag in ("img", svg) else e.tag
        for e in page.iter()
        if isinstance(e.tag, str) and e.tag in wanted
    ]
    in_pdf = [ORDERED[t] for t in tags if t in ORDERED]
    assert in_pdf == in_html


@pytest.mark.parametrize("path", RELEASES, ids=lambda p: p.stem)
def test_the_archive_is_pdf_a_3b_and_carries_its_yaml(
    pdfs: dict[tuple[str, str], bytes], path: Path
) -> None:
    pdf = open_pdf(pdfs[(path.name, "archive")])
    with pdf.open_metadata() as xmp:
        assert xmp.get("pdfaid:part") == "3"
        assert xmp.get("pdfaid:conformance") == "B"
    assert len(pdf.Root.OutputIntents) == 1
    # WeasyPrint lists the one file twice in /AF; both entries name it as the source.
    associated = list(pdf.Root.AF)
    assert {str(entry.AFRelationship) for entry in associated} == {"/Source"}
    assert {str(entry.UF) for entry in associated} == {path.name}
    assert list(pdf.attachments) == [path.name]
    assert pdf.attachments[path.name].get_file().read_bytes() == path.read_bytes()
    assert "/AF" not in open_pdf(pdfs[(path.name, "tagged")]).Root


def test_the_archive_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    loaded = loaded_release(RELEASES[0])
    options = RenderOptions(formats=("pdf",), pdf_variant="archive")
    import time

    first = render_outputs(loaded, tmp_path / "a", options)["pdf"]
    time.sleep(1.1)  # a date from the clock would differ now
    second = render_outputs(loaded, tmp_path / "b", options)["pdf"]
    assert first == second


def test_an_organisation_that_archives_publishes_pdf_a(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .workflow_helpers import approve_it, make_newsroom, organisation, run

    monkeypatch.chdir(tmp_path)
    newsroom = make_newsroom(tmp_path)
    org = newsroom.root / "templates" / "exempel" / "organisation.yaml"
    org.write_text(organisation() + "pdf_variant: archive\n", encoding="utf-8")
    approve_it()
    source = (tmp_path / "releases" / "r.yaml").read_bytes()
    done = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert done.exit_code == 0, done.output
    pdf = pikepdf.open(tmp_path / "published" / "r" / "v1" / "r.pdf")
    with pdf.open_metadata() as xmp:
        assert xmp.get("pdfaid:part") == "3"
    # The release as it was approved: publish records the step in the file afterwards.
    assert pdf.attachments["r.yaml"].get_file().read_bytes() == source


def test_the_language_versions_are_named_in_the_pdf(
    pdfs: dict[tuple[str, str], bytes],
) -> None:
    import pypdf

    pair = {
        "2010-02-08-jonkoping-utbildning-riskbruk.yaml": "Även på engelska:",
        "2010-02-08-jonkoping-addiction-care-conference.yaml": "Also in Swedish:",
    }
    for name, words in pair.items():
        other = next(n for n in pair if n != name)
        headline = loaded_release(REPO / "releases" / other).release.headline
        data = pdfs[(name, "tagged")]
        text = " ".join(
            " ".join((page.extract_text() or "").split())
            for page in pypdf.PdfReader(io.BytesIO(data)).pages
        )
        assert f"{words} {headline}" in text
