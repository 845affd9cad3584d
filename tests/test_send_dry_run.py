"""presser send --dry-run: one .eml per recipient, made from the published version folder."""

from __future__ import annotations

import email
import email.policy
import io
from email.message import EmailMessage
from pathlib import Path

import pypdf
import pytest

from presser.source.workspace import Workspace

from .workflow_helpers import RELEASE, approve_it, make_newsroom, organisation, run

DISTRIBUTION = """\
distribution:
  from: Exempelkommunen <press@exempel.se>
  unsubscribe_url: https://exempel.se/press/unsubscribe
  lists:
    - name: trade-press
      recipients:
        - '"Bcc: x@evil.se" <redaktion@example.se>'
        - Åsa Öberg <asa@example.org>
  wires:
    - name: tt
      to: desk@wire.example.se
      attach_pdf: true
"""


def parse(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


@pytest.fixture
def published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    release = RELEASE.replace(
        "Kommunen bygger en ny simhall", "Ny simhall vid torget i Åsele och Växjö"
    )
    newsroom = make_newsroom(
        tmp_path, releases={"r.yaml": release + "distribution: [trade-press, tt]\n"}
    )
    org = newsroom.root / "templates" / "exempel" / "organisation.yaml"
    org.write_text(organisation() + DISTRIBUTION, encoding="utf-8")
    approve_it()
    done = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert done.exit_code == 0, done.output
    return tmp_path


def test_a_dry_run_writes_one_message_per_recipient(published: Path) -> None:
    done = run("send", "releases/r.yaml", "--dry-run")
    assert done.exit_code == 0, done.output
    outbox = published / "build" / "outbox" / "r" / "v1"
    files = sorted(outbox.glob("*.eml"))
    assert [f.name for f in files] == [
        "01-trade-press-redaktion@example.se.eml",
        "02-trade-press-asa@example.org.eml",
        "03-tt-desk@wire.example.se.eml",
    ]
    assert "3 message(s) written" in done.output
    first_ids = [parse(f)["Message-ID"] for f in files]
    version = published / "published" / "r" / "v1"
    for file in files:
        message = parse(file)
        assert message["Subject"] == "Ny simhall vid torget i Åsele och Växjö"
        assert message["From"].addresses[0].addr_spec == "press@exempel.se"
        assert len(message["To"].addresses) == 1
        assert message.get_all("Bcc") is None and message.get_all("To") is not None
        assert len(message.get_all("To") or []) == 1
        assert "<https://exempel.se/press/unsubscribe>" in message["List-Unsubscribe"]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        body = next(iter(message.iter_parts()))
        if body.get_content_type() == "multipart/alternative":
            body = next(iter(body.iter_parts()))
        alternative = (
            message
            if message.get_content_type() == "multipart/alternative"
            else next(iter(message.iter_parts()))
        )
        plain, related = list(alternative.iter_parts())[:2]
        assert plain.get_content_type() == "text/plain"
        # SMTP line ends are CRLF; the text is the published one, line for line.
        assert plain.get_content().replace("\r\n", "\n") == (version / "r.txt").read_text(
            encoding="utf-8"
        )
        assert related.get_content_type() == "multipart/related"
        page, *images = related.iter_parts()
        assert (
            "cid:" in page.get_content()
            and "images/" not in page.get_content().split("<body", 1)[1]
        )
        assert images and images[0].get_content_type() == "image/png"
        assert images[0]["Content-ID"].strip("<>") in page.get_content()
    desk = parse(files[2])
    assert desk.get_content_type() == "multipart/mixed"
    (pdf,) = [p for p in desk.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(pypdf.PdfReader(io.BytesIO(pdf.get_content())).pages) >= 1
    # A header-like name stays a name: no Bcc header appears.
    assert parse(files[0])["To"].addresses[0].addr_spec == "redaktion@example.se"
    assert parse(files[1])["To"].addresses[0].display_name == "Åsa Öberg"
    again = run("send", "releases/r.yaml", "--dry-run")
    assert again.exit_code == 0, again.output
    assert [parse(f)["Message-ID"] for f in files] == first_ids


def test_without_dry_run_a_relay_is_needed(published: Path) -> None:
    done = run("send", "releases/r.yaml")
    assert done.exit_code == 2 and "sending needs smtp: in presser.yaml" in done.output


def test_an_unpublished_release_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    newsroom = make_newsroom(tmp_path)
    org = newsroom.root / "templates" / "exempel" / "organisation.yaml"
    org.write_text(organisation() + DISTRIBUTION, encoding="utf-8")
    approve_it()
    done = run("send", "releases/r.yaml", "--list", "tt", "--dry-run")
    assert done.exit_code == 1 and "approved, not published" in done.output, done.output


def test_no_targets_is_a_usage_error_naming_them(published: Path) -> None:
    text = (published / "releases" / "r.yaml").read_text(encoding="utf-8")
    assert "distribution:" in text
    done = run("send", "releases/r.yaml", "--list", "trade-pres", "--dry-run")
    assert done.exit_code == 2 and "did you mean 'trade-press'" in done.output, done.output


def test_a_header_injection_in_a_list_address_is_refused(tmp_path: Path) -> None:
    from presser.source.distribution import split_address

    with pytest.raises(ValueError, match="line break"):
        split_address("Eve\r\nBcc: x@evil.se <eve@example.se>")


def test_an_embargoed_subject_gives_the_time_as_the_release_prints_it(
    repo_workspace: Workspace,
) -> None:
    # The English release of the transcribed ones: its embargo in the organisation's
    # time zone and the language's date format, as its page and wire copy print it.
    from datetime import UTC, datetime

    from presser.distribution.message import _subject
    from presser.editorial.reading import load_release

    loaded = load_release(
        repo_workspace.releases_dir / "2010-02-08-jonkoping-addiction-care-conference.yaml",
        repo_workspace,
    )
    before = _subject(loaded, datetime(2010, 1, 1, tzinfo=UTC))
    assert before == (
        "EMBARGOED UNTIL Feb 8, 2010 06:00 CET: "
        "Jönköping County trains 400 staff to spot risky drinking early"
    )
    assert _subject(loaded, datetime(2010, 3, 1, tzinfo=UTC)) == loaded.release.headline
