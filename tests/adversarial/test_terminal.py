"""Nothing from a file reaches a terminal raw: names, diffs and one-line fields.

Item 9: a release named ``x<ESC>[2J<ESC>]0;PWNED<BEL><CSI>31my.yaml`` goes
through every command on a pseudo-terminal (so build shows its progress bar);
no escape, bell or C1 control from the name reaches the output.
Item 15: a line break in a file name is shown as ``\\n`` (publish --due keeps
one line per release), and one-line fields (the ``Line`` type) refuse line breaks.
Item 18: lint --diff escapes bidi overrides and keeps å, ä, ö and curly quotes.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from presser.cli import cli
from presser.errors import safe_line, terminal_safe
from presser.source.validation import load_release
from presser.source.workspace import find_workspace

from ..conftest import REPO
from ..workflow_helpers import RELEASE, Newsroom, approve_it, make_newsroom, run

#: Clear the screen, retitle the window, ring the bell, and a C1 CSI turning text red.
HOSTILE = "x\x1b[2J\x1b]0;PWNED\x07\u009b31my"
#: What of it must never reach the terminal.
RAW = ("\x1b[2J", "\x1b]0;", "\x07", "\u009b")
#: How the messages show the name instead.
ESCAPED = "x\\x1b[2J\\x1b]0;PWNED\\x07\\x9b31my"

#: A release with a lint warning (a double space), so lint names the file.
WARNED = RELEASE.replace("En paragraf om simhallen.", "En paragraf  om simhallen.")

# click's progress bar hides the cursor while it draws and shows it again after.
CLICK_CURSOR = ("\x1b[?25l", "\x1b[?25h")


def on_terminal(args: list[str], cwd: Path) -> str:
    """Run presser with stdout and stderr on a pseudo-terminal; everything it printed."""
    master, slave = os.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm", "COLUMNS": "120"}
    process = subprocess.Popen(
        [sys.executable, "-m", "presser", *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 120)
            if not ready:
                break
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the program closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        process.wait(timeout=120)
        os.close(master)
    return b"".join(chunks).decode("utf-8", errors="replace")


def assert_nothing_raw(output: str) -> None:
    for sequence in RAW:
        assert sequence not in output, output
    rest = output
    for sequence in CLICK_CURSOR:
        rest = rest.replace(sequence, "")
    assert "\x1b" not in rest, output
    assert not any(0x80 <= ord(ch) <= 0x9F for ch in rest), output


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Newsroom:
    monkeypatch.chdir(tmp_path)
    newsroom = make_newsroom(tmp_path, releases={f"{HOSTILE}.yaml": WARNED})
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    (drafts / f"{HOSTILE}.yaml").write_text(
        RELEASE.replace("published: 2010-03-02T10:00:00+01:00", "published: igår"), "utf-8"
    )
    return newsroom


def test_no_command_prints_a_file_name_raw(hostile: Newsroom) -> None:
    release = f"releases/{HOSTILE}.yaml"
    steps: list[tuple[list[str], bool]] = [  # (command, whether it names the file)
        (["validate", "drafts/"], True),
        (["validate", release], False),
        (["lint", release], True),
        (["lint", "drafts/"], True),
        (["lint", "--diff", release], True),
        (["render", release, "--format", "txt"], True),
        (["build", "--format", "txt", "--force"], True),  # a progress bar: on a terminal
        (["new", HOSTILE], True),
        (["submit", release, "--by", "Anna Berg"], True),
        (["approve", release, "--by", "Pia Press"], True),
        (["publish", release, "--by", "Pia Press"], True),
        (["status"], True),
        (["correct", release, "--by", "Pia Press", "--note", "Rättat."], True),
    ]
    for command, names_it in steps:
        output = on_terminal(command, hostile.root)
        assert_nothing_raw(output)
        if names_it:
            assert "PWNED" in output, (command, output)
    assert "status: draft" in hostile.text(f"{HOSTILE}.yaml")  # every step went through
    build = on_terminal(["build", "--format", "txt", "--force"], hostile.root)
    assert "Rendering" in build and ESCAPED in build  # the bar named the release, escaped


# --------------------------------------------------------------------------- item 15: line breaks

BROKEN = "a\npublished fake"


def test_a_line_break_in_a_file_name_cannot_start_a_line_of_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    make_newsroom(
        tmp_path,
        releases={
            f"{BROKEN}.yaml": RELEASE,
            f"{BROKEN}-bad.yaml": RELEASE.replace("headline: ", "headlin: "),
        },
    )
    validated = run("validate", "releases/")
    assert "releases/a\\npublished fake-bad.yaml:" in validated.output
    assert [line for line in validated.output.splitlines() if line.startswith("published")] == []
    for command in (
        ["render", f"releases/{BROKEN}.yaml", "--format", "txt"],
        ["submit", f"releases/{BROKEN}.yaml", "--by", "Anna Berg"],
        ["status"],
    ):
        result = run(*command)
        assert result.exit_code == 0, result.output
        assert "a\\npublished fake" in result.output
        assert "\npublished fake" not in result.output, result.output


def test_publish_due_prints_one_line_per_release_whatever_the_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    make_newsroom(tmp_path, releases={f"{BROKEN}.yaml": RELEASE})
    approve_it(f"{BROKEN}.yaml")
    result = run("publish", "--due", "--by", "Pia Press")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("published releases/a\\npublished fake.yaml: v1 -> "), lines
    assert lines[1:] == ["1 published, 0 waiting, 0 refused."]


@pytest.mark.parametrize(
    ("field", "written"),
    [
        ("headline", 'headline: "Kommunen bygger\\nen ny simhall"'),
        ("headline", "headline: |\n  Kommunen bygger\n  en ny simhall"),
        ("headline", 'headline: "Kommunen bygger\\ren ny simhall"'),
        ("headline", 'headline: "Kommunen bygger\\Len ny simhall"'),
        ("headline", 'headline: "Kommunen bygger\\Nen ny simhall"'),
        ("headline", "headline: >\n  Kommunen bygger\n\n  en ny simhall"),
    ],
    ids=["escaped-newline", "literal-block", "carriage-return", "u2028", "nel", "folded-blank"],
)
def test_a_one_line_field_refuses_a_line_break(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, field: str, written: str
) -> None:
    monkeypatch.chdir(tmp_path)
    release = RELEASE.replace('headline: "Kommunen bygger en ny simhall"', written)
    make_newsroom(tmp_path, releases={"r.yaml": release})
    result = run("validate", "releases/r.yaml")
    assert result.exit_code == 1, result.output
    assert (
        "releases/r.yaml:5:11: headline: must be one line, but has a line break after "
        "character 15; join the lines"
    ) in result.output


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("speaker: Anna Berg", 'speaker: "Anna\\nBerg"'),
        ("role: kommunalråd", 'role: "kommunal\\nråd"'),
        ("  - name: Anna Berg", '  - name: "Anna\\u2028Berg"'),
        ("tags: [simhall,   bad]", 'tags: [simhall, "b\\nad"]'),
    ],
    ids=["speaker", "role", "contact-name", "tag"],
)
def test_names_roles_and_tags_refuse_a_line_break(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, before: str, after: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert before in RELEASE
    make_newsroom(tmp_path, releases={"r.yaml": RELEASE.replace(before, after, 1)})
    result = run("validate", "releases/r.yaml")
    assert result.exit_code == 1, result.output
    assert "must be one line, but has a line break" in result.output


def test_a_block_scalars_own_final_line_break_is_not_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    release = RELEASE.replace(
        'headline: "Kommunen bygger en ny simhall"', "headline: |\n  Kommunen bygger en ny simhall"
    )
    newsroom = make_newsroom(tmp_path, releases={"r.yaml": release})
    workspace = find_workspace(tmp_path)
    loaded = load_release(newsroom.release(), workspace)
    assert loaded.release.headline == "Kommunen bygger en ny simhall"


# --------------------------------------------------------------------------- item 18: the diff


def test_lint_diff_escapes_bidi_overrides_and_keeps_letters_and_quotes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    body = "En paragraf om simhallen."
    tricky = "Åke  säger ”ja” till \u202ebadet\u202c i år."
    make_newsroom(tmp_path, releases={"r.yaml": RELEASE.replace(body, tricky)})
    result = CliRunner().invoke(cli, ["lint", "--diff", "releases/r.yaml"])
    assert "\u202e" not in result.output and "\u202c" not in result.output
    assert "-  - Åke  säger ”ja” till \\u202ebadet\\u202c i år." in result.output
    assert "+  - Åke säger ”ja” till \\u202ebadet\\u202c i år." in result.output


def test_lint_diff_keeps_a_crlf_files_line_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    newsroom = make_newsroom(tmp_path, releases={"r.yaml": ""})
    newsroom.release().write_bytes(WARNED.replace("\n", "\r\n").encode("utf-8"))
    result = CliRunner().invoke(cli, ["lint", "--diff", "releases/r.yaml"])
    shown = result.stdout_bytes.decode("utf-8")  # .output would turn CRLF into LF
    assert "\n+  - En paragraf om simhallen.\r\n" in shown
    assert "\\r" not in shown


def test_a_lone_carriage_return_is_escaped_and_a_line_end_kept() -> None:
    # A lone CR would let a line overwrite the one before it on the terminal.
    assert terminal_safe("ok\rforged\r\nnext\n") == "ok\\rforged\r\nnext\n"
    assert safe_line("a\nb\r\n") == "a\\nb\\r\\n"
