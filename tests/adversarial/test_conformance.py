"""The hostile-but-rendered pages of the corpus pass the Nu Html Checker and axe-core too.

What a hostile release can put on the page (bidi controls, long words, odd
Markdown, colours from an organisation's style) must not make the page invalid
or inaccessible: the same checkers as for the releases in releases/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..checkers import axe_violations, needs_axe, needs_nu, nu_errors
from ..test_browser import browser  # the one chromium fixture
from .harness import ALL_CASES, CorpusRun

__all__ = ["browser"]  # the fixture, used by name

RENDERED = [c for c in ALL_CASES if c.expect == "rendered"]


def pages(corpus_run: CorpusRun) -> list[Path]:
    out = corpus_run.project / "build"
    found = [out / f"{case.release_name.removesuffix('.yaml')}.html" for case in RENDERED]
    assert all(page.is_file() for page in found)
    return found


@needs_nu
def test_the_rendered_corpus_passes_the_nu_html_checker(corpus_run: CorpusRun) -> None:
    assert nu_errors(pages(corpus_run)) == []


@needs_axe
def test_the_rendered_corpus_passes_axe(browser: Any, corpus_run: CorpusRun) -> None:
    failures = {page.name: axe_violations(browser, page) for page in pages(corpus_run)}
    assert {name: found for name, found in failures.items() if found} == {}
