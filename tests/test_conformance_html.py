"""Every page presser makes passes the Nu Html Checker and axe-core's WCAG 2.1 A and AA rules.

The release pages of ``releases/``, the newsroom built from them, and pages
made to fail (a missing alt, a skipped heading level, a low-contrast colour),
so that a checker that silently checks nothing is caught too.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from presser.cli import cli
from presser.source.workspace import Workspace, release_files

from .checkers import axe_violations, needs_axe, needs_nu, nu_errors
from .conftest import REPO
from .test_browser import browser, render_pages

__all__ = ["browser"]  # the fixture, used by name

FAILING = {
    "missing-alt": '<img src="x.png">',
    "skipped-heading": "<h1>Release</h1><h4>Contacts</h4><p>Text.</p>",
    "low-contrast": '<p style="color:#bbbbbb;background:#ffffff">Grey on white.</p>',
}


def failing_page(folder: Path, name: str) -> Path:
    page = folder / f"{name}.html"
    page.write_text(
        '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Fel</title></head>'
        f"<body><main>{FAILING[name]}</main></body></html>\n",
        encoding="utf-8",
    )
    return page


@pytest.fixture(scope="module")
def release_pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("pages")
    return render_pages(Workspace(REPO), release_files([REPO / "releases"]), out)


@pytest.fixture(scope="module")
def newsroom_pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The newsroom of the repository's releases, built into a copy of the workspace."""
    root = tmp_path_factory.mktemp("newsroom") / "workspace"
    root.mkdir()
    for folder in ("templates", "releases"):
        shutil.copytree(REPO / folder, root / folder)
    out = root / "site"
    done = CliRunner().invoke(cli, ["site", "--out", str(out)], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 4, pages  # the index, the releases, a contact page at least
    return pages


@needs_nu
def test_the_release_pages_pass_the_nu_html_checker(release_pages: list[Path]) -> None:
    assert nu_errors(release_pages) == []


@needs_nu
def test_the_newsroom_passes_the_nu_html_checker(newsroom_pages: list[Path]) -> None:
    assert nu_errors(newsroom_pages) == []


@needs_axe
def test_the_release_pages_pass_axe(browser: Any, release_pages: list[Path]) -> None:
    for page in release_pages:
        assert axe_violations(browser, page) == [], page.name


@needs_axe
def test_the_newsroom_passes_axe(browser: Any, newsroom_pages: list[Path]) -> None:
    for page in newsroom_pages:
        assert axe_violations(browser, page) == [], page


@needs_axe
@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("missing-alt", "image-alt"),
        ("low-contrast", "color-contrast"),
    ],
)
def test_axe_fails_a_page_made_to_fail(browser: Any, tmp_path: Path, name: str, rule: str) -> None:
    found = axe_violations(browser, failing_page(tmp_path, name))
    assert any(line.startswith(f"{rule} ") for line in found), found


@needs_nu
def test_the_nu_checker_fails_a_page_made_to_fail(tmp_path: Path) -> None:
    found = nu_errors([failing_page(tmp_path, "missing-alt")])
    assert any("alt" in line for line in found), found


def test_a_skipped_heading_level_is_found(tmp_path: Path) -> None:
    """axe's heading-order is a best practice, not a WCAG rule: presser's own check has it."""
    from .checkers import heading_levels_skipped

    assert heading_levels_skipped(failing_page(tmp_path, "skipped-heading")) == ["h1 -> h4"]


def test_no_release_page_skips_a_heading_level(release_pages: list[Path]) -> None:
    from .checkers import heading_levels_skipped

    for page in release_pages:
        assert heading_levels_skipped(page) == [], page.name
