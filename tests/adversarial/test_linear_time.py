"""Time grows at most linearly with the size of a release, whatever its shape.

Every command that reads a release (validate, lint, status, submit, render to
HTML and text) is timed on the same pathological shape at two sizes, ten
times apart: many unknown keys, runs of ``[``, ``*``, ``_``, backticks and
``<``, nesting as deep as the limits allow, long lists of tags and quotes,
many short lines, one long line. The larger must take less than twenty times
the smaller (linear work takes about ten; anything quadratic, a hundred).
Each is the best of up to three calls of the library function, in-process,
so that the time measured is presser's and another process's burst on a
shared machine is not.

The sizes are 10 KB and 100 KB as the attacks were measured. Honest work on
100 KB of Markdown takes seconds in markdown-it and the lint rules, so
the whole file would take minutes: by default the step is taken at a
tenth of that (1 KB and 10 KB, each with its fixed cost subtracted, as
measured on an empty release), which tells linear from quadratic just as
well. ``PRESSER_LINEAR_SMALL_BYTES=10000`` runs it at the attacks' sizes.
"""

from __future__ import annotations

import contextlib
import gc
import os
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from presser.editorial import workflow
from presser.editorial.linting import lint_file
from presser.editorial.status import status_rows
from presser.errors import PresserError, ProblemsFound
from presser.render.pipeline import RenderOptions, render_outputs
from presser.source.validation import load_release, validate_files
from presser.source.workspace import Workspace

from ..conftest import ORGANISATION_YAML

SMALL = int(os.environ.get("PRESSER_LINEAR_SMALL_BYTES", "3000"))
LARGE = 10 * SMALL
#: Linear work takes ten times as long at ten times the size; quadratic work, a hundred.
MAX_RATIO = 20
TRIES = 3

HEAD = (
    "organisation: exempel\n"
    "published: 2026-03-02T10:00:00+01:00\n"
    "headline: Mässan öppnar i Jönköping\n"
    "contacts:\n"
    "  - {name: Anna Berg, email: anna.berg@exempel.se}\n"
)


def _repeat(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit))


def _body(unit: str) -> Callable[[int], str]:
    """A body that is ``unit`` over and over, as one block scalar."""

    def make(size: int) -> str:
        text = _repeat(unit, size - len(HEAD) - 20).rstrip()
        return HEAD + "body: |\n" + textwrap.indent(text, "  ", lambda line: True) + "\n"

    return make


def _unknown_keys(size: int) -> str:
    return HEAD + "lead: En ingress.\n" + "".join(f"okänd{i}: x\n" for i in range(size // 12))


def _tags(size: int) -> str:
    # A hundred bytes a tag: 1,000 tags (max_list_items) at 100 KB.
    tag = "  - mässa i Jönköping " + "x" * 74 + "\n"
    return HEAD + "lead: En ingress.\ntags:\n" + _repeat(tag, size - len(HEAD) - 30)


def _quotes(size: int) -> str:
    count = max(1, (size - len(HEAD)) // 100)
    quotes = "".join(
        f"  - {{id: q{i}, text: Det här är ett citat om mässan i Jönköping., speaker: Anna Berg}}\n"
        for i in range(count)
    )
    return HEAD + "lead: En ingress.\nquotes:\n" + quotes


_NESTED = (
    # Eight list levels (two each) and eighteen quotes: just under max_markdown_nesting.
    "".join("  " * level + "- punkt\n" for level in range(8)) + "\n" + "> " * 18 + "citat\n\n"
)

#: name -> the release text of about the size given, in bytes.
SHAPES: dict[str, Callable[[int], str]] = {
    "unknown-keys": _unknown_keys,
    "brackets": _body("[ "),
    "stars": _body("*a "),
    "star-runs": _body("*" * 40 + " "),
    "underscores": _body("_a "),
    "backticks": _body("`a "),
    "backtick-runs": _body("`" * 20 + " "),
    "angles": _body("<http:" * 6 + " < "),
    "nesting": _body(_NESTED),
    "tags": _tags,
    "quotes": _quotes,
    "short-lines": _body("Ja.\n"),
    "one-long-line": _body("Mässan öppnar. "),
}


def _write_workspace(root: Path, release: str) -> tuple[Workspace, Path]:
    (root / "templates" / "exempel").mkdir(parents=True)
    (root / "templates" / "exempel" / "organisation.yaml").write_text(
        ORGANISATION_YAML, encoding="utf-8"
    )
    (root / "releases").mkdir()
    path = root / "releases" / "release.yaml"
    path.write_text(release, encoding="utf-8")
    return Workspace(root), path


def _render(path: Path, workspace: Workspace) -> None:
    try:
        loaded = load_release(path, workspace)
    except ProblemsFound:
        return
    render_outputs(loaded, workspace.root / "build", RenderOptions(formats=("html", "txt")))


def _submit(path: Path, workspace: Workspace) -> None:
    # Refused (problems, lint errors) or not: what it cost to say so is what counts.
    with contextlib.suppress(PresserError):
        workflow.submit(path, workspace, by="Anna Berg")


#: command -> what it calls, given the release file and its workspace.
COMMANDS: dict[str, Callable[[Path, Workspace], object]] = {
    "validate": lambda path, workspace: validate_files([path], workspace),
    "lint": lambda path, workspace: lint_file(path, workspace),
    "status": lambda path, workspace: status_rows([path], workspace),
    "submit": _submit,
    "render": _render,
}


class _Timed:
    """One release in its own workspace, with each command's best time so far."""

    def __init__(self, root: Path, release: str) -> None:
        self.release = release
        self.workspace, self.path = _write_workspace(root, release)

    def once(self, command: str) -> float:
        self.path.write_text(self.release, encoding="utf-8")  # submit writes the file
        gc.collect()
        start = time.perf_counter()
        COMMANDS[command](self.path, self.workspace)
        return time.perf_counter() - start

    def best(self, command: str, tries: int = TRIES) -> float:
        return min(self.once(command) for _ in range(tries))


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_time_grows_linearly_with_size(shape: str, tmp_path: Path) -> None:
    make = SHAPES[shape]
    small_text, large_text = make(SMALL), make(LARGE)
    sizes = len(small_text.encode()), len(large_text.encode())
    assert 8 < sizes[1] / sizes[0] < 12, sizes  # the shapes scale as meant
    small = _Timed(tmp_path / "small", small_text)
    large = _Timed(tmp_path / "large", large_text)
    slow = []
    for command in COMMANDS:
        base = small.best(command)
        # Up to three tries, one under the bound being enough. A retry times the small
        # one again just before the large one and compares the two, so that a burst of
        # load on a shared machine weighs on both sizes alike.
        pairs = [(base, large.once(command))]
        while min(big / little for little, big in pairs) >= MAX_RATIO and len(pairs) < TRIES:
            again = small.once(command)
            pairs.append((again, large.once(command)))
        base, took = min(pairs, key=lambda pair: pair[1] / pair[0])
        if took >= MAX_RATIO * base:
            slow.append(
                f"{command}: {base * 1000:.1f} ms at {sizes[0]:,} bytes, "
                f"{took * 1000:.1f} ms at {sizes[1]:,} ({took / base:.0f} times)"
            )
    assert not slow, f"{shape}: time grows faster than the size:\n" + "\n".join(slow)
