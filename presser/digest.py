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
from collections.abc import Iterator, Mapping, Sequence
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


class TemplateFiles:
    """Finds the files of an organisation's template search path, as the template loader does.

    Kept apart from the loader (and from Jinja) so that ``presser status`` and the
    build cache can check a read log again without importing a template engine.
    ``folders`` is the search path: the organisation's folder, then the defaults.
    """

    #: Lookups whose name is looked for in the organisation's folder only / the defaults only.
    OWN, DEFAULTS, TEMPLATE, ASSET = "own:", "defaults:", "template:", "asset:"
    DEFAULT_PREFIX = "default:"

    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = tuple(folders)
        self.roots = tuple(f.resolve() for f in self.folders)

    def folders_for(self, key: str) -> tuple[Path, ...]:
        if key.startswith(self.OWN):
            return self.folders[:1]
        if key.startswith((self.DEFAULTS, self.TEMPLATE + self.DEFAULT_PREFIX)):
            return self.folders[1:]
        return self.folders

    @classmethod
    def name_of(cls, key: str) -> str:
        name = key.partition(":")[2]
        if key.startswith(cls.TEMPLATE + cls.DEFAULT_PREFIX):
            name = name[len(cls.DEFAULT_PREFIX) :]
        return name

    def locate(self, folders: Sequence[Path], name: str) -> Path | None:
        """The first file ``name`` in ``folders``.

        Raises ``LookupError`` for a name with ``..`` or a file that a link leads
        out of its folder, found before the file is opened.
        """
        # Jinja's own rule for template names: no "..", no separator inside a part.
        pieces = [part for part in name.split("/") if part not in ("", ".")]
        if not pieces or "\0" in name or any(part == ".." or "\\" in part for part in pieces):
            raise LookupError(name)
        for folder in folders:
            candidate = Path(folder, *pieces)
            if candidate.is_file():
                if not candidate.resolve().is_relative_to(folder.resolve()):
                    raise LookupError(name)
                return candidate
        return None

    def where(self, path: Path) -> str | None:
        """A file's place on the search path (``0/style.css``), or None when outside it."""
        resolved = path.resolve()
        for index, root in enumerate(self.roots):
            if resolved.is_relative_to(root):
                return f"{index}/{resolved.relative_to(root).as_posix()}"
        return None

    def path_of(self, where: str) -> Path | None:
        """The file a place on the search path names (the inverse of :meth:`where`)."""
        index, _, relative = where.partition("/")
        if not index.isdigit() or int(index) >= len(self.folders) or not relative:
            return None
        # Places come from records on disk (a history, a cache): never one that climbs out.
        parts = relative.split("/")
        if "\0" in relative or any(part in ("", ".", "..") or "\\" in part for part in parts):
            return None
        return self.folders[int(index)].joinpath(*parts)

    def find(self, key: str) -> tuple[str | None, Path | None]:
        """Where the lookup ``key`` of a read log leads now (``outside``: refused), and the file."""
        if key.startswith(self.ASSET):
            asset = self.path_of(key[len(self.ASSET) :])
            where = self.where(asset) if asset is not None and asset.is_file() else None
            return where, asset if where is not None else None
        try:
            path = self.locate(self.folders_for(key), self.name_of(key))
        except LookupError:
            return "outside", None
        return (None, None) if path is None else (self.where(path), path)

    def reread(self, key: str) -> Read:
        """What the lookup ``key`` of a read log finds now."""
        where, path = self.find(key)
        return Read(where, None if path is None else file_sha256(path))

    def changed(self, log: ReadLog) -> list[str]:
        """The lookups of ``log`` that find something else now (another file, other bytes)."""
        return [key for key, read in sorted(log.reads.items()) if self.reread(key) != read]


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
