"""SECURITY.md: its table of limits is presser/source/limits.py's, and the README links it."""

from __future__ import annotations

import re

from presser.source.limits import limit_docs

from .conftest import REPO

SECURITY = (REPO / "SECURITY.md").read_text(encoding="utf-8")


def expected_rows() -> list[str]:
    return [f"| `{name}` | {default} | {doc} |" for name, default, doc in limit_docs()]


def test_the_limits_table_is_the_code() -> None:
    rows = [line for line in SECURITY.splitlines() if re.match(r"\| `\w+` \| ", line)]
    # On failure, paste these rows into SECURITY.md's table.
    assert rows == expected_rows(), "\n" + "\n".join(expected_rows())


def test_the_promise_and_the_answers_to_known_cves_are_there() -> None:
    for needed in (
        "never touches the network",
        "never reads a file outside the project",
        "never executes anything from a release or a template",
        "never loses a good output",
        "clear error",
        "CVE-2024-28184",
        "CVE-2025-68616",
        "CVE-2026-55073",
        "## Reporting a problem",
    ):
        assert needed in SECURITY, needed


def test_the_readme_links_it() -> None:
    assert "(SECURITY.md)" in (REPO / "README.md").read_text(encoding="utf-8")


def test_every_file_it_names_exists() -> None:
    # The promise is only as good as the code and the tests it points to.
    named = set(re.findall(r"`((?:presser|tests)/[\w/.-]+\.py)`", SECURITY))
    assert named, "SECURITY.md names no module or test"
    missing = sorted(name for name in named if not (REPO / name).is_file())
    assert not missing, missing


def test_every_item_of_the_attack_is_listed_with_a_test() -> None:
    section = SECURITY.split("## Fixed after the attack", 1)[1].split("\n## ", 1)[0]
    listed: set[int] = set()
    for row in re.findall(r"^\| ([\d, ]+) \|.*\| (`tests/.*`) \|$", section, re.MULTILINE):
        listed.update(int(n) for n in row[0].split(","))
    assert listed == set(range(1, 19))
