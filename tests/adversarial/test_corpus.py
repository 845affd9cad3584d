"""Every corpus input meets its stated fate: refused exactly as written, or rendered harmless.

The inputs and their expectations are in ``corpus/`` (and in
:func:`harness.generated_cases` for the ones too big to commit); the format of
the ``# expect:`` header is described in :mod:`tests.adversarial.harness`.
All renders run as guarded subprocesses (``corpus_run``): no network, no
reads outside the project, no program started, within 10 s and 500 MB.
"""

from __future__ import annotations

import re

import pytest

from .harness import (
    ALL_CASES,
    TERMINAL_UNSAFE,
    TIME_LIMIT_SECONDS,
    Case,
    CorpusRun,
    find_element,
    json_ld,
    page_dangers,
    parse_html,
    visible_text,
)

REFUSED = [c for c in ALL_CASES if c.expect == "refused"]
RENDERED = [c for c in ALL_CASES if c.expect == "rendered"]
NEVER_PRINTED = ("Traceback", "Error:", "Exception", "MemoryError", "RecursionError")


def test_the_corpus_is_large_enough() -> None:
    assert len(ALL_CASES) >= 45
    assert len(RENDERED) >= 5


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.name)
def test_refused(case: Case, corpus_run: CorpusRun) -> None:
    run = corpus_run.runs[case.name]
    assert run.returncode == 1, run.stdout + run.stderr
    assert not any(word in run.stderr for word in NEVER_PRINTED), run.stderr
    reported = run.problems()
    assert reported, run.stderr
    for problem in reported:
        assert problem["path"].endswith(case.problem_path) or (
            case.organisation and "has problems" in problem["message"]
        ), problem
    unexplained = [
        p
        for p in reported
        if not any(e.matches(p) for e in case.problems)
        and not (case.organisation and "has problems" in p["message"])
    ]
    missing = [str(e) for e in case.problems if not any(e.matches(p) for p in reported)]
    assert missing == [] and unexplained == [], run.stderr
    # Nothing is written for a refused release.
    assert not (corpus_run.project / "build" / case.name).exists()


@pytest.mark.parametrize("case", REFUSED + RENDERED, ids=lambda c: c.name)
def test_output_is_safe_for_a_terminal(case: Case, corpus_run: CorpusRun) -> None:
    run = corpus_run.runs[case.name]
    for stream in (run.stdout, run.stderr):
        found = TERMINAL_UNSAFE.search(stream)
        assert found is None, f"U+{ord(found.group()):04X} reached the terminal: {stream!r}"


@pytest.mark.parametrize("case", REFUSED + RENDERED, ids=lambda c: c.name)
def test_bounded_and_guarded(case: Case, corpus_run: CorpusRun) -> None:
    """Within 10 s and 500 MB (RLIMIT_AS), nothing outside touched, nothing run."""
    run = corpus_run.runs[case.name]
    assert not run.timed_out
    assert run.returncode in (0, 1), (run.returncode, run.stderr[-2000:])
    assert run.violations == {}
    if case.expect == "refused":
        assert run.seconds <= TIME_LIMIT_SECONDS
    else:
        seconds = run.release_seconds.get(f"releases/{case.release_name}")
        assert seconds is not None, run.stdout
        assert seconds <= TIME_LIMIT_SECONDS


@pytest.mark.parametrize("case", RENDERED, ids=lambda c: c.name)
def test_rendered(case: Case, corpus_run: CorpusRun) -> None:
    out = corpus_run.project / "build"
    stem = case.release_name.removesuffix(".yaml")
    page = out / f"{stem}.html"
    wire = (out / f"{stem}.txt").read_text(encoding="utf-8")
    assert (out / f"{stem}.pdf").read_bytes().startswith(b"%PDF-")
    tree = parse_html(page.read_bytes())
    assert page_dangers(tree) == []
    assert json_ld(tree)["@type"] == "NewsArticle"  # the JSON-LD still parses
    text = visible_text(tree)
    for expected in case.texts:
        assert " ".join(expected.split()) in text
    for expected in case.wires:
        assert expected in wire
    for unwanted in case.absent:
        assert unwanted not in text and unwanted not in wire
    for selector, expected in case.elements:
        assert find_element(tree, selector) == expected, selector


@pytest.mark.parametrize("case", [c for c in RENDERED if c.pdf_fits], ids=lambda c: c.name)
def test_long_words_stay_on_the_pdf_page(case: Case, corpus_run: CorpusRun) -> None:
    from pypdf import PdfReader

    stem = case.release_name.removesuffix(".yaml")
    reader = PdfReader(corpus_run.project / "build" / f"{stem}.pdf")
    width = float(reader.pages[0].mediabox.width)
    runs: list[tuple[str, float, float]] = []
    for page in reader.pages:
        page.extract_text(
            visitor_text=lambda text, cm, tm, font, size: runs.append(
                (text, tm[4] * cm[0] + cm[4], size * abs(tm[0] or 1) * abs(cm[0] or 1))
            )
        )
    assert len(reader.pages) <= 4
    for prefix in case.pdf_fits:
        pieces = [(t, x, s) for t, x, s in runs if t.strip() and prefix[:6] in t]
        assert pieces, f"{prefix[:20]}… not in the PDF"
        for text, x, size in runs:
            # A run of text starts on the page and is no wider than the page
            # could hold, even in the narrowest glyphs (0.3 em each).
            assert 0 <= x < width
            assert x + 0.3 * size * len(text.strip()) <= width + 1, (text, x, size)
    # The word is broken over several lines somewhere (it is wider than any page).
    word = case.pdf_fits[0]
    assert sum(1 for t, _, _ in runs if re.search(re.escape(word[:6]), t)) >= 2


def test_the_listener_heard_nothing(corpus_run: CorpusRun) -> None:
    # Checked again by the fixture when the session ends; here for a clear failure.
    assert corpus_run.port > 0
