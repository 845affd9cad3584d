"""Hostile input to presser send: no header can be added, big address lists stay in bounds."""

from __future__ import annotations

from pathlib import Path

import pytest

from presser.distribution.recipients import read_recipients
from presser.errors import ProblemsFound
from presser.source.distribution import MailingList
from presser.source.workspace import Workspace

from .smtp_server import Relay, relay
from .test_send import publish_with
from .workflow_helpers import run

__all__ = ["relay"]

HEADLINE = "=?utf-8?q?x=0D=0ABcc=3A_evil=40x.se?= Ny simhall i Åsele: ”bäst” – 100 %"
NAME = "=?utf-8?q?Eva=0D=0ABcc=3A_evil=40x.se?= Öberg"


def test_a_headline_cannot_add_a_header_and_reads_back_equal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relay: Relay
) -> None:
    monkeypatch.chdir(tmp_path)
    publish_with(tmp_path, relay, headline=HEADLINE)
    done = run("send", "releases/r.yaml")
    assert done.exit_code == 0, done.output
    for item in relay.received:
        message = item.message()
        assert message["Subject"] == HEADLINE  # the encoded word stays text
        assert message.get_all("Bcc") is None
        assert [key for key in message if key.lower() == "bcc"] == []
        assert b"\r\nBcc:" not in item.data.split(b"\r\n\r\n", 1)[0]


def test_a_name_with_an_encoded_word_is_refused_where_it_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relay: Relay
) -> None:
    monkeypatch.chdir(tmp_path)
    publish_with(tmp_path, relay)
    org = tmp_path / "templates" / "exempel" / "organisation.yaml"
    text = org.read_text(encoding="utf-8")
    org.write_text(text.replace("Åsa Öberg <asa@example.org>", f'"{NAME} <asa@example.org>"'))
    done = run("send", "releases/r.yaml")
    assert done.exit_code == 1, done.output
    assert "organisation.yaml:" in done.output and "encoded word" in done.output
    assert relay.received == []
    csv = 'email,name\nasa@example.org,"=?utf-8?b?QmNjOiB4?="\n'
    with pytest.raises(ProblemsFound) as caught:
        read_recipients(LIST, workspace_with(tmp_path / "w", csv))
    assert caught.value.problems[0].line == 2


def test_a_line_break_in_a_headline_is_refused_before_publishing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relay: Relay
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(AssertionError):  # approve (through validate) refuses it
        publish_with(tmp_path, relay, headline="Ny simhall\\r\\nBcc: evil@x.se")
    assert relay.received == []


def workspace_with(tmp_path: Path, csv: str, settings: str = "") -> Workspace:
    (tmp_path / "lists").mkdir(parents=True)
    (tmp_path / "lists" / "l.csv").write_text(csv, encoding="utf-8")
    if settings:
        (tmp_path / "presser.yaml").write_text(settings, encoding="utf-8")
    return Workspace(tmp_path)


LIST = MailingList(name="l", recipients="lists/l.csv")


def test_a_name_with_a_line_break_is_a_problem_at_its_line(tmp_path: Path) -> None:
    csv = 'email,name\nok@example.se,Ok\nevil@example.se,"Evil\r\nBcc: x@evil.se"\n'
    with pytest.raises(ProblemsFound) as caught:
        read_recipients(LIST, workspace_with(tmp_path, csv))
    [problem] = caught.value.problems
    assert (Path(problem.path).name, problem.line) == ("l.csv", 3)
    assert "line break" in problem.message


def test_an_address_list_of_100000_lines_is_read(tmp_path: Path) -> None:
    rows = "".join(f"reporter{n}@example{n % 97}.se,Reporter {n}\n" for n in range(100_000))
    recipients = read_recipients(LIST, workspace_with(tmp_path, "email,name\n" + rows))
    assert len(recipients) == 100_000
    assert recipients[-1].address == "reporter99999@example89.se"


def test_address_lists_beyond_the_limits_are_refused(tmp_path: Path) -> None:
    rows = "".join(f"r{n}@example.se\n" for n in range(11))
    limits = "limits:\n  max_recipients: 10\n"
    with pytest.raises(ProblemsFound) as caught:
        read_recipients(LIST, workspace_with(tmp_path, "email\n" + rows, limits))
    assert "more than max_recipients (10)" in str(caught.value)
    (tmp_path / "presser.yaml").write_text("limits:\n  max_address_file_bytes: 50\n")
    with pytest.raises(ProblemsFound) as caught:
        read_recipients(LIST, Workspace(tmp_path))
    assert "lists/l.csv:1:1:" in str(caught.value) and "max_address_file_bytes" in str(caught.value)
