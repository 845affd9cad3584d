"""Every page rendered from the corpus, opened in a real browser: no payload runs.

The corpus payloads are written so that, if any ran, it would set
``window.__pwned`` (and most also call ``alert``). Each page is loaded in
headless Chromium (Debian's, driven by Playwright as in ``tests/test_browser.py``)
with every request other than the page's own ``file:`` URL refused; the
page is then scrolled, hovered, focused and its links inspected, and no
marker, dialog, event-handler attribute, foreign request or script error
may appear.
"""

from __future__ import annotations

from typing import Any

import pytest

from ..test_browser import CHROMIUM, browser
from .harness import ALL_CASES, Case, CorpusRun

__all__ = ["browser"]  # the fixture, used by name

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it as root)"
)
RENDERED = [c for c in ALL_CASES if c.expect == "rendered"]

# Run inside the page after it loaded: everything a payload could have changed.
INSPECT = """() => {
    const all = [...document.querySelectorAll('*')];
    for (const element of all) {  // fire what a reader's mouse and keyboard would
        for (const type of ['mouseover', 'mouseenter', 'focus', 'click', 'animationstart']) {
            if (type === 'click' && element.closest('a')) continue;  // links are checked below
            element.dispatchEvent(new Event(type, {bubbles: true}));
        }
    }
    return {
        pwned: window.__pwned !== undefined,
        handlers: all.flatMap(e => [...e.attributes].filter(a => a.name.startsWith('on'))
            .map(a => `${e.tagName}.${a.name}`)),
        scripts: [...document.scripts].filter(s => s.type !== 'application/ld+json').length,
        links: [...document.links].map(a => a.protocol),
        frames: window.frames.length,
    };
}"""


@pytest.mark.parametrize("case", RENDERED, ids=lambda c: c.name)
def test_no_payload_runs_in_the_browser(case: Case, corpus_run: CorpusRun, browser: Any) -> None:
    page_file = corpus_run.project / "build" / f"{case.release_name.removesuffix('.yaml')}.html"
    page = browser.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    foreign: list[str] = []

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if url == page_file.as_uri():
            request_route.continue_()
        else:
            foreign.append(url)
            request_route.abort()

    def dialog(opened: Any) -> None:
        dialogs.append(opened.message)
        opened.dismiss()

    page.on("dialog", dialog)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route("**/*", route)
    page.goto(page_file.as_uri())
    page.mouse.move(100, 100)
    page.mouse.wheel(0, 5000)
    found = page.evaluate(INSPECT)
    page.wait_for_timeout(50)  # let anything a payload scheduled run
    marked = page.evaluate("() => window.__pwned !== undefined")
    page.close()

    assert not found["pwned"] and not marked, "a payload ran"
    assert dialogs == []
    assert found["handlers"] == []
    assert found["scripts"] == 0
    assert found["frames"] == 0
    assert set(found["links"]) <= {"http:", "https:", "mailto:", "tel:"}, found["links"]
    assert foreign == [], "the page asked for something other than itself"
    assert errors == []
