"""Guards for the adversarial suite: no network, no reads outside the project, nothing run.

Fixtures (usable from any test in ``tests/adversarial/``):

``loopback`` (session)
    A TCP listener on 127.0.0.1 that records every connection; corpus inputs
    name ``http://127.0.0.1:PORT/`` with its port, so a render that fetched
    one would be caught here.
``guard``
    The process's audit hook (:mod:`tests.adversarial.guards`), reset, with
    the listener's port. Switch it on around a render with
    ``with guard.watching(project): ...``; when the test ends it asserts that
    nothing was read outside ``project`` and the allowed system places, no
    connection was made or attempted, no name looked up, no program started,
    and the listener saw nobody.
``corpus_run`` (session)
    Every corpus case through ``presser render`` in guarded subprocesses
    (see :func:`harness.run_corpus`), shared by the corpus, cost and browser
    tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .guards import GUARD, Guard, LoopbackListener, install
from .harness import ALL_CASES, CorpusRun, run_corpus


@pytest.fixture(scope="session")
def loopback() -> Iterator[LoopbackListener]:
    listener = LoopbackListener()
    yield listener
    listener.close()


@pytest.fixture(scope="session")
def weasyprint_imported() -> None:
    """Import WeasyPrint before any guard is on, as presser does: its C libraries found
    without starting a program (the guard would see nothing either way; importing
    first keeps the import's own file reads out of each test's record)."""
    from presser.render.libraries import library_lookup

    with library_lookup():
        import weasyprint  # noqa: F401

        import presser.render.pdf  # noqa: F401


@pytest.fixture
def guard(
    loopback: LoopbackListener, weasyprint_imported: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Guard]:
    from presser.render.printer import PdfPrinter

    # The record is this process's: lay out PDFs here, not in a forked printer.
    monkeypatch.setattr(PdfPrinter, "available", staticmethod(lambda: False))
    install()
    GUARD.listener_port = loopback.port
    GUARD.reset()
    before = len(loopback.connections)
    yield GUARD
    GUARD.active = False
    assert GUARD.violations() == {}, "the render went outside its bounds"
    assert loopback.connections[before:] == [], "the loopback listener was contacted"


@pytest.fixture(scope="session")
def corpus_run(
    tmp_path_factory: pytest.TempPathFactory, loopback: LoopbackListener
) -> Iterator[CorpusRun]:
    root = tmp_path_factory.mktemp("corpus")
    before = len(loopback.connections)
    run = run_corpus(root, ALL_CASES, loopback.port)
    yield run
    assert loopback.connections[before:] == [], "a corpus render contacted the listener"
