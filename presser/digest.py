"""One digest of what an output is made of: the approval hash and the build cache both use it.

A render records every file it reads while it reads it (:func:`recording`):
each template the Jinja loader opens or finds still up to date, each
stylesheet, each file a stylesheet reaches by ``url()``, each lookup that
found nothing (so a file added later, shadowing a default, counts as a
change). The record names each file by its place on the template search
path (``0/style.css`` is the organisation's folder, ``1/…`` the next folder),
never by an absolute path, so the same workspace in another folder or on
another machine gives the same digest.

What an approval covers, and what tells the build cache a release must be
rendered again, is then exactly what the render read, not a guess from a
walk over folders with rules of its own.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Marks a lookup that found no file (the name was looked for and was not there).
MISSING = "missing"


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` in hexadecimal."""
    return hashlib.sha256(data).hexdigest()


def sha256_tag(data: bytes) -> str:
    """The SHA-256 of ``data`` as ``sha256:<hex>``, the form manifests and histories record."""
    return "sha256:" + sha256_hex(data)


def file_sha256(path: Path) -> str | None:
    """The hexadecimal SHA-256 of a file's bytes, or None when it cannot be read."""
    try:
        return sha256_hex(path.read_bytes())
    except OSError:
        return None


def value_digest(value: Any) -> str:
    """A digest of plain data (dicts, lists, text, numbers): canonical JSON, hashed."""
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return sha256_tag(canonical.encode("utf-8"))


@dataclass(frozen=True)
class Read:
    """One lookup of a render: where it led (``None``: nothing found) and that file's SHA-256."""

    where: str | None
    sha256: str | None

    def as_json(self) -> dict[str, str | None]:
        return {"where": self.where, "sha256": self.sha256}


@dataclass
class ReadLog:
    """Everything one render read, by lookup (``template:release.html.j2``, ``asset:0/bg.png``)."""

    reads: dict[str, Read] = field(default_factory=dict)

    def record(self, key: str, where: str | None, data: bytes | None) -> None:
        self.reads[key] = Read(where, None if data is None else sha256_hex(data))

    def record_read(self, key: str, read: Read) -> None:
        self.reads[key] = read

    def as_json(self) -> dict[str, dict[str, str | None]]:
        return {key: self.reads[key].as_json() for key in sorted(self.reads)}

    def digest(self) -> str:
        return value_digest(self.as_json())

    @staticmethod
    def from_json(data: Mapping[str, Any]) -> ReadLog:
        """The log back from :meth:`as_json`; anything not of that shape raises ``ValueError``."""
        log = ReadLog()
        for key, entry in data.items():
            if not isinstance(key, str) or not isinstance(entry, Mapping):
                raise ValueError("not a record of reads")
            where, sha = entry.get("where"), entry.get("sha256")
            if not all(v is None or isinstance(v, str) for v in (where, sha)):
                raise ValueError("not a record of reads")
            log.reads[key] = Read(where, sha)
        return log


_current: contextvars.ContextVar[ReadLog | None] = contextvars.ContextVar(
    "presser_read_log", default=None
)


@contextlib.contextmanager
def recording() -> Iterator[ReadLog]:
    """Record into a new log every file read in this block (in this thread or task only)."""
    log = ReadLog()
    token = _current.set(log)
    try:
        yield log
    finally:
        _current.reset(token)


def note(key: str, read: Read) -> None:
    """Record ``read`` into the log of the render under way, if one is being recorded."""
    log = _current.get()
    if log is not None:
        log.record_read(key, read)
