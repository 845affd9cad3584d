"""The organisation's SMTP relay: one connection, reused, and what it said of each message.

The standard library's :mod:`smtplib`, with one addition: it notes the moment
a message has been handed over whole (the final ``.`` written), so that a
connection lost after that moment is told apart from one lost before it. Lost
before, the relay cannot have the message and it is tried again; lost after,
the relay may have queued it, and the outcome is **unknown** (the send log
keeps it pending rather than risk a second copy).

The relay is the queue: presser hands each message over and records the
answer; delivery, retries towards recipients' servers and bounces are the
relay's job.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import PresserError
from ..source.limits import SMTP_PASSWORD_VARIABLE, SmtpSettings

#: How long one exchange with the relay may take before the connection counts as lost.
TIMEOUT_SECONDS = 60.0


class RelayRefused(PresserError):
    """The relay could not be reached or would not let presser in: nothing was sent."""


@dataclass(frozen=True)
class Answer:
    """What came of handing one message to the relay."""

    kind: Literal["accepted", "temporary", "permanent", "unknown"]
    code: int | None
    text: str

    @property
    def line(self) -> str:
        return f"{self.code} {self.text}".strip() if self.code is not None else self.text


class _HandOver:
    """smtplib's DATA, noting when the whole message has been written to the relay."""

    handed_over = False
    data_reply: tuple[int, bytes] = (0, b"")

    def data(self, msg: bytes | str) -> tuple[int, bytes]:
        smtp = self  # the mixin sits on an smtplib.SMTP
        assert isinstance(smtp, smtplib.SMTP)
        smtp.putcmd("data")
        code, reply = smtp.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        data = msg.encode("ascii") if isinstance(msg, str) else msg
        quoted = smtplib._quote_periods(data)  # type: ignore[attr-defined]
        if quoted[-2:] != b"\r\n":
            quoted += b"\r\n"
        smtp.send(quoted + b".\r\n")
        self.handed_over = True
        self.data_reply = smtp.getreply()
        return self.data_reply


class _Plain(_HandOver, smtplib.SMTP):  # type: ignore[misc]
    pass


class _Implicit(_HandOver, smtplib.SMTP_SSL):  # type: ignore[misc]
    pass


def smtp_password(settings: SmtpSettings) -> str | None:
    """The password from the environment, or from the file outside the workspace it names."""
    value = os.environ.get(SMTP_PASSWORD_VARIABLE)
    if value:
        return value
    if settings.password_file:
        path = Path(settings.password_file).expanduser()
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise RelayRefused(
                f"cannot read the SMTP password from {path}: {exc.strerror or exc}"
            ) from None
    return None


class Relay:
    """A connection to the relay, opened when first needed and again after it is lost."""

    def __init__(self, settings: SmtpSettings, password: str | None) -> None:
        self.settings = settings
        self.password = password
        self._smtp: _Plain | _Implicit | None = None

    def connect(self) -> None:
        """Open and log in; :class:`RelayRefused` on a TLS, login or connection failure."""
        settings = self.settings
        where = f"the SMTP relay {settings.host}:{settings.port}"
        context = ssl.create_default_context()
        smtp: _Plain | _Implicit
        try:
            if settings.security == "tls":
                smtp = _Implicit(
                    settings.host, settings.port, timeout=TIMEOUT_SECONDS, context=context
                )
            else:
                smtp = _Plain(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
            smtp.ehlo()
            if settings.security == "starttls":
                if not smtp.has_extn("starttls"):
                    smtp.close()
                    raise RelayRefused(
                        f"{where} does not offer STARTTLS (security: starttls); nothing was "
                        "sent in the clear. Check the host and port, or use security: tls"
                    )
                smtp.starttls(context=context)
                smtp.ehlo()
            if settings.username:
                if self.password is None:
                    smtp.close()
                    raise RelayRefused(
                        f"smtp: username is set but there is no password: set "
                        f"{SMTP_PASSWORD_VARIABLE} (or password_file: in presser.yaml)"
                    )
                smtp.login(settings.username, self.password)
        except smtplib.SMTPAuthenticationError as exc:
            raise RelayRefused(
                f"{where} refused the login of {settings.username}: {_text(exc.smtp_error)}"
            ) from None
        except ssl.SSLError as exc:
            raise RelayRefused(f"TLS with {where} failed: {exc.reason or exc}") from None
        except smtplib.SMTPException as exc:
            raise RelayRefused(f"{where}: {exc}") from None
        except OSError as exc:
            raise RelayRefused(f"cannot reach {where}: {exc.strerror or exc}") from None
        self._smtp = smtp

    def hand_over(self, data: bytes, sender: str, recipient: str, *, utf8: bool = False) -> Answer:
        """Hand one flattened message to the relay for one recipient.

        Never raises for the relay's answer. ``utf8``: an address is not ASCII
        (SMTPUTF8, RFC 6531).
        """
        if self._smtp is None:
            try:
                self.connect()
            except RelayRefused as exc:
                # Reachable at the start, not now: the message is tried again later.
                return Answer("temporary", None, exc.message)
        smtp = self._smtp
        assert smtp is not None
        smtp.handed_over = False
        try:
            options = ["SMTPUTF8"] if utf8 else []
            refused = smtp.sendmail(sender, [recipient], data, mail_options=options)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            return self._refusal(code, text)
        except smtplib.SMTPResponseException as exc:
            return self._refusal(exc.smtp_code, exc.smtp_error)
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            if smtp.handed_over:
                return Answer(
                    "unknown",
                    None,
                    f"the connection was lost after the message was handed "
                    f"over ({exc or 'closed'}); the relay may have it",
                )
            return Answer("temporary", None, f"the connection was lost ({exc or 'closed'})")
        except smtplib.SMTPException as exc:
            return Answer("permanent", None, str(exc))
        if refused:
            code, text = next(iter(refused.values()))
            return self._refusal(code, text)
        # sendmail returns only refusals; the relay's 250 line is the last reply.
        code, reply = smtp.data_reply
        return Answer("accepted", code, _text(reply))

    def _refusal(self, code: int, text: bytes | str) -> Answer:
        if code in (421, -1):
            self._drop()  # the relay is closing the connection
        else:
            self._reset()
        kind: Literal["temporary", "permanent"] = "temporary" if 400 <= code < 500 else "permanent"
        if code < 0:
            kind = "temporary"
        return Answer(kind, code, _text(text))

    def _reset(self) -> None:
        smtp = self._smtp
        if smtp is None:
            return
        try:
            smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError):
                self._smtp.close()
        self._smtp = None

    def close(self) -> None:
        smtp = self._smtp
        self._smtp = None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


def _text(value: bytes | str) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return " ".join(text.split())
