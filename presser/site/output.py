"""Putting the newsroom in place: incremental, whole, and only ever inside ``--out``.

A site is read by people and crawlers while it is rebuilt, so it changes in
one step: the new site is assembled in a sibling folder (``.<name>.presser-…``
beside ``--out``) and swapped in by two renames; the previous site is then
removed, and nothing outside ``--out`` is ever touched.

It is incremental like ``build``: a file whose bytes are unchanged is not
written again but hard-linked into the new folder (copied where links are not
possible), and a run in which nothing changed writes nothing at all, not
even the sibling folder. Files copied from a version folder (PDFs, images)
are compared by size and modification time, which the copy keeps, since
version folders never change; generated pages by their bytes.

A folder that is not empty and holds no :data:`MARKER` is refused as
``--out``: replacing it would delete files presser did not make.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageProblem, WriteError
from ..writing import write_atomic

#: The file that marks a folder as a site presser built (and may therefore replace).
MARKER = ".presser-site"


@dataclass
class WriteReport:
    """What a site build changed."""

    written: list[str] = field(default_factory=list)  #: new or changed files
    removed: list[str] = field(default_factory=list)  #: files no longer part of the site
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


class SiteWriter:
    """Collects the files of a site and puts them in place at :meth:`finish`."""

    def __init__(self, out: Path, shown: str) -> None:
        self.out = out
        self.shown = shown
        self._planned: set[str] = set()
        self._unchanged: list[str] = []
        self._staging: Path | None = None
        self.report = WriteReport()
        if out.exists() and not out.is_dir():
            raise UsageProblem(f"{shown} is a file, not a folder for the site")
        if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
            raise UsageProblem(
                f"{shown} is not empty and is not a site presser built (no {MARKER}); "
                "give an empty or new folder as --out, so nothing of yours is replaced"
            )
        self.sizes: dict[str, int] = {}  #: every planned file's size, by its path

    def put(self, name: str, data: bytes) -> None:
        """One generated file of the site, by its path in the site."""
        self._plan(name)
        self.sizes[name] = len(data)
        current = self.out / name
        try:
            same = current.stat().st_size == len(data) and current.read_bytes() == data
        except OSError:
            same = False
        if same:
            self._unchanged.append(name)
        else:
            self._write(name, data)

    def copy(self, name: str, source: Path, *, by_bytes: bool = False) -> None:
        """A file copied into the site as it is (from a version folder)."""
        self._plan(name)
        current = self.out / name
        was: os.stat_result | None
        now: os.stat_result | None
        try:
            was, now = current.stat(), source.stat()
        except OSError:
            was = now = None
        try:
            self.sizes[name] = source.stat().st_size
        except OSError as exc:
            raise WriteError(f"cannot read {source}: {exc.strerror}") from None
        if was is not None and now is not None and was.st_size == now.st_size:
            if by_bytes:
                if current.read_bytes() == source.read_bytes():
                    self._unchanged.append(name)
                    return
            elif was.st_mtime_ns == now.st_mtime_ns:
                self._unchanged.append(name)
                return
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise WriteError(f"cannot read {source}: {exc.strerror}") from None
        target = self._write(name, data)
        if not by_bytes:
            stat = source.stat()
            os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    def layout(self) -> str:
        """A digest of the planned files' names and sizes (the marker excepted)."""
        return layout_digest((n, s) for n, s in self.sizes.items() if n != MARKER)

    def finish(self) -> WriteReport:
        """Swap the new site in, if anything changed; nothing is written otherwise."""
        if self.out.is_dir():
            for path in self.out.rglob("*"):
                name = path.relative_to(self.out).as_posix()
                if (path.is_file() or path.is_symlink()) and name not in self._planned:
                    self.report.removed.append(name)
        self.report.unchanged = len(self._unchanged)
        if not self.report.changed:
            return self.report
        staging = self._staging_folder()
        for name in self._unchanged:
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(self.out / name, target)
            except OSError:
                shutil.copy2(self.out / name, target)
        self._swap(staging)
        return self.report

    def abandon(self) -> None:
        """Remove the half-built sibling folder (after an error or Ctrl-C)."""
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None

    # ------------------------------------------------------------------ inside

    def _plan(self, name: str) -> None:
        parts = Path(name).parts
        if not parts or Path(name).is_absolute() or ".." in parts:
            raise WriteError(f"{name!r} is not a path inside the site")
        if name in self._planned:
            raise WriteError(f"{self.shown}/{name} would be written twice")
        self._planned.add(name)

    def _staging_folder(self) -> Path:
        if self._staging is None:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self._staging = Path(
                tempfile.mkdtemp(prefix=f".{self.out.name}.presser-", dir=self.out.parent)
            )
        return self._staging

    def _write(self, name: str, data: bytes) -> Path:
        target = self._staging_folder() / name
        write_atomic(target, data, display=f"{self.shown}/{name}")
        self.report.written.append(name)
        return target

    def _swap(self, staging: Path) -> None:
        os.chmod(staging, 0o755)
        old: Path | None = None
        try:
            if self.out.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.old-", dir=self.out.parent))
                os.rename(self.out, old / "site")
            os.rename(staging, self.out)
        except OSError as exc:
            if old is not None and (old / "site").exists() and not self.out.exists():
                os.rename(old / "site", self.out)  # put the previous site back
            raise WriteError(f"cannot put the site in place at {self.shown}: {exc}") from None
        finally:
            self._staging = None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def layout_digest(files: Iterable[tuple[str, int]]) -> str:
    """One SHA-256 of file names and sizes, in name order."""
    digest = hashlib.sha256()
    for name, size in sorted(files):
        digest.update(f"{name}\0{size}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def current_layout(out: Path) -> str:
    """:func:`layout_digest` of the files in ``out`` as they are now (the marker excepted)."""
    found = []
    for path in out.rglob("*"):
        name = path.relative_to(out).as_posix()
        if name != MARKER and path.is_file():
            found.append((name, path.stat().st_size))
    return layout_digest(found)
