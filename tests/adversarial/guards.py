"""Proof that a render touches no network, reads nothing outside, and runs nothing.

One audit hook (``sys.addaudithook``) watches the process. Audit hooks cannot
be removed, so the hook is installed once and does nothing until a
:class:`Guard` is switched on (``with guard.watching(project): ...``); the
fixtures in ``conftest.py`` switch it on around every render of the
adversarial suite, and :func:`main` runs ``presser`` in a subprocess with it
on from start to exit (so subprocess renders are watched too).

While on, it records and *refuses*:

- ``socket.connect`` to anything but the loopback listener (which records the
  connections it accepts: a render that tried one of the corpus's
  ``http://127.0.0.1:PORT/`` addresses would show up there);
- every name lookup (``socket.getaddrinfo``, ``gethostbyname``, …) and every
  datagram sent (``sendto``, the way DNS would leave);
- every program started (``subprocess.Popen``, ``os.system``, ``os.exec*``,
  ``os.posix_spawn``): nothing from a release or a template may run.

And it records (without refusing, so that presser's own error handling is not
what the test sees) every ``open`` of a path outside the allowed places:

- the temporary project (the workspace the test built);
- the Python installation: ``sys.prefix`` (the venv), ``sys.base_prefix``'s
  library folder, and every ``sysconfig`` path (stdlib, site-packages);
- presser itself: its package folder and the default templates it ships;
- ``/etc/mime.types`` (``mimetypes``, used by the PDF's URL fetcher to label
  a project file it serves) and ``/usr/share/zoneinfo`` (``zoneinfo`` looks
  there before the ``tzdata`` package);
- the font and fontconfig folders: ``/usr/share/fonts``,
  ``/usr/local/share/fonts``, ``~/.fonts``, ``~/.local/share/fonts``,
  ``/etc/fonts``, ``/var/cache/fontconfig``, ``~/.cache/fontconfig``. Pango
  and fontconfig read these from C, where no audit hook sees them; they are
  listed so that a Python-level font read (an ``@font-face`` naming a system
  font file) would be allowed, and nothing else;
- ``/dev/null`` and ``/dev/urandom``;
- ``/etc/ld.so.cache`` (or, without it, ``/etc/ld.so.conf`` and
  ``/etc/ld.so.conf.d``), which ``presser/render/libraries.py`` reads to find
  WeasyPrint's C libraries, as the dynamic linker does;
- WeasyPrint's own scratch folders, ``$TMPDIR/weasyprint-*``, where its font
  configuration keeps the fonts of ``@font-face`` rules it was given (only
  after fetching them through presser's confined fetcher) and which it
  removes when garbage-collected, possibly during a later render.

Importing WeasyPrint is watched too: presser imports it inside
``presser.render.libraries.library_lookup``, which finds its C libraries
without the ``ldconfig``, ``gcc`` and ``ld`` that ``ctypes.util.find_library``
would run.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import sysconfig
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOOKUP_EVENTS = frozenset(
    {
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyaddr",
        "socket.getnameinfo",
        "socket.gethostname",
    }
)
SEND_EVENTS = frozenset({"socket.sendto", "socket.sendmsg"})
EXEC_EVENTS = frozenset(
    {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork"}
)
FONT_AND_SYSTEM_FOLDERS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.fonts",
    "~/.local/share/fonts",
    "/etc/fonts",
    "/var/cache/fontconfig",
    "~/.cache/fontconfig",
    "/usr/share/zoneinfo",
)
SYSTEM_FILES = (
    "/etc/mime.types",
    "/dev/null",
    "/dev/urandom",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
)
WEASYPRINT_SCRATCH = os.path.join(os.path.realpath(tempfile.gettempdir()), "weasyprint-")


class Blocked(PermissionError):
    """Raised inside the watched code for a refused network access or program start."""


def python_installation() -> list[Path]:
    """Where the interpreter and its packages live: allowed to be read."""
    places = {Path(sys.prefix), Path(sys.exec_prefix)}
    places |= {Path(p) for p in sysconfig.get_paths().values()}
    places |= {Path(p) for p in sys.path if p and Path(p).is_dir() and "site-packages" in p}
    return sorted(p.resolve() for p in places)


def presser_files() -> list[Path]:
    import presser
    from presser.source.workspace import packaged_default_templates

    return [Path(presser.__file__).resolve().parent, packaged_default_templates().resolve()]


@dataclass
class LoopbackListener:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""

    connections: list[tuple[str, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(16)
        self._server.settimeout(0.2)
        self.port: int = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, peer = self._server.accept()
            except (TimeoutError, OSError):
                continue
            self.connections.append(peer)
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._server.close()


@dataclass
class Guard:
    """The process's one audit hook and what it saw while switched on."""

    listener_port: int | None = None
    active: bool = False
    allowed: tuple[Path, ...] = ()
    outside_reads: list[str] = field(default_factory=list)
    connects: list[str] = field(default_factory=list)
    lookups: list[str] = field(default_factory=list)
    executions: list[str] = field(default_factory=list)
    _inside_hook: bool = False

    def reset(self) -> None:
        for found in (self.outside_reads, self.connects, self.lookups, self.executions):
            found.clear()

    def allow(self, project: Path, *extra: Path) -> None:
        bases = [project, *extra, *python_installation(), *presser_files()]
        bases += [Path(p).expanduser() for p in (*FONT_AND_SYSTEM_FOLDERS, *SYSTEM_FILES)]
        self.allowed = tuple(dict.fromkeys(Path(os.path.realpath(b)) for b in bases))

    @contextmanager
    def watching(self, project: Path, *extra: Path) -> Iterator[Guard]:
        """Switch the guard on for ``project`` (and ``extra`` folders) for the block."""
        self.allow(project, *extra)
        self.active = True
        try:
            yield self
        finally:
            self.active = False

    def violations(self) -> dict[str, list[str]]:
        found = {
            "reads outside the project": self.outside_reads,
            "network connections": self.connects,
            "name lookups": self.lookups,
            "programs started": self.executions,
        }
        return {kind: sorted(set(items)) for kind, items in found.items() if items}

    def hook(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.active or self._inside_hook:
            return
        self._inside_hook = True  # realpath below raises no "open", but be sure
        try:
            self._check(event, args)
        finally:
            self._inside_hook = False

    def _check(self, event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            target = args[0]
            if isinstance(target, str | bytes | os.PathLike):
                path = Path(os.path.realpath(os.fsdecode(target)))
                scratch = str(path).startswith(WEASYPRINT_SCRATCH)
                if not scratch and not any(path.is_relative_to(a) for a in self.allowed):
                    self.outside_reads.append(str(path))
        elif event == "socket.connect":
            address = args[1]
            loopback = isinstance(address, tuple) and address[:2] == (
                "127.0.0.1",
                self.listener_port,
            )
            self.connects.append(repr(address))
            if not loopback:
                raise Blocked(f"network access refused by the test guard: {address!r}")
        elif event in LOOKUP_EVENTS or event in SEND_EVENTS:
            self.lookups.append(f"{event} {args[:2]!r}")
            raise Blocked(f"{event} refused by the test guard")
        elif event in EXEC_EVENTS or event.startswith("os.exec"):
            self.executions.append(f"{event} {args[:2]!r}")
            raise Blocked(f"{event} refused by the test guard")


GUARD = Guard()
_installed = False


def install() -> Guard:
    """Add the audit hook (once per process) and return the guard it consults."""
    global _installed
    if not _installed:
        sys.addaudithook(GUARD.hook)
        _installed = True
    return GUARD


def main() -> None:
    """``presser`` with the guard on from start to exit; the findings go to a JSON file.

    Environment: ``PRESSER_GUARD_PROJECT`` (the workspace), ``PRESSER_GUARD_REPORT``
    (where to write what was seen), ``PRESSER_GUARD_PORT`` (the loopback listener).
    """
    project = Path(os.environ["PRESSER_GUARD_PROJECT"])
    report = Path(os.environ["PRESSER_GUARD_REPORT"])
    port = os.environ.get("PRESSER_GUARD_PORT")
    guard = install()
    guard.listener_port = int(port) if port else None
    from presser.cli import cli
    from presser.render.printer import PdfPrinter

    # The guard's record lives in this process: a forked PDF printer's reads and
    # connections would be recorded in the child and lost, so lay out PDFs here.
    PdfPrinter.available = staticmethod(lambda: False)  # type: ignore[method-assign]
    guard.allow(project)
    # Python writes nothing to these, but the report itself goes here.
    guard.allowed = (*guard.allowed, report.parent.resolve())
    guard.active = True
    code: int | str | None = 0
    try:
        cli.main(args=sys.argv[1:], prog_name="presser", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
    finally:
        guard.active = False
        report.write_text(json.dumps(guard.violations()), encoding="utf-8")
    sys.exit(code)


if __name__ == "__main__":
    main()
