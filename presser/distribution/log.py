"""The send log, ``published/<stem>/v<N>/sent.jsonl``: who got which version; the relay's answers.

One JSON object a line, appended and fsynced line by line, never rewritten:

- ``pending`` before a message is handed to the relay (with ``release``, the
  language version's file stem, when the recipient is sent a translation or
  the original instead of the release whose log it is),
- then ``sent`` with the relay's reply (its queue id), or ``failed`` with the
  code and text and whether the failure is permanent.

A ``pending`` with no outcome after it is a message that may or may not have
reached the relay (the process died, or the connection dropped after the
message was handed over): it is **unknown**, and sent again only when asked
(``--resend-unknown``), so no one gets a silent second copy. A rerun sends to
recipients never sent to and to temporary failures; ``sent`` is final.

The log is also the lock: a send holds an exclusive ``flock`` on it for as
long as it runs, so a second ``presser send`` of the same version refuses
instead of sending twice.
"""

from __future__ import annotations

import fcntl
import json
import os
import stat
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from ..errors import PresserError, Problem, ProblemsFound, WriteError

State = Literal["pending", "sent", "failed"]
#: What the log says of one recipient: its last record, with a pending alone as unknown.
Outcome = Literal["sent", "failed", "temporary", "unknown"]

_STATES = ("pending", "sent", "failed")


@dataclass(frozen=True)
class Entry:
    """One line of the log."""

    state: State
    address: str
    target: str
    at: str
    name: str = ""
    message_id: str = ""
    code: int | None = None
    reply: str = ""
    permanent: bool = False
    release: str = ""  #: the language version sent, when not this log's release

    def as_json(self) -> str:
        record: dict[str, object] = {
            "state": self.state,
            "address": self.address,
            "target": self.target,
            "at": self.at,
        }
        if self.name:
            record["name"] = self.name
        if self.message_id:
            record["message_id"] = self.message_id
        if self.release:
            record["release"] = self.release
        if self.code is not None:
            record["code"] = self.code
        if self.reply:
            record["reply"] = self.reply
        if self.state == "failed":
            record["permanent"] = self.permanent
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


@dataclass
class History:
    """What a log says, recipient by recipient (addresses compared without case)."""

    last: dict[str, Entry] = field(default_factory=dict)

    def outcome(self, address: str) -> Outcome | None:
        entry = self.last.get(address.lower())
        if entry is None:
            return None
        if entry.state == "pending":
            return "unknown"
        if entry.state == "failed" and not entry.permanent:
            return "temporary"
        return entry.state

    def received(self) -> list[Entry]:
        """The recipients the relay accepted a message for, in the order first sent."""
        return [entry for entry in self.last.values() if entry.state == "sent"]

    def add(self, entry: Entry) -> None:
        key = entry.address.lower()
        self.last.pop(key, None)  # keeps the order of the latest record
        self.last[key] = entry


def read_log(path: Path, shown: str) -> History:
    """The log's history; every damaged line reported at once, positioned.

    A last line without its line break is a write the process did not finish
    (it was killed): it is left out, which is safe because a ``pending`` is
    always complete on disk before its message is handed over.
    """
    history = History()
    if path.exists() and not path.is_file():  # a device or a folder: never read
        raise ProblemsFound(
            [Problem(shown, 1, 1, "(send log)", "not a regular file; presser writes it itself")]
        )
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return history
    except OSError as exc:
        raise ProblemsFound(
            [Problem(shown, 1, 1, "(send log)", f"cannot read it: {exc.strerror or exc}")]
        ) from None
    problems: list[Problem] = []
    lines = data.split(b"\n")
    if lines and lines[-1] != b"":
        lines[-1] = b""  # the unfinished write
    for number, raw in enumerate(lines[:-1], start=1):
        entry, problem = _parse(raw, number, shown)
        if problem is not None:
            problems.append(problem)
        elif entry is not None:
            history.add(entry)
    if problems:
        raise ProblemsFound(problems)
    return history


def _parse(raw: bytes, number: int, shown: str) -> tuple[Entry | None, Problem | None]:
    def bad(field: str, message: str) -> tuple[None, Problem]:
        return None, Problem(shown, number, 1, field, message)

    if not raw.strip():
        return None, None
    try:
        record = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return bad("(send log)", f"not a JSON record: {exc}; presser writes one per line")
    if not isinstance(record, dict):
        return bad("(send log)", "not a JSON object; presser writes one per line")
    state = record.get("state")
    if state not in _STATES:
        return bad("state", f"one of {', '.join(_STATES)}")
    for key in ("address", "target", "at"):
        if not isinstance(record.get(key), str) or not record[key]:
            return bad(key, "missing, or not text")
    code = record.get("code")
    if code is not None and (not isinstance(code, int) or isinstance(code, bool)):
        return bad("code", "an SMTP reply code such as 250")
    texts = {key: record.get(key, "") for key in ("name", "message_id", "reply", "release")}
    for key, value in texts.items():
        if not isinstance(value, str):
            return bad(key, "not text")
    return (
        Entry(
            state=state,
            address=record["address"],
            target=record["target"],
            at=record["at"],
            name=texts["name"],
            message_id=texts["message_id"],
            code=code,
            reply=texts["reply"],
            permanent=bool(record.get("permanent", False)),
            release=texts["release"],
        ),
        None,
    )


class SendLocked(PresserError):
    """Another ``presser send`` of the same version is running."""


class SendLog:
    """The open log of one version: appends records, holds the lock while open."""

    def __init__(self, path: Path, shown: str) -> None:
        self.path = path
        self.shown = shown
        self._fd = -1

    def __enter__(self) -> SendLog:
        try:
            flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC
            self._fd = os.open(self.path, flags, 0o644)
        except OSError as exc:
            raise WriteError(
                f"{self.shown}: cannot open the send log ({exc.strerror or exc}); nothing was sent"
            ) from None
        if not stat.S_ISREG(os.fstat(self._fd).st_mode):
            os.close(self._fd)
            raise WriteError(f"{self.shown}: not a regular file; nothing was sent")
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(self._fd)
            raise SendLocked(
                f"{self.shown}: another presser send of this version is running; "
                "wait for it to finish (nothing was sent by this one)"
            ) from None
        self._drop_unfinished_line()
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self._fd)  # closing releases the lock
        self._fd = -1

    def history(self) -> History:
        return read_log(self.path, self.shown)

    def append(self, entry: Entry) -> None:
        """Add one record and make it durable before returning."""
        data = (entry.as_json() + "\n").encode("utf-8")
        try:
            written = os.write(self._fd, data)
            if written != len(data):  # a full disk: what is on disk is an unfinished line
                raise OSError(f"only {written} of {len(data)} bytes were written")
            os.fsync(self._fd)
        except OSError as exc:
            fate = (
                "its message was not sent"
                if entry.state == "pending"
                else "its message was handed to the relay, so it counts as unknown"
            )
            raise WriteError(
                f"{self.shown}: the send stopped: the record of {entry.address} could not be "
                f"written ({getattr(exc, 'strerror', None) or exc}); {fate}"
            ) from None

    def _drop_unfinished_line(self) -> None:
        # A killed send may have left half a line; the next record must start a line.
        with open(self.path, "rb") as file:
            data = file.read()
        if data and not data.endswith(b"\n"):
            os.ftruncate(self._fd, data.rfind(b"\n") + 1)


def now_text(at: datetime) -> str:
    return at.isoformat(timespec="seconds")
