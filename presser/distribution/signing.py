"""DKIM signatures (RFC 6376) on the messages presser send sends, with dkimpy.

Set by ``distribution: {dkim: {selector, domain, key_file}}``; the key file is
read once per send, from outside the workspace. The signature covers the
headers a receiver judges the message by, the two unsubscribe headers included
(RFC 8058 asks for them to be signed), and the body.
"""

from __future__ import annotations

from pathlib import Path

from ..source.distribution import Dkim
from ..source.workspace import Workspace
from .relay import RelayRefused

#: The headers signed, in the order dkimpy looks them up (lower case, as it wants them).
SIGNED_HEADERS = (
    b"from",
    b"to",
    b"subject",
    b"date",
    b"message-id",
    b"reply-to",
    b"list-id",
    b"list-unsubscribe",
    b"list-unsubscribe-post",
    b"mime-version",
    b"content-type",
)


class Signer:
    """Adds a DKIM-Signature header to a flattened message."""

    def __init__(self, settings: Dkim, workspace: Workspace) -> None:
        try:
            import dkim
        except ImportError:
            raise RelayRefused(
                "distribution: dkim: is set, and DKIM signing needs dkimpy: "
                "pip install 'presser[dkim]'"
            ) from None
        self._dkim = dkim
        path = Path(settings.key_file).expanduser()
        if workspace.contains(path):
            raise RelayRefused(
                f"dkim: key_file {settings.key_file} is inside the workspace, where files are "
                "shared and committed; keep the private key outside it"
            )
        try:
            self._key = path.read_bytes()
        except OSError as exc:
            raise RelayRefused(f"cannot read the DKIM key {path}: {exc.strerror or exc}") from None
        self._selector = settings.selector.encode("ascii")
        self._domain = settings.domain.encode("ascii")
        self.sign(b"From: a@b.example\r\nSubject: key check\r\n\r\n\r\n")  # a bad key: now

    def sign(self, data: bytes) -> bytes:
        try:
            signature: bytes = self._dkim.sign(
                data,
                self._selector,
                self._domain,
                self._key,
                canonicalize=(b"relaxed", b"simple"),
                include_headers=list(SIGNED_HEADERS),
            )
        except self._dkim.DKIMException as exc:
            raise RelayRefused(f"DKIM signing failed: {exc}") from None
        return signature + data
