"""The HTML page in a real browser: Debian's chromium, driven headless by Playwright.

Playwright's own browser download is never used; ``make test`` installs the
chromium package (as root) and these tests skip, saying so, where it is absent.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from presser.render.pipeline import RenderOptions, render_release
from presser.source.validation import load_release
from presser.source.workspace import Workspace, release_files

from .conftest import RELEASE_YAML, REPO, MakeWorkspace

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it as root)"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Visit:
    """One page load, with every request and console error it caused."""

    def __init__(self, browser: Any, path: Path, viewport: dict[str, int]) -> None:
        self.page = browser.new_page(viewport=viewport)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(path.as_uri())

    def measure(self) -> dict[str, Any]:
        return dict(
            self.page.evaluate(
                """() => ({
                    scroll: document.documentElement.scrollWidth,
                    inner: window.innerWidth,
                    h1: parseFloat(getComputedStyle(document.querySelector('h1')).fontSize),
                    text: Math.min(...[...document.querySelectorAll('.release-body p')]
                        .map(p => parseFloat(getComputedStyle(p).fontSize))),
                    column: document.querySelector('main').getBoundingClientRect().width,
                    images: [...document.images].map(i => i.naturalWidth),
                })"""
            )
        )


def render_pages(workspace: Workspace, files: list[Path], out: Path) -> list[Path]:
    options = RenderOptions(formats=("html",))
    return [render_release(load_release(f, workspace), out, options).written[0] for f in files]


@pytest.fixture(scope="module")
def release_pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    workspace = Workspace(REPO)
    out = tmp_path_factory.mktemp("build")
    return render_pages(workspace, release_files([REPO / "releases"]), out)


def test_pages_read_well_on_a_phone(browser: Any, release_pages: list[Path]) -> None:
    for path in release_pages:
        visit = Visit(browser, path, PHONE)
        sizes = visit.measure()
        assert sizes["scroll"] <= sizes["inner"], f"{path.name} scrolls sideways: {sizes}"
        assert sizes["h1"] >= 24, sizes
        assert sizes["text"] >= 16, sizes
        assert all(width > 0 for width in sizes["images"]), f"an image did not load: {sizes}"
        assert visit.errors == []
        visit.page.close()


def test_pages_keep_a_readable_column_on_a_desktop(browser: Any, release_pages: list[Path]) -> None:
    visit = Visit(browser, release_pages[0], DESKTOP)
    assert 480 <= visit.measure()["column"] <= 800
    visit.page.close()


def test_a_page_loads_nothing_but_itself_and_its_images(
    browser: Any, release_pages: list[Path]
) -> None:
    for path in release_pages:
        visit = Visit(browser, path, PHONE)
        others = [u for u in visit.requests if u != path.as_uri()]
        assert all(u.startswith("file://") and u.endswith(".png") for u in others), others
        visit.page.close()


def test_a_very_long_word_does_not_overflow(
    browser: Any, make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    word = "Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft"
    text = RELEASE_YAML.replace("headline: En rubrik", f"headline: {word} {word}").replace(
        "  - En paragraf.", f"  - Ett ord, {word}{word}."
    )
    workspace = make_workspace(releases={"long.yaml": text})
    (page,) = render_pages(workspace, [workspace.releases_dir / "long.yaml"], tmp_path / "out")
    visit = Visit(browser, page, PHONE)
    sizes = visit.measure()
    assert sizes["scroll"] <= sizes["inner"], sizes
    visit.page.close()
