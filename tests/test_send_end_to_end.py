"""From presser init to journalists' inboxes: a new workspace's release sent to a loopback relay."""

from __future__ import annotations

import io
from email.message import EmailMessage
from pathlib import Path

import pypdf
import pytest

from .smtp_server import Relay, relay
from .workflow_helpers import run

__all__ = ["relay"]

RELEASE = """\
organisation: exempel
language: en
type: press-release
status: draft
headline: "New swimming hall opens by the square"
published: 2026-03-02T10:00:00+01:00

lead: "Exempelkommunen opens a new swimming hall by the square on 2 March."

body:
  - quote: q1
  - "The hall has a 25-metre pool and a teaching pool."

quotes:
  - id: q1
    text: "Everyone in town should learn to swim."
    speaker: "Anna Berg"
    role: "chair of the council"

contacts:
  - name: "Anna Berg"
    role: "press officer"
    phone: "08-452 70 00"
    email: press@exempel.se
"""

ORGANISATION = """\
boilerplate:
  en: Exempelkommunen is a municipality.
press_contacts:
  - name: Pia Press
    email: pia.press@exempel.se
    phone: "08-452 70 01"
distribution:
  from: Exempelkommunen <press@exempel.se>
  unsubscribe_url: https://exempel.se/press/unsubscribe
  lists:
    - name: journalists-en
      recipients: lists/journalists-en.csv
  wires:
    - name: tt
      to: desk@wire.example
      wire: us
      width: 0
      attach_pdf: true
"""


def submit_approve_publish(release: str) -> None:
    for step in (
        ("submit", release, "--by", "Anna Berg"),
        ("approve", release, "--by", "Pia Press"),
        ("publish", release, "--by", "Pia Press"),
    ):
        done = run(*step)
        assert done.exit_code == 0, (step, done.output)


def test_init_write_approve_publish_send_correct_send(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relay: Relay
) -> None:
    done = run("init", str(tmp_path / "ws"), "--org", "exempel", "--name", "Exempelkommunen")
    assert done.exit_code == 0, done.output
    root = tmp_path / "ws"
    monkeypatch.chdir(root)
    for example in (root / "releases").glob("*.yaml"):
        example.unlink()
    (root / "releases" / "swimming-hall.yaml").write_text(RELEASE, encoding="utf-8")
    org = root / "templates" / "exempel" / "organisation.yaml"
    org.write_text(org.read_text(encoding="utf-8") + ORGANISATION, encoding="utf-8")
    (root / "lists").mkdir()
    (root / "lists" / "journalists-en.csv").write_text(
        "email,name,language\nanna@news.example,Anna Reporter,en\nbo@paper.example,Bo Ek,sv\n",
        encoding="utf-8",
    )
    (root / "presser.yaml").write_text(relay.settings(), encoding="utf-8")
    release = "releases/swimming-hall.yaml"
    submit_approve_publish(release)

    done = run("send", release, "--list", "journalists-en", "--list", "tt")
    assert done.exit_code == 0, done.output
    assert sorted(relay.recipients()) == [
        "anna@news.example",
        "bo@paper.example",
        "desk@wire.example",
    ]
    version = root / "published" / "swimming-hall" / "v1"
    for item in relay.received:
        message = item.message()
        assert message["Subject"] == "New swimming hall opens by the square"
        assert message["From"].addresses[0].addr_spec == "press@exempel.se"
        assert message["Message-ID"].endswith("@exempel.se>")
        assert "<https://exempel.se/press/unsubscribe>" in message["List-Unsubscribe"]
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        assert isinstance(text, EmailMessage) and isinstance(html, EmailMessage)
        parts = [part.get_content_type() for part in message.walk()]
        assert parts.index("text/plain") < parts.index("text/html")  # the text first
        if item.recipients == ["desk@wire.example"]:
            pdf = next(message.iter_attachments())
            assert isinstance(pdf, EmailMessage)
            reader = pypdf.PdfReader(io.BytesIO(pdf.get_content()))
            assert "swimming hall" in reader.pages[0].extract_text().lower()
            wire_text = text.get_content().replace("\r\n", "\n")
            assert wire_text.startswith("FOR IMMEDIATE RELEASE\n")  # the desk's US style
            assert wire_text.rstrip().endswith("###")
            assert max(len(line) for line in wire_text.splitlines()) > 72  # width: 0
        else:
            published_text = (version / "swimming-hall.txt").read_text(encoding="utf-8")
            assert text.get_content().replace("\r\n", "\n") == published_text
    again = run("send", release, "--list", "journalists-en", "--list", "tt")
    assert again.exit_code == 0 and "Nothing to send" in again.output
    assert len(relay.received) == 3

    done = run("correct", release, "--note", "The hall opens on 3 March, not 2 March.")
    assert done.exit_code == 0, done.output
    submit_approve_publish(release)
    relay.handler.received.clear()
    done = run("send", release, "--list", "tt")  # the list is reached as an earlier recipient
    assert done.exit_code == 0, done.output
    assert sorted(relay.recipients()) == [
        "anna@news.example",
        "bo@paper.example",
        "desk@wire.example",
    ]
    for item in relay.received:
        message = item.message()
        assert message["Subject"] == "Correction: New swimming hall opens by the square"
        text = message.get_body(("plain",))
        assert isinstance(text, EmailMessage)
        assert "Correction" in text.get_content().splitlines()[0]
