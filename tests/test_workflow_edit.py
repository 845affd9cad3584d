"""The workflow's edits keep a hand-written release byte for byte apart from its own lines."""

from __future__ import annotations

import codecs
import difflib
from datetime import datetime
from pathlib import Path

import pytest

from presser.editorial.release_edit import ReleaseEditError, ReleaseFile, edit_release_text
from presser.source.loading import load_bytes

from .workflow_helpers import RELEASE, Newsroom, approve_it, make_newsroom, run

AT = datetime.fromisoformat("2026-11-23T20:01:02+01:00")
SUBMIT = {"action": "submit", "from": "draft", "to": "review", "by": "Anna Berg", "at": AT}


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines removed and the lines added."""
    removed, added = [], []
    for line in difflib.ndiff(before.splitlines(True), after.splitlines(True)):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def edited(tmp_path: Path, text: str | bytes, **kwargs: object) -> str:
    path = tmp_path / "r.yaml"
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return edit_release_text(ReleaseFile.read(path), **kwargs)  # type: ignore[arg-type]


def test_cli_round_trip_keeps_a_commented_release_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    newsroom: Newsroom = make_newsroom(tmp_path)
    approve_it()
    after = newsroom.text()
    removed, added = changed_lines(RELEASE, after)
    assert removed == ["status: draft        # where it stands\n"]
    assert added[0] == "status: approved        # where it stands\n"
    # Everything else is appended at the end: the original is a prefix, line for line.
    unchanged = RELEASE.replace("status: draft", "status: approved")
    assert after.startswith(unchanged)
    assert after[len(unchanged) :].startswith("\nhistory:\n  - action: submit\n    from: draft\n")
    # A second step appends to the same list, at the same indentation, and nothing else moves.
    assert (
        run("reject", "releases/r.yaml", "--by", "Pia", "--reason", "Nej: inte än").exit_code == 1
    )
    assert run("submit", "releases/r.yaml", "--by", "Anna Berg").exit_code == 0
    again = newsroom.text()
    removed, added = changed_lines(after, again)
    assert removed == ["status: approved        # where it stands\n"]
    assert added[0] == "status: review        # where it stands\n"
    assert added[1:] == [
        "  - action: submit\n",
        "    from: approved\n",
        "    to: review\n",
        "    by: Anna Berg\n",
        added[5],
    ]
    assert added[5].startswith("    at: 20")


def test_appends_inside_an_existing_list_before_a_trailing_comment(tmp_path: Path) -> None:
    text = (
        "headline: x\n"
        "status: draft\n"
        "history:\n"
        "- action: submit   # first\n"
        "  note: |\n"
        "    two\n"
        "    lines\n"
        "# the end\n"
    )
    after = edited(tmp_path, text, status="review", append={"history": SUBMIT})
    assert after == (
        "headline: x\n"
        "status: review\n"
        "history:\n"
        "- action: submit   # first\n"
        "  note: |\n"
        "    two\n"
        "    lines\n"
        "- action: submit\n"
        "  from: draft\n"
        "  to: review\n"
        "  by: Anna Berg\n"
        "  at: 2026-11-23T20:01:02+01:00\n"
        "# the end\n"
    )


@pytest.mark.parametrize("empty", ["history:", "history: []", "history: null"])
def test_an_empty_list_becomes_a_block_list(tmp_path: Path, empty: str) -> None:
    text = f"headline: x  # h\n{empty}\ntags: [a]\n"
    after = edited(tmp_path, text, append={"history": SUBMIT})
    assert after.startswith("headline: x  # h\nhistory:\n  - action: submit\n")
    assert after.endswith("    at: 2026-11-23T20:01:02+01:00\ntags: [a]\n")


def test_a_missing_status_goes_before_the_headline(tmp_path: Path) -> None:
    after = edited(tmp_path, "organisation: x\nheadline: y\n", status="review")
    assert after == "organisation: x\nstatus: review\nheadline: y\n"


def test_quoted_status_and_notes_that_need_quoting(tmp_path: Path) -> None:
    text = "headline: y\nstatus: 'draft'\n"
    note = 'Ja: "bra" # inte en kommentar'
    after = edited(tmp_path, text, status="review", append={"history": {**SUBMIT, "note": note}})
    data = load_bytes(after.encode(), tmp_path / "r.yaml").data
    assert data["status"] == "review"
    assert data["history"][0]["note"] == note
    assert data["history"][0]["at"] == "2026-11-23T20:01:02+01:00"


def test_crlf_and_byte_order_mark_are_kept(tmp_path: Path) -> None:
    text = "headline: y\r\nstatus: draft\r\n"
    raw = codecs.BOM_UTF8 + text.encode("utf-8")
    path = tmp_path / "r.yaml"
    path.write_bytes(raw)
    file = ReleaseFile.read(path)
    after = edit_release_text(file, status="review", append={"history": SUBMIT})
    encoded = file.encode(after)
    assert encoded.startswith(codecs.BOM_UTF8 + b"headline: y\r\nstatus: review\r\n")
    assert b"\n" not in encoded.replace(b"\r\n", b"")


def test_corrections_go_above_an_existing_history(tmp_path: Path) -> None:
    text = "headline: y\nhistory:\n  - action: submit\n    by: a\n"
    after = edited(
        tmp_path,
        text,
        append={"corrections": {"at": AT, "note": "Fel år."}, "history": SUBMIT},
    )
    assert after.startswith(
        "headline: y\ncorrections:\n  - at: 2026-11-23T20:01:02+01:00\n"
        "    note: Fel år.\n\nhistory:\n"
    )


def test_a_flow_list_with_entries_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReleaseEditError, match="one entry a line"):
        edited(tmp_path, "headline: y\nhistory: [{action: submit}]\n", append={"history": SUBMIT})
