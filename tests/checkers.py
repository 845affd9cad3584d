"""The outside checkers of presser's pages: the Nu Html Checker (vnu.jar) and axe-core.

Installed by make into ``.venv/checkers`` from ``requirements/checkers/``
(npm ci, pinned with integrity hashes); the tests that use them skip, saying
why, where Java, npm or chromium is missing. axe runs in Debian's chromium
(Playwright, never a downloaded browser) with the WCAG 2.1 A and AA rules.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from .conftest import REPO

CHECKERS = REPO / ".venv" / "checkers" / "node_modules"
VNU_JAR = CHECKERS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = CHECKERS / "axe-core" / "axe.min.js"
JAVA = shutil.which("java")
CHROMIUM = shutil.which("chromium")
#: axe-core's tags for the rules of WCAG 2.0 and 2.1, levels A and AA (EN 301 549's).
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

needs_nu = pytest.mark.skipif(
    JAVA is None or not VNU_JAR.is_file(),
    reason="the Nu Html Checker needs Java and make's npm ci of requirements/checkers/ "
    "(apt-get install default-jre-headless npm)",
)
needs_axe = pytest.mark.skipif(
    CHROMIUM is None or not AXE.is_file(),
    reason="axe-core needs Debian's chromium and make's npm ci of requirements/checkers/",
)


def nu_errors(pages: Iterable[Path]) -> list[str]:
    """Every error the Nu Html Checker reports on the pages, as ``file:line: message``."""
    files = [str(page) for page in pages]
    assert files, "no pages to check"
    assert JAVA is not None
    done = subprocess.run(
        [JAVA, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    report = json.loads(done.stderr or done.stdout or '{"messages": []}')
    return [
        f"{Path(m.get('url', '?')).name}:{m.get('lastLine', '?')}: {m.get('message')}"
        for m in report["messages"]
    ]


def axe_violations(browser: Any, page_file: Path) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on a page opened from its file, one line each."""
    page = browser.new_page()
    try:
        page.goto(page_file.resolve().as_uri())
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        found = page.evaluate(
            """async (tags) => {
                const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
                return result.violations.map(v => v.id + ' (' + v.impact + '): '
                    + v.nodes.map(n => n.target.join(' ')).join(', '));
            }""",
            WCAG_AA,
        )
    finally:
        page.close()
    return [str(line) for line in found]


def heading_levels_skipped(page_file: Path) -> list[str]:
    """Each place a heading goes down more than one level (h2 then h4), as ``hN -> hM``.

    WCAG 1.3.1 asks for headings that convey the structure; axe-core puts the
    order check among its best practices, not its WCAG rules, so it is read here.
    """
    import html5lib

    tree = html5lib.parse(page_file.read_bytes(), namespaceHTMLElements=False)
    levels = [int(e.tag[1]) for e in tree.iter() if e.tag in {f"h{n}" for n in range(1, 7)}]
    return [f"h{a} -> h{b}" for a, b in itertools.pairwise(levels) if b > a + 1]
