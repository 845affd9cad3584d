"""DKIM: every message presser send sends is signed, unsubscribe headers included, and verifies."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path

import dkim
import pytest

from .smtp_server import Relay, relay
from .test_send import DISTRIBUTION, publish_with
from .workflow_helpers import run

__all__ = ["relay"]

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the key")


@pytest.fixture
def key(tmp_path: Path) -> tuple[Path, bytes]:
    """A 2048-bit RSA key outside the workspace, and its DNS record's public key."""
    folder = tmp_path / "secrets"
    folder.mkdir()
    private = folder / "dkim.pem"
    subprocess.run(
        ["openssl", "genrsa", "-traditional", "-out", str(private), "2048"],
        check=True,
        capture_output=True,
    )
    public = subprocess.run(
        ["openssl", "rsa", "-in", str(private), "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    return private, base64.b64encode(public)


def test_every_message_is_signed_and_verifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relay: Relay, key: tuple[Path, bytes]
) -> None:
    private, public = key
    root = tmp_path / "ws"
    root.mkdir()
    monkeypatch.chdir(root)
    signed = DISTRIBUTION.replace(
        "  lists:\n",
        f"  dkim: {{selector: press2026, domain: exempel.se, key_file: {private}}}\n  lists:\n",
    )
    publish_with(root, relay, signed)
    done = run("send", "releases/r.yaml")
    assert done.exit_code == 0, done.output
    assert len(relay.received) == 4
    asked: list[bytes] = []

    def dns(name: bytes, timeout: int = 5) -> bytes:
        asked.append(name)
        return b"v=DKIM1; k=rsa; p=" + public

    for item in relay.received:
        assert item.data.startswith(b"DKIM-Signature:")
        assert dkim.verify(item.data, dnsfunc=dns)
        header = item.data.split(b"\r\n\r\n", 1)[0].decode()
        signed_headers = re.search(r"h=([^;]+);", header.replace("\r\n", ""))
        assert signed_headers is not None
        names = [name.strip().lower() for name in signed_headers.group(1).split(":")]
        assert {"from", "subject", "list-unsubscribe", "list-unsubscribe-post"} <= set(names)
        # Changed on the way, the message no longer verifies.
        tampered = item.data.replace(b"List-Unsubscribe-Post: List-Unsubscribe=One-Click", b"X: y")
        assert not dkim.verify(tampered, dnsfunc=dns)
    assert set(asked) == {b"press2026._domainkey.exempel.se."}


def test_a_key_in_the_workspace_or_a_bad_key_stops_before_any_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relay: Relay, key: tuple[Path, bytes]
) -> None:
    monkeypatch.chdir(tmp_path)
    publish_with(tmp_path, relay)
    org = tmp_path / "templates" / "exempel" / "organisation.yaml"
    org.write_text(
        org.read_text().replace(
            "  lists:\n",
            "  dkim: {selector: s, domain: exempel.se, key_file: dkim.pem}\n  lists:\n",
        )
    )
    done = run("send", "releases/r.yaml")
    assert done.exit_code == 1 and "distribution.dkim.key_file" in done.output, done.output
    inside = tmp_path / "dkim.pem"
    shutil.copyfile(key[0], inside)
    org.write_text(org.read_text().replace("key_file: dkim.pem", f"key_file: {inside}"))
    done = run("send", "releases/r.yaml")
    assert done.exit_code == 1 and "inside the workspace" in done.output, done.output
    bad = tmp_path.parent / f"{tmp_path.name}-bad.pem"
    bad.write_text("not a key\n")
    org.write_text(org.read_text().replace(f"key_file: {inside}", f"key_file: {bad}"))
    done = run("send", "releases/r.yaml")
    assert done.exit_code == 1 and "DKIM signing failed" in done.output, done.output
    assert relay.received == []
