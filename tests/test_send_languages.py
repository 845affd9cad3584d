"""presser send in each recipient's language: a published translation goes to its readers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from presser.distribution.message import message_id

from .smtp_server import Relay, relay
from .workflow_helpers import RELEASE, approve_it, make_newsroom, organisation, run

__all__ = ["relay"]  # the fixture, used by name

ENGLISH = (
    RELEASE.replace("language: sv", "language: en\ntranslation_of: r")
    .replace('"Kommunen bygger en ny simhall"', '"The municipality builds a new pool"')
    .replace("Det här är bra.", "This is good.")
)

DISTRIBUTION = """\
distribution:
  from: Exempelkommunen <press@exempel.se>
  lists:
    - name: press
      recipients: lists/press.csv
    - name: foreign
      language: en
      recipients: [editor@foreign.example]
  wires:
    - name: tt
      to: desk@wire.example.se
      language: en-GB
"""

CSV = """\
email,name,language
sv@example.se,Svea,sv
en@example.com,Emma,en
de@example.de,Dieter,de
none@example.org,,
"""


def subjects(relay: Relay) -> dict[str, str]:
    return {item.recipients[0]: str(item.message()["Subject"]) for item in relay.received}


def log_entries(root: Path, stem: str) -> list[dict[str, object]]:
    path = root / "published" / stem / "v1" / "sent.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relay: Relay) -> Path:
    """A Swedish release r and its English translation r-en, both approved."""
    monkeypatch.chdir(tmp_path)
    newsroom = make_newsroom(tmp_path, releases={"r.yaml": RELEASE, "r-en.yaml": ENGLISH})
    org = newsroom.root / "templates" / "exempel" / "organisation.yaml"
    org.write_text(organisation() + DISTRIBUTION, encoding="utf-8")
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "press.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "presser.yaml").write_text(relay.settings(), encoding="utf-8")
    approve_it("r.yaml")
    approve_it("r-en.yaml")
    done = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert done.exit_code == 0, done.output
    return tmp_path


def publish_translation() -> None:
    done = run("publish", "releases/r-en.yaml", "--by", "Pia Press")
    assert done.exit_code == 0, done.output


SWEDISH_SUBJECT = "Kommunen bygger en ny simhall"
ENGLISH_SUBJECT = "The municipality builds a new pool"


def test_each_recipient_gets_the_version_in_their_language(pair: Path, relay: Relay) -> None:
    publish_translation()
    done = run("send", "releases/r.yaml", "--list", "press", "--list", "foreign", "--list", "tt")
    assert done.exit_code == 0, done.output
    assert "in their language: 3 in en, 3 in sv" in done.output
    assert subjects(relay) == {
        "sv@example.se": SWEDISH_SUBJECT,
        "en@example.com": ENGLISH_SUBJECT,  # the row's language
        "de@example.de": SWEDISH_SUBJECT,  # no German version: the original
        "none@example.org": SWEDISH_SUBJECT,  # no language: the release named
        "editor@foreign.example": ENGLISH_SUBJECT,  # the list's language
        "desk@wire.example.se": ENGLISH_SUBJECT,  # en-GB reads the en version
    }
    english = relay.received[1].message()
    assert english["Message-ID"] == message_id("r-en", 1, "en@example.com", "exempel.se")
    assert "The municipality builds a new pool" in english.get_body(("plain",)).get_content()
    entries = {e["address"]: e for e in log_entries(pair, "r") if e["state"] == "sent"}
    assert entries["en@example.com"]["release"] == "r-en"
    assert "release" not in entries["sv@example.se"]
    assert log_entries(pair, "r-en") == []  # the send's own log holds every record

    # The translation's send sees who already got a language version: no one twice.
    again = run("send", "releases/r-en.yaml", "--list", "press", "--list", "foreign")
    assert again.exit_code == 0, again.output
    assert "Nothing to send" in again.output and "5 sent already" in again.output
    assert len(relay.received) == 6


def test_a_translation_not_yet_published_is_not_sent(pair: Path, relay: Relay) -> None:
    done = run("send", "releases/r.yaml", "--list", "press", "--list", "tt")
    assert done.exit_code == 0, done.output
    assert set(subjects(relay).values()) == {SWEDISH_SUBJECT}
    assert "in their language" not in done.output


def test_a_translation_named_sends_the_original_to_other_languages(
    pair: Path, relay: Relay
) -> None:
    publish_translation()
    done = run("send", "releases/r-en.yaml", "--list", "press")
    assert done.exit_code == 0, done.output
    assert subjects(relay) == {
        "sv@example.se": SWEDISH_SUBJECT,
        "en@example.com": ENGLISH_SUBJECT,
        "de@example.de": SWEDISH_SUBJECT,  # no German version: the original
        "none@example.org": ENGLISH_SUBJECT,  # no language: the release named
    }
    entries = {e["address"]: e for e in log_entries(pair, "r-en") if e["state"] == "sent"}
    assert entries["sv@example.se"]["release"] == "r"


def test_a_dry_run_writes_each_message_in_its_language(pair: Path) -> None:
    publish_translation()
    done = run("send", "releases/r.yaml", "--list", "press", "--dry-run")
    assert done.exit_code == 0, done.output
    outbox = pair / "build" / "outbox" / "r" / "v1"
    english = next(outbox.glob("*en@example.com.eml")).read_bytes()
    ident = message_id("r-en", 1, "en@example.com", "exempel.se")
    assert f"Message-ID: {ident}".encode() in english


def test_a_recipients_language_that_is_no_language_tag_is_positioned(
    pair: Path, relay: Relay
) -> None:
    (pair / "lists" / "press.csv").write_text(CSV + "x@example.se,X,english!\n", encoding="utf-8")
    done = run("send", "releases/r.yaml", "--list", "press")
    assert done.exit_code == 1
    assert "lists/press.csv:6:1: (list press): language: a BCP 47 language tag" in done.output
    assert relay.received == []


def test_a_send_of_a_language_version_running_holds_this_one_back(pair: Path, relay: Relay) -> None:
    """Each send sees the other versions' logs, so they must not run at once."""
    from presser.distribution.log import SendLog

    publish_translation()
    log = pair / "published" / "r-en" / "v1" / "sent.jsonl"
    with SendLog(log, "published/r-en/v1/sent.jsonl"):  # as a send of r-en holds it
        done = run("send", "releases/r.yaml", "--list", "press")
    assert done.exit_code == 1, done.output
    assert "published/r-en/v1/sent.jsonl: another presser send" in done.output
    assert relay.received == []
    again = run("send", "releases/r.yaml", "--list", "press")
    assert again.exit_code == 0, again.output
    assert len(relay.received) == 4
