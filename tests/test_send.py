"""presser send to a real SMTP server on loopback (aiosmtpd): once per recipient, faults too."""

from __future__ import annotations

import io
import json
from email.message import EmailMessage
from pathlib import Path

import pypdf
import pytest

from presser.distribution.log import SendLog

from .smtp_server import Relay, relay, start_relay
from .test_send_dry_run import DISTRIBUTION as DRY_RUN_DISTRIBUTION
from .workflow_helpers import RELEASE, approve_it, make_newsroom, organisation, run

__all__ = ["relay"]  # the fixture, used by name

#: The dry run's distribution, with a third person on the list.
DISTRIBUTION = DRY_RUN_DISTRIBUTION.replace(
    "        - Åsa Öberg <asa@example.org>\n",
    "        - Åsa Öberg <asa@example.org>\n        - per@example.net\n",
)

LOG = Path("published/r/v1/sent.jsonl")


def log_entries(root: Path, log: Path = LOG) -> list[dict[str, object]]:
    path = root / log
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def publish_with(
    root: Path,
    relay: Relay,
    distribution: str = DISTRIBUTION,
    headline: str = "Ny simhall vid torget i Åsele",
) -> None:
    release = RELEASE.replace('"Kommunen bygger en ny simhall"', f'"{headline}"')
    newsroom = make_newsroom(
        root, releases={"r.yaml": release + "distribution: [trade-press, tt]\n"}
    )
    org = newsroom.root / "templates" / "exempel" / "organisation.yaml"
    org.write_text(organisation() + distribution, encoding="utf-8")
    (root / "presser.yaml").write_text(relay.settings(), encoding="utf-8")
    approve_it()
    done = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert done.exit_code == 0, done.output


@pytest.fixture
def published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relay: Relay) -> Path:
    monkeypatch.chdir(tmp_path)
    publish_with(tmp_path, relay)
    return tmp_path


def test_each_recipient_gets_one_message_and_a_rerun_sends_nothing(
    published: Path, relay: Relay
) -> None:
    done = run("send", "releases/r.yaml")
    assert done.exit_code == 0, done.output
    assert relay.recipients() == [
        "redaktion@example.se",
        "asa@example.org",
        "per@example.net",
        "desk@wire.example.se",
    ]
    assert all(len(item.recipients) == 1 for item in relay.received)
    assert "4 sent" in done.output
    entries = log_entries(published)
    assert [e["state"] for e in entries] == ["pending", "sent"] * 4
    assert entries[1]["reply"] == "2.0.0 Ok: queued as Q00001" and entries[1]["code"] == 250
    again = run("send", "releases/r.yaml")
    assert again.exit_code == 0, again.output
    assert "Nothing to send" in again.output and "4 sent already" in again.output
    assert len(relay.received) == 4
    # The log is not a file of the published version: the freeze still holds.
    assert run("validate", "releases/r.yaml").exit_code == 0


def test_the_messages_are_right_for_their_readers(published: Path, relay: Relay) -> None:
    assert run("send", "releases/r.yaml").exit_code == 0
    version = published / "published" / "r" / "v1"
    by_address = {item.recipients[0]: item.message() for item in relay.received}
    listed = by_address["redaktion@example.se"]
    # A header-like name stays a name: no Bcc header appears from it.
    assert listed.get_all("Bcc") is None
    assert listed["To"].addresses[0].display_name == "Bcc: x@evil.se"
    assert by_address["asa@example.org"]["To"].addresses[0].display_name == "Åsa Öberg"
    assert listed["Subject"] == "Ny simhall vid torget i Åsele"
    assert listed["List-Id"] == "<trade-press.exempel.se>"
    assert listed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert listed.get_content_type() == "multipart/alternative"
    text, page = list(listed.iter_parts())
    assert text.get_content_type() == "text/plain"
    assert isinstance(text, EmailMessage)
    # On the wire every line ends in CRLF (RFC 5322); the text is the published one.
    assert text.get_content().replace("\r\n", "\n") == (version / "r.txt").read_text(
        encoding="utf-8"
    )
    assert page.get_content_type() == "multipart/related"
    html, image = list(page.iter_parts())
    assert isinstance(html, EmailMessage) and isinstance(image, EmailMessage)
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html.get_content()
    assert image.get_content() == (version / "images" / "hall.png").read_bytes()
    wire = by_address["desk@wire.example.se"]
    attachment = next(part for part in wire.iter_attachments())
    assert isinstance(attachment, EmailMessage)
    pdf = pypdf.PdfReader(io.BytesIO(attachment.get_content()))
    assert "simhall" in pdf.pages[0].extract_text().lower()
    # The Message-ID is the same on a rerun for the same version and recipient.
    ids = {address: message["Message-ID"] for address, message in by_address.items()}
    assert len(set(ids.values())) == 4


def test_a_temporary_failure_is_tried_again_while_the_others_go_on(
    published: Path, relay: Relay
) -> None:
    relay.rules["redaktion@example.se"] = ["451 4.3.0 try again later"]
    relay.rules["asa@example.org"] = ["drop"]  # the connection cut before the message
    done = run("send", "releases/r.yaml", "--max-retry-seconds", "10")
    assert done.exit_code == 0, done.output
    order = relay.recipients()
    assert sorted(order) == sorted(set(order)) and len(order) == 4
    assert order[:2] == ["per@example.net", "desk@wire.example.se"]  # not held up
    states = [(e["address"], e["state"]) for e in log_entries(published)]
    assert states.count(("redaktion@example.se", "failed")) == 1
    assert states.count(("asa@example.org", "failed")) == 1
    assert states.count(("redaktion@example.se", "sent")) == 1
    assert "will retry" in done.output


def test_a_permanent_failure_marks_only_that_recipient(published: Path, relay: Relay) -> None:
    relay.rules["asa@example.org"] = ["550 5.1.1 no such user"]
    done = run("send", "releases/r.yaml")
    assert done.exit_code == 1, done.output
    assert "1 refused by the relay" in done.output and "3 sent" in done.output
    assert "asa@example.org" not in relay.recipients() and len(relay.received) == 3
    failed = [e for e in log_entries(published) if e["state"] == "failed"]
    assert failed == [
        {
            "state": "failed",
            "address": "asa@example.org",
            "target": "trade-press",
            "at": failed[0]["at"],
            "name": "Åsa Öberg",
            "message_id": failed[0]["message_id"],
            "code": 550,
            "reply": "5.1.1 no such user",
            "permanent": True,
        }
    ]
    again = run("send", "releases/r.yaml")
    assert again.exit_code == 0 and "1 refused earlier" in again.output
    assert len(relay.received) == 3


def test_a_temporary_failure_past_the_bound_is_left_for_the_next_run(
    published: Path, relay: Relay
) -> None:
    relay.rules["per@example.net"] = ["452 4.2.2 mailbox full"] * 3
    done = run("send", "releases/r.yaml", "--max-retry-seconds", "1.5")
    assert done.exit_code == 1, done.output
    assert "1 failed for now" in done.output
    assert "per@example.net" not in relay.recipients()
    relay.rules.clear()
    again = run("send", "releases/r.yaml")
    assert again.exit_code == 0, again.output
    assert relay.recipients().count("per@example.net") == 1 and len(relay.received) == 4


def test_a_message_that_may_have_arrived_is_unknown_and_not_sent_again(
    published: Path, relay: Relay
) -> None:
    relay.rules["asa@example.org"] = ["drop-after-data"]
    done = run("send", "releases/r.yaml")
    assert done.exit_code == 1 and "1 recipient(s) are unknown" in done.output, done.output
    assert relay.recipients().count("asa@example.org") == 1  # the relay did get it
    again = run("send", "releases/r.yaml")
    assert again.exit_code == 1 and "1 recipient(s) are unknown" in again.output
    assert relay.recipients().count("asa@example.org") == 1
    status = run("send", "releases/r.yaml", "--status")
    assert status.exit_code == 0, status.output
    assert "unknown: asa@example.org" in status.output
    line = next(row for row in status.output.splitlines() if row.startswith("trade-press"))
    assert line.split()[1:] == ["3", "2", "0", "1", "0"]
    resent = run("send", "releases/r.yaml", "--resend-unknown")
    assert resent.exit_code == 0, resent.output
    assert relay.recipients().count("asa@example.org") == 2  # the one copy asked for


def test_a_refused_login_stops_before_any_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    server = start_relay(password="right")
    try:
        publish_with(tmp_path, server)
        settings = server.settings(username="press")
        (tmp_path / "presser.yaml").write_text(settings, encoding="utf-8")
        monkeypatch.setenv("PRESSER_SMTP_PASSWORD", "wrong")
        done = run("send", "releases/r.yaml")
        assert done.exit_code == 1, done.output
        assert "refused the login of press" in done.output
        assert server.received == [] and log_entries(tmp_path) == []
        monkeypatch.setenv("PRESSER_SMTP_PASSWORD", "right")
        done = run("send", "releases/r.yaml")
        assert done.exit_code == 0, done.output
        assert len(server.received) == 4
    finally:
        server.controller.stop()


def test_starttls_that_the_relay_does_not_offer_stops_before_any_message(
    published: Path, relay: Relay
) -> None:
    settings = relay.settings().replace("security: none", "security: starttls")
    (published / "presser.yaml").write_text(settings, encoding="utf-8")
    done = run("send", "releases/r.yaml")
    assert done.exit_code == 1 and "does not offer STARTTLS" in done.output, done.output
    assert relay.received == []


def test_a_second_send_of_the_same_version_refuses_while_one_runs(
    published: Path, relay: Relay
) -> None:
    log = published / LOG
    with SendLog(log, "published/r/v1/sent.jsonl"):
        done = run("send", "releases/r.yaml")
    assert done.exit_code == 1, done.output
    assert "another presser send of this version is running" in done.output
    assert relay.received == []


def test_unsubscribed_addresses_are_skipped(published: Path, relay: Relay) -> None:
    done = run("unsubscribe", "PER@example.net", "Åsa Öberg <asa@example.org>")
    assert done.exit_code == 0 and "2 address(es) added to suppressed.txt" in done.output
    again = run("unsubscribe", "per@example.net")
    assert again.exit_code == 0 and "1 there already" in again.output
    bad = run("unsubscribe", "not an address")
    assert bad.exit_code == 1 and "(command line)" in bad.output
    done = run("send", "releases/r.yaml")
    assert done.exit_code == 0, done.output
    assert "2 unsubscribed, skipped" in done.output
    assert relay.recipients() == ["redaktion@example.se", "desk@wire.example.se"]


def test_a_damaged_suppression_file_is_reported_positioned(published: Path, relay: Relay) -> None:
    (published / "suppressed.txt").write_text("ok@example.se\nnot one\n", encoding="utf-8")
    done = run("send", "releases/r.yaml")
    assert done.exit_code == 1 and "suppressed.txt:2:1:" in done.output, done.output
    assert relay.received == []


def test_a_damaged_send_log_is_reported_positioned(published: Path, relay: Relay) -> None:
    log = published / LOG
    log.write_text('{"state": "sent"}\nnot json\n', encoding="utf-8")
    done = run("send", "releases/r.yaml")
    assert done.exit_code == 1, done.output
    assert "published/r/v1/sent.jsonl:1:1: address: missing" in done.output
    assert "published/r/v1/sent.jsonl:2:1:" in done.output
    assert relay.received == []


def test_a_half_written_last_line_is_dropped(published: Path, relay: Relay) -> None:
    assert run("send", "releases/r.yaml", "--list", "tt").exit_code == 0
    log = published / LOG
    with log.open("ab") as file:
        file.write(b'{"state":"sent","address":"per@exa')  # a write cut short by a kill
    done = run("send", "releases/r.yaml")
    assert done.exit_code == 0, done.output
    assert len(relay.received) == 4
    assert all(line.startswith("{") for line in log.read_text().splitlines())
    assert len(log_entries(published)) == 8


def test_a_correction_reaches_everyone_who_got_the_earlier_version(
    published: Path, relay: Relay
) -> None:
    assert run("send", "releases/r.yaml").exit_code == 0
    done = run("correct", "releases/r.yaml", "--note", "Simhallen öppnar i maj, inte i april.")
    assert done.exit_code == 0, done.output
    approve_it()
    done = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert done.exit_code == 0, done.output
    relay.handler.received.clear()
    done = run("send", "releases/r.yaml", "--list", "tt")
    assert done.exit_code == 0, done.output
    assert "3 recipient(s) of earlier versions" in done.output
    assert sorted(relay.recipients()) == sorted(
        ["desk@wire.example.se", "redaktion@example.se", "asa@example.org", "per@example.net"]
    )
    for item in relay.received:
        message = item.message()
        assert message["Subject"].startswith("Rättelse: "), message["Subject"]
        text = message.get_body(("plain",))
        assert isinstance(text, EmailMessage)
        assert text.get_content().lstrip().startswith("Rättelse"), text.get_content()[:200]
    assert log_entries(published, Path("published/r/v2/sent.jsonl"))
    again = run("send", "releases/r.yaml", "--list", "tt")
    assert again.exit_code == 0 and "Nothing to send" in again.output


def test_an_address_on_two_lists_gets_one_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relay: Relay
) -> None:
    monkeypatch.chdir(tmp_path)
    twice = DISTRIBUTION.replace("        - per@example.net\n", "        - desk@wire.example.se\n")
    publish_with(tmp_path, relay, twice)
    done = run("send", "releases/r.yaml")
    assert done.exit_code == 0, done.output
    assert "1 on more than one list, sent once" in done.output
    assert relay.recipients().count("desk@wire.example.se") == 1


def test_sending_without_a_relay_says_what_to_set(published: Path, relay: Relay) -> None:
    (published / "presser.yaml").unlink()
    done = run("send", "releases/r.yaml")
    assert done.exit_code == 2 and "sending needs smtp: in presser.yaml" in done.output


def test_a_password_file_inside_the_workspace_is_refused(published: Path, relay: Relay) -> None:
    settings = relay.settings(username="press", password_file="secret.txt")
    (published / "presser.yaml").write_text(settings, encoding="utf-8")
    done = run("send", "releases/r.yaml")
    assert done.exit_code == 1, done.output
    assert "presser.yaml:6:" in done.output and "smtp.password_file" in done.output
    assert relay.received == []


EMBARGO_DISTRIBUTION = DISTRIBUTION.replace(
    "        - per@example.net\n", "        - per@example.net\n      embargo: true\n"
)


def test_under_embargo_only_the_lists_marked_for_it_get_the_approved_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relay: Relay
) -> None:
    import time
    from datetime import UTC, datetime, timedelta

    monkeypatch.chdir(tmp_path)
    lifts = (datetime.now(UTC) + timedelta(seconds=6)).replace(microsecond=0)
    release = RELEASE.replace(
        "published: 2010-03-02T10:00:00+01:00",
        f"published: {lifts.isoformat()}\nembargo: {lifts.isoformat()}",
    )
    newsroom = make_newsroom(tmp_path, releases={"r.yaml": release})
    org = newsroom.root / "templates" / "exempel" / "organisation.yaml"
    org.write_text(organisation() + EMBARGO_DISTRIBUTION, encoding="utf-8")
    (tmp_path / "presser.yaml").write_text(relay.settings(), encoding="utf-8")
    approve_it()
    copy = tmp_path / "published" / "r" / "v1-embargo"
    refused = run("send", "releases/r.yaml", "--list", "trade-press", "--list", "tt")
    assert refused.exit_code == 1, refused.output
    assert "under embargo until" in refused.output and "tt is not marked embargo: true" in (
        refused.output
    )
    assert relay.received == [] and not copy.exists()
    done = run("send", "releases/r.yaml", "--list", "trade-press")
    assert done.exit_code == 0, done.output
    assert sorted(relay.recipients()) == [
        "asa@example.org",
        "per@example.net",
        "redaktion@example.se",
    ]
    for item in relay.received:
        message = item.message()
        assert message["Subject"].startswith("Embargo: får publiceras tidigast "), message[
            "Subject"
        ]
        text = message.get_body(("plain",))
        assert isinstance(text, EmailMessage)
        assert text.get_content().startswith("Embargo: får publiceras tidigast")
    assert (copy / "manifest.json").is_file() and (copy / "sent.jsonl").is_file()
    assert "status: approved" in (tmp_path / "releases" / "r.yaml").read_text(encoding="utf-8")
    # Once the embargo lifts and the release is published, the others get it; those who had
    # the embargoed copy are not sent the release again.
    time.sleep(max(0.0, (lifts - datetime.now(UTC)).total_seconds()) + 0.5)
    published = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert published.exit_code == 0, published.output
    done = run("send", "releases/r.yaml", "--list", "trade-press", "--list", "tt")
    assert done.exit_code == 0, done.output
    assert "3 sent already" in done.output
    assert sorted(relay.recipients()).count("asa@example.org") == 1
    wire = relay.received[-1].message()
    assert relay.received[-1].recipients == ["desk@wire.example.se"]
    assert not wire["Subject"].startswith("Embargo")


def test_a_dry_run_writes_the_bytes_a_send_sends_but_the_date(
    published: Path, relay: Relay
) -> None:
    import re

    done = run("send", "releases/r.yaml", "--dry-run", "--out", "outbox")
    assert done.exit_code == 0 and "4 message(s) written, none sent" in done.output
    assert relay.received == []
    assert run("send", "releases/r.yaml").exit_code == 0

    def without_date(data: bytes) -> bytes:
        return re.sub(rb"\r\nDate: [^\r]*", b"", data)

    written = sorted((published / "outbox").glob("*.eml"))
    assert [without_date(f.read_bytes()) for f in written] == [
        without_date(item.data) for item in relay.received
    ]


def test_on_a_terminal_the_send_asks_first(published: Path, relay: Relay) -> None:
    import os
    import pty
    import subprocess
    import sys
    import time

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "presser", "send", "releases/r.yaml"],
        cwd=published,
        stdin=follower,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + 60
    while b"Send 4 message(s)? [y/N]" not in seen:
        assert time.monotonic() < deadline, seen
        seen += os.read(leader, 1024)
    os.write(leader, b"n\n")
    assert process.wait(timeout=60) == 1
    os.close(leader)
    assert b"4 to send; 0 sent already" in seen
    assert relay.received == []


def test_a_send_log_that_cannot_be_written_stops_the_send_clearly(
    published: Path, relay: Relay
) -> None:
    import os

    log = published / LOG
    log.write_text("")
    os.chmod(log, 0o444)
    if os.access(log, os.W_OK):  # root writes whatever the mode: use a full disk instead
        log.unlink()
        full = published / "published" / "r" / "full"
        os.symlink("/dev/full", full)
        log.symlink_to(full)
    done = run("send", "releases/r.yaml")
    assert done.exit_code == 1, done.output
    assert "Traceback" not in done.output and "sent.jsonl" in done.output
    assert relay.received == []
