"""The pieces of presser serve on their own: the address parser, error reports, the hash memo."""

from __future__ import annotations

from pathlib import Path

import pytest

from presser.errors import Problem, ProblemsFound, TemplateProblem
from presser.preview.problems import report_for
from presser.preview.server import _segments
from presser.preview.watch import FileHashes, snapshot


@pytest.mark.parametrize(
    ("target", "segments"),
    [
        ("/", [""]),
        ("/releases/r/", ["releases", "r", ""]),
        ("/releases/ny%20simhall/", ["releases", "ny simhall", ""]),
        ("/releases/%C3%A5/build/%C3%A5.html", ["releases", "å", "build", "å.html"]),
        ("/releases/r/?x=1#top", ["releases", "r", ""]),
    ],
)
def test_addresses_are_split_and_decoded_once(target: str, segments: list[str]) -> None:
    parsed = _segments(target)
    assert parsed is not None and parsed[0] == segments


@pytest.mark.parametrize(
    "target",
    [
        "/..",
        "/a/../b",
        "/a/%2e%2e/b",
        "/a/%2E/b",
        "/a/.%2e/b",
        "/a/%2f/b",
        "/a/%5c/b",
        "/a/b%00",
        "/a/%ff",
        "//host/x",
        "http://localhost/x",
        "x",
        "",
        "*",
    ],
)
def test_addresses_that_could_climb_are_refused(target: str) -> None:
    assert _segments(target) is None


def test_a_double_encoding_stays_a_name() -> None:
    parsed = _segments("/a/%252e%252e/b")
    assert parsed is not None and parsed[0] == ["a", "%2e%2e", "b"]  # never decoded twice


def test_a_problem_is_shown_with_its_line_and_a_mark(tmp_path: Path) -> None:
    release = tmp_path / "r.yaml"
    release.write_text("organisation: x\nheadline: [\n", encoding="utf-8")
    problem = Problem("releases/r.yaml", 2, 11, "headline", "broken")
    report = report_for(ProblemsFound([problem]), [], {"releases/r.yaml": release})
    (entry,) = report.entries
    assert entry.place == "releases/r.yaml:2:11" and entry.field == "headline"
    assert entry.excerpt is not None
    assert entry.excerpt.text == "headline: ["
    assert entry.excerpt.marker == "          ^"
    assert report.title == "1 problem found"


def test_a_problem_in_a_file_not_offered_shows_no_line(tmp_path: Path) -> None:
    problem = Problem("/etc/passwd", 1, 1, "(file)", "x")
    (entry,) = report_for(ProblemsFound([problem]), [], {}).entries
    assert entry.excerpt is None


def test_a_line_with_control_characters_is_escaped(tmp_path: Path) -> None:
    release = tmp_path / "r.yaml"
    release.write_text("headline: a\x1b[31mb\n", encoding="utf-8")
    problem = Problem("r.yaml", 1, 11, "headline", "x")
    (entry,) = report_for(ProblemsFound([problem]), [], {"r.yaml": release}).entries
    assert entry.excerpt is not None and "\x1b" not in entry.excerpt.text
    assert "\\x1b" in entry.excerpt.text


def test_a_template_error_shows_the_template_line(tmp_path: Path) -> None:
    folder = tmp_path / "templates" / "acme"
    folder.mkdir(parents=True)
    template = folder / "release.html.j2"
    template.write_text("one\n{{ broken( }}\n", encoding="utf-8")
    error = TemplateProblem("templates/acme/release.html.j2:2: unexpected end")
    (entry,) = report_for(error, [template], {}).entries
    assert entry.place == "templates/acme/release.html.j2:2"
    assert entry.excerpt is not None and entry.excerpt.text == "{{ broken( }}"


def test_a_bug_is_one_line_not_a_traceback() -> None:
    report = report_for(ValueError("boom"), [], {})
    assert report.as_text() == "internal error: ValueError: boom"


def test_hashes_are_read_again_only_when_a_file_moved(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("one")
    hashes = FileHashes(lambda resolved: resolved.is_relative_to(tmp_path))
    first = hashes.of(path)
    assert hashes.of(path) == first
    path.write_text("two")
    assert hashes.of(path) != first
    assert hashes.of(tmp_path / "nothing") == "missing"


def test_a_link_out_is_never_read(tmp_path: Path) -> None:
    inside = tmp_path / "inside"
    inside.mkdir()
    (inside / "link").symlink_to("/etc/passwd")
    hashes = FileHashes(lambda resolved: resolved.is_relative_to(inside))
    assert hashes.of(inside / "link") == "outside"


def test_a_snapshot_sees_an_added_and_a_removed_file(tmp_path: Path) -> None:
    before = snapshot([tmp_path], [])
    (tmp_path / "new.yaml").write_text("x")
    added = snapshot([tmp_path], [])
    assert added != before
    (tmp_path / "new.yaml").unlink()
    assert snapshot([tmp_path], []) == before
