"""presser lint --fix and --diff: only the fixed spans change, and only when it is safe."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from click.testing import CliRunner

from presser.cli import cli
from presser.lint import fix
from presser.lint.engine import context_for
from presser.source.validation import load_release

from .conftest import REPO, MakeWorkspace
from .lint_helpers import release_yaml, workspace_with

GOLDEN = REPO / "tests" / "golden" / "lint-fix"


@pytest.fixture
def golden_release(make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch) -> Path:
    before = (GOLDEN / "before.yaml").read_text(encoding="utf-8")
    workspace = workspace_with(make_workspace, before)
    monkeypatch.chdir(workspace.root)
    return workspace.releases_dir / "r.yaml"


def test_fix_matches_the_golden_file(golden_release: Path) -> None:
    result = CliRunner().invoke(cli, ["lint", "--fix", str(golden_release)])
    assert golden_release.read_bytes() == (GOLDEN / "after.yaml").read_bytes()
    assert "fixed 14 (Q103 ×6, T102 ×4, T104 ×1, T105 ×3)" in result.output
    # What is left is the lone quotation mark --fix cannot pair: a warning, so exit 0.
    assert result.exit_code == 0, result.output
    assert "Q103" in result.output and "set it by hand" in result.output


def test_fix_changes_only_the_fixed_lines() -> None:
    before = (GOLDEN / "before.yaml").read_text(encoding="utf-8").splitlines()
    after = (GOLDEN / "after.yaml").read_text(encoding="utf-8").splitlines()
    assert len(before) == len(after)
    changed = [i + 1 for i, (b, a) in enumerate(zip(before, after, strict=True)) if b != a]
    # headline, the lead's two lines, the literal block's heading, the two quoted body
    # blocks and the quote: comments, flow mapping and the hard line break stay.
    assert changed == [4, 9, 10, 15, 19, 20, 24]
    for line in changed:
        matcher = difflib.SequenceMatcher(None, before[line - 1], after[line - 1])
        for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
            if tag != "equal":
                assert set(before[line - 1][i1:i2]) <= set('" -\\'), (line, tag)


def test_fix_twice_changes_nothing(golden_release: Path) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["lint", "--fix", str(golden_release)])
    fixed = golden_release.read_bytes()
    result = runner.invoke(cli, ["lint", "--diff", str(golden_release)])
    assert result.exit_code == 0
    assert "Nothing to fix." in result.output
    assert golden_release.read_bytes() == fixed


def test_diff_shows_the_fix_and_writes_nothing(golden_release: Path) -> None:
    before = golden_release.read_bytes()
    result = CliRunner().invoke(cli, ["lint", "--diff", str(golden_release)])
    assert result.exit_code == 1
    assert golden_release.read_bytes() == before
    assert '-headline: Kommunen bygger skolan "Centrum" - i år' in result.output
    assert "+headline: Kommunen bygger skolan ”Centrum” – i år" in result.output
    assert "+++ b/releases/r.yaml" in result.output


def test_fix_and_diff_together_is_a_usage_error(golden_release: Path) -> None:
    result = CliRunner().invoke(cli, ["lint", "--fix", "--diff", str(golden_release)])
    assert result.exit_code == 2
    assert "choose one" in result.output


def test_fix_refuses_when_the_file_changed_on_disk(
    golden_release: Path, make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from presser.editorial import linting as command

    real_read = command.SourceText.read

    def read_then_someone_edits(path: Path) -> object:
        text = real_read(path)
        path.write_text(path.read_text(encoding="utf-8") + "# edited meanwhile\n", "utf-8")
        return text

    monkeypatch.setattr(command.SourceText, "read", read_then_someone_edits)
    result = CliRunner().invoke(cli, ["lint", "--fix", str(golden_release)])
    assert "changed on disk" in result.output
    assert golden_release.read_text(encoding="utf-8").endswith("# edited meanwhile\n")
    assert "”Centrum”" not in golden_release.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("sv", "”Centrum” – i år"), ("en", "“Centrum” – i år"), ("de", "„Centrum“ – i år")],
)
def test_quotation_marks_follow_the_language(
    make_workspace: MakeWorkspace, language: str, expected: str
) -> None:
    text = release_yaml(language=language, headline='Skolan "Centrum" - i år')
    workspace = workspace_with(make_workspace, text)
    loaded = load_release(workspace.releases_dir / "r.yaml", workspace)
    result = fix.apply(context_for(loaded), set(fix.FIXABLE))
    assert f"headline: Skolan {expected}\n" in result.fixed


def test_a_fix_that_would_change_the_data_is_refused(
    make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = workspace_with(make_workspace, release_yaml(lead="Ett  två."))
    loaded = load_release(workspace.releases_dir / "r.yaml", workspace)
    context = context_for(loaded)
    # A broken planner that deletes a word must be caught by the re-parse.
    monkeypatch.setattr(fix, "plan", lambda ctx, codes: [fix.Edit(0, 12, "", "T102")])
    with pytest.raises(fix.UnsafeFix):
        fix.apply(context, {"T102"})


def test_fix_keeps_a_byte_order_mark(make_workspace: MakeWorkspace) -> None:
    workspace = workspace_with(make_workspace, "")
    path = workspace.releases_dir / "r.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + release_yaml(lead="Ett  tv\u00e5.").encode("utf-8"))
    result = CliRunner().invoke(cli, ["lint", "--fix", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_bytes().startswith(b"\xef\xbb\xbforganisation:")
    assert "lead: Ett två." in path.read_text(encoding="utf-8-sig")
