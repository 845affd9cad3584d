"""What changed on disk: a polling watcher over the workspace's sources, and a memo of hashes.

Polling, not inotify or ``watchfiles``: it needs nothing outside the standard
library, works the same in containers, on network and bind mounts (where
change events are lost: the stale pages and dead reloads MkDocs' users report)
and on every platform, and for the files of one workspace a walk costs about a
millisecond. What is polled is each file's size and modification time; a
file's bytes are hashed only when those moved (:class:`FileHashes`), so an
editor that rewrites a file unchanged, or ``touch``, changes nothing the
preview shows.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

#: How often the watched folders are walked, in seconds.
POLL_SECONDS = 0.1
#: After a change is seen, how long the files must stay still before it is acted on:
#: an editor that truncates and then writes, or writes a temporary file and renames
#: it, is then seen once, finished.
SETTLE_SECONDS = 0.03
#: A file larger than this is not hashed (its size and time stand for it): no source
#: presser reads is this large (the largest, an image, is refused far below it).
MAX_HASHED_BYTES = 64 * 1024 * 1024

#: One file's state as polled: modification time, size, inode, change time.
Stamp = tuple[int, int, int, int]


def stamp(path: Path) -> Stamp | None:
    """The state of ``path`` (links followed), or None when there is no such file."""
    try:
        st = path.stat()
    except (OSError, ValueError):
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)


class FileHashes:
    """SHA-256 of files, read again only when a file's stamp moved.

    ``allowed`` says which resolved paths may be read at all: presser reads
    nothing outside the workspace (and its own default look), so a link out is
    given a marker, never opened.
    """

    def __init__(self, allowed: Callable[[Path], bool]) -> None:
        self._allowed = allowed
        self._memo: dict[Path, tuple[Stamp, str]] = {}
        self._lock = threading.Lock()

    def of(self, path: Path) -> str:
        """A digest of the file's bytes; ``missing`` or ``outside`` when it cannot be read."""
        found = stamp(path)
        if found is None or not path.is_file():
            return "missing"
        with self._lock:
            known = self._memo.get(path)
        if known is not None and known[0] == found:
            return known[1]
        if not self._allowed(path.resolve()):
            return "outside"
        if found[1] > MAX_HASHED_BYTES:
            digest = f"large:{found[0]}:{found[1]}"
        else:
            try:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                return "missing"
        with self._lock:
            self._memo[path] = (found, digest)
        return digest


def snapshot(folders: Iterable[Path], files: Iterable[Path]) -> frozenset[tuple[str, Stamp]]:
    """The stamp of every file under ``folders`` (links not followed into) and of ``files``."""
    seen: set[tuple[str, Stamp]] = set()
    for folder in folders:
        for directory, _subfolders, names in os.walk(folder):
            for name in names:
                joined = os.path.join(directory, name)
                found = stamp(Path(joined))
                if found is not None:
                    seen.add((joined, found))
    for path in files:
        found = stamp(path)
        if found is not None:
            seen.add((str(path), found))
    return frozenset(seen)


class Watcher:
    """Calls ``changed`` (in its own thread) each time the polled files settle after a change.

    ``targets`` gives the folders and files to poll, asked again on every
    round, so a release that starts using an image elsewhere is watched from
    then on.
    """

    def __init__(
        self,
        targets: Callable[[], tuple[list[Path], list[Path]]],
        changed: Callable[[], None],
        *,
        poll: float = POLL_SECONDS,
    ) -> None:
        self._targets = targets
        self._changed = changed
        self._poll = poll
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="presser-watch", daemon=True)
        self.errors: list[str] = []  #: what a failed round said (the watcher goes on)

    def _take(self) -> frozenset[tuple[str, Stamp]]:
        folders, files = self._targets()
        return snapshot(folders, files)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2)

    def _run(self) -> None:
        last = self._take()
        while not self._stop.wait(self._poll):
            try:
                now = self._take()
                if now == last:
                    continue
                # Settle: act on the state the files end in, not on a half-written one.
                while not self._stop.wait(SETTLE_SECONDS):
                    again = self._take()
                    if again == now:
                        break
                    now = again
                last = now
                self._changed()
            except Exception as exc:  # a bug here must not end the reloading
                self.errors.append(f"{type(exc).__name__}: {exc}")
