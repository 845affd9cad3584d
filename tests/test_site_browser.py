"""The newsroom in a real browser: Debian's chromium opens the index from file:// and
follows a link to a release, which shows its images and loads nothing from outside.

Skips, saying so, where chromium is absent (as tests/test_browser.py does).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from presser.site.build import build_site
from presser.source.workspace import Workspace

from .test_browser import CHROMIUM, DESKTOP, browser  # noqa: F401 (the fixture)
from .test_site import NOW, root  # noqa: F401 (the fixture)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it as root)"
)


def test_the_index_opens_from_file_and_a_link_leads_to_the_release(
    browser: Any,  # noqa: F811
    root: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    out = tmp_path / "site"
    build_site(Workspace(root), out, now=NOW)
    page = browser.new_page(viewport=DESKTOP)
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto((out / "index.html").as_uri())
    assert page.locator("h1").count() == 1
    page.get_by_role("link", name="Kommunen bygger en ny simhall").first.click()
    page.wait_for_load_state()
    assert page.url == (out / "releases" / "r" / "index.html").as_uri()
    assert page.locator("h1").inner_text() == "Kommunen bygger en ny simhall"
    widths = page.evaluate("() => [...document.images].map(i => i.naturalWidth)")
    assert widths and all(w > 0 for w in widths)  # every image loaded
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert all(url.startswith("file://") for url in requests), requests
    assert errors == []
    page.close()
