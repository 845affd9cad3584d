"""presser serve in a real browser: Debian's chromium, driven by Playwright, on a real server.

The preview shows the headline; an edit to the file changes the open page
without anyone reloading it; an invalid edit shows the problem with its line;
fixing it restores the page; the PDF link serves a PDF that parses; and while
nothing changes, nothing reloads. Skips, saying so, where chromium is absent
(as tests/test_browser.py does).
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .serve_helpers import Served, start_serve
from .test_browser import CHROMIUM, DESKTOP, browser  # noqa: F401 (the fixture)
from .workflow_helpers import RELEASE, Newsroom, make_newsroom

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it as root)"
)

HEADLINE = "Kommunen bygger en ny simhall"


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Newsroom, Served]]:
    newsroom = make_newsroom(tmp_path)
    server = start_serve(tmp_path)
    yield newsroom, server
    code, output = server.stop()
    assert code == 0, output


class Tab:
    """One browser tab on the preview, with the console errors and page loads it saw."""

    def __init__(self, chromium: Any, url: str) -> None:
        self.page = chromium.new_page(viewport=DESKTOP)
        self.errors: list[str] = []
        self.loads = 0
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("load", lambda _: self._loaded())
        self.page.goto(url)

    def _loaded(self) -> None:
        self.loads += 1

    def mark(self) -> None:
        """Leave a mark in the page's window: a reload (by anyone) wipes it."""
        self.page.evaluate("window.presserMark = 'still here'")

    def marked(self) -> bool:
        return bool(self.page.evaluate("window.presserMark === 'still here'"))

    def headline(self) -> str:
        return str(self.page.frame_locator("iframe.output").locator("h1").inner_text())


def test_the_preview_follows_every_save(
    browser: Any,  # noqa: F811
    preview: tuple[Newsroom, Served],
) -> None:
    newsroom, server = preview
    tab = Tab(browser, server.url + "/")
    tab.page.get_by_role("link", name=HEADLINE).click()
    tab.page.wait_for_url("**/releases/r/")
    assert tab.headline() == HEADLINE

    # An edit: the open page changes by itself (the mark shows nobody reloaded it by hand).
    tab.mark()
    newsroom.write("r.yaml", RELEASE.replace("ny simhall", "ny ishall"))
    tab.page.frame_locator("iframe.output").locator("h1", has_text="ny ishall").wait_for(
        timeout=5000
    )
    assert not tab.marked()

    # An invalid edit: the problem, with its line and the line itself, instead of the page.
    broken = RELEASE.replace("published: 2010-03-02T10:00:00+01:00", "published: tomorrow")
    line = broken.splitlines().index("published: tomorrow") + 1
    newsroom.write("r.yaml", broken)
    problems = tab.page.locator("section.problems")
    problems.wait_for(timeout=5000)
    text = problems.inner_text()
    assert f"releases/r.yaml:{line}:12" in text
    assert f"line {line}" in text and "published: tomorrow" in text
    assert tab.page.locator("iframe.output").count() == 0

    # Fixed: the page is back.
    newsroom.write("r.yaml", RELEASE)
    tab.page.locator("iframe.output").wait_for(timeout=5000)
    assert tab.headline() == HEADLINE
    assert tab.errors == []


def test_nothing_reloads_while_nothing_changes(
    browser: Any,  # noqa: F811
    preview: tuple[Newsroom, Served],
) -> None:
    newsroom, server = preview
    tab = Tab(browser, server.url + "/releases/r/")
    assert tab.headline() == HEADLINE
    tab.mark()
    loads = tab.loads
    path = newsroom.release()
    path.write_bytes(path.read_bytes())  # saved with the same bytes
    time.sleep(1.5)
    assert tab.marked() and tab.loads == loads
    assert tab.errors == []


def test_the_pdf_tab_links_a_pdf_that_parses(
    browser: Any,  # noqa: F811
    preview: tuple[Newsroom, Served],
) -> None:
    from pypdf import PdfReader

    _, server = preview
    tab = Tab(browser, server.url + "/releases/r/")
    tab.page.get_by_role("link", name="PDF").click()
    tab.page.wait_for_url("**/releases/r/pdf/")
    link = tab.page.get_by_role("link", name="Open the PDF")
    address = link.get_attribute("href")
    assert address == "/releases/r/build/r.pdf"
    answer = tab.page.request.get(server.url + address)
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(answer.body()))
    assert "simhall" in "".join(page.extract_text() for page in reader.pages)


def test_the_wire_text_and_lint_tabs(
    browser: Any,  # noqa: F811
    preview: tuple[Newsroom, Served],
) -> None:
    _, server = preview
    tab = Tab(browser, server.url + "/releases/r/")
    tab.page.get_by_role("link", name="Wire text (us)").click()
    tab.page.wait_for_url("**/wire/us/")
    assert HEADLINE in tab.page.locator("pre.wire").inner_text()
    tab.page.get_by_role("link", name="Lint").click()
    tab.page.wait_for_url("**/lint/")
    assert tab.errors == []


def test_the_place_scrolled_to_is_kept_across_a_reload(
    browser: Any,  # noqa: F811
    preview: tuple[Newsroom, Served],
) -> None:
    newsroom, server = preview
    long = RELEASE.replace(
        "  - En paragraf om simhallen.\n",
        "".join(f"  - Stycke {n} om simhallen och dess bassänger.\n" for n in range(60)),
    )
    token = server.token("r")
    newsroom.write("r.yaml", long)
    server.wait("r", token)
    tab = Tab(browser, server.url + "/releases/r/")
    frame = tab.page.frame_locator("iframe.output")
    frame.locator("h1").wait_for()
    tab.page.evaluate("document.querySelector('iframe.output').contentWindow.scrollTo(0, 700)")
    tab.mark()
    newsroom.write("r.yaml", long.replace("Stycke 0 ", "Stycket 0 "))
    frame.locator("text=Stycket 0").wait_for(timeout=5000)
    assert not tab.marked()
    tab.page.wait_for_function(
        "document.querySelector('iframe.output').contentWindow.scrollY > 600", timeout=5000
    )
    assert tab.errors == []
