"""Shared fixtures: the repository's own workspace and small workspaces built in tmp_path."""

from __future__ import annotations

import signal
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from presser.source.workspace import Workspace, find_workspace

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"

ORGANISATION_YAML = """\
name: Exempelkommunen
short_name: Kommunen
language: sv
timezone: Europe/Stockholm
country: SE
boilerplate:
  sv: Exempelkommunen är en kommun.
  en: Exempelkommunen is a municipality.
press_contacts:
  - name: Pia Press
    role: presschef
    phone: 08-452 73 22
    email: press@exempel.se
"""

RELEASE_YAML = """\
organisation: exempel
headline: En rubrik
published: 2026-03-02T10:00:00+01:00
lead: En ingress.
body:
  - quote: q1
  - En paragraf.
quotes:
  - id: q1
    text: Det här är bra.
    speaker: Anna Berg
    role: kommunalråd
contacts:
  - name: Anna Berg
    email: anna.berg@exempel.se
"""


MakeWorkspace = Callable[..., Workspace]


@pytest.fixture
def make_workspace(tmp_path: Path) -> MakeWorkspace:
    """Build a workspace in tmp_path: ``make_workspace(releases={"x.yaml": "..."})``."""

    def make(
        releases: dict[str, str] | None = None,
        organisations: dict[str, str] | None = None,
    ) -> Workspace:
        for slug, text in (organisations or {"exempel": ORGANISATION_YAML}).items():
            folder = tmp_path / "templates" / slug
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "organisation.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
        (tmp_path / "releases").mkdir(exist_ok=True)
        for name, text in (releases or {}).items():
            (tmp_path / "releases" / name).write_text(textwrap.dedent(text), encoding="utf-8")
        return Workspace(tmp_path)

    return make


@pytest.fixture(scope="session")
def repo_workspace() -> Workspace:
    return find_workspace(REPO)


def pytest_configure(config: pytest.Config) -> None:
    """Ctrl-C as a terminal sends it, for every presser the tests start.

    Started in the background by a shell without job control (``make test &``
    in a script), the suite inherits SIGINT ignored, and so would every
    process it starts: ``presser serve`` and ``presser build`` would then
    never see the Ctrl-C their tests send. Caught here, it is reset to the
    default in each program started (exec resets a caught signal, not an
    ignored one).
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
