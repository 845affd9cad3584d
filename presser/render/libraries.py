"""Finding WeasyPrint's C libraries without starting a program.

WeasyPrint loads Pango, HarfBuzz, fontconfig and GObject through cffi, which
hands every name it cannot open directly (``gobject-2.0``, ``pango-1.0-0``, …)
to :func:`ctypes.util.find_library`. On Linux that runs ``/sbin/ldconfig -p``,
then ``gcc`` and ``ld``: some 50 programs per import of WeasyPrint on Debian
12, a third of a second, where presser promises that rendering starts no
program (SECURITY.md).

:func:`library_lookup` replaces ``find_library`` for a block with
:func:`find_library`, which reads what the dynamic linker reads:
``/etc/ld.so.cache`` or, where there is none, the folders of
``/etc/ld.so.conf`` and the standard ones. Each is read once per process.
Only off Linux, for a name it does not find, is the standard lookup asked.
"""

from __future__ import annotations

import ctypes.util
import functools
import glob
import os
import re
import struct
import sys
import sysconfig
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LD_SO_CACHE = Path("/etc/ld.so.cache")
LD_SO_CONF = Path("/etc/ld.so.conf")
_MULTIARCH = sysconfig.get_config_var("MULTIARCH")
#: Where ldconfig and the dynamic linker look without being told.
STANDARD_FOLDERS: tuple[str, ...] = (
    *((f"/lib/{_MULTIARCH}", f"/usr/lib/{_MULTIARCH}") if _MULTIARCH else ()),
    *(("/lib64", "/usr/lib64") if struct.calcsize("P") == 8 else ()),
    "/lib",
    "/usr/lib",
)

_STANDARD_FIND_LIBRARY = ctypes.util.find_library

# glibc's cache layout (sysdeps/generic/dl-cache.h): a 48-byte header (magic,
# entry count, string table size, byte order, ...), then 24-byte entries (flags,
# key, value, OS version, hwcaps) whose key (the soname) and value (the path)
# are offsets of strings counted from the header.
_OLD_MAGIC = b"ld.so-1.7.0"
_NEW_MAGIC = b"glibc-ld.so.cache1.1"
_HEADER_SIZE = 48
_ENTRY = "iIIIQ"
#: The entry flags ldconfig writes for an ABI (ELF libc6 plus the architecture's
#: bits, from glibc's ldconfig.h); for one not listed any libc6 entry will do,
#: as ``(libc6`` does in ``find_library``'s reading of ``ldconfig -p``.
_ABI_FLAGS = {
    ("x86_64", 8): 0x0303,
    ("aarch64", 8): 0x0A03,
    ("ppc64le", 8): 0x0503,
    ("ppc64", 8): 0x0503,
    ("s390x", 8): 0x0403,
    ("riscv64", 8): 0x1003,
    ("i686", 4): 0x0003,
}


def parse_cache(data: bytes) -> list[str] | None:
    """This process's ABI's sonames in an ``ld.so.cache``, in its order; None if unreadable."""
    abi = _ABI_FLAGS.get((os.uname().machine, struct.calcsize("P")))
    start = 0
    try:
        if data.startswith(_OLD_MAGIC):  # the old table first, then the new one aligned to 8
            (old_count,) = struct.unpack_from("=I", data, 12)
            start = (16 + 12 * old_count + 7) & ~7
        order = {2: "<", 3: ">"}.get(data[start + 28] & 3, "=")
        magic, count = struct.unpack_from(order + "20sI", data, start)
        if magic != _NEW_MAGIC:
            return None
        entry = struct.Struct(order + _ENTRY)
        sonames = []
        for index in range(count):
            flags, key, *_ = entry.unpack_from(data, start + _HEADER_SIZE + entry.size * index)
            if flags == abi if abi is not None else flags & 0xFF == 0x0003:
                offset = start + key
                sonames.append(os.fsdecode(data[offset : data.index(b"\0", offset)]))
    except (struct.error, IndexError, ValueError):
        return None
    return sonames


@functools.cache
def _cached_sonames() -> list[str] | None:
    try:
        return parse_cache(LD_SO_CACHE.read_bytes())
    except OSError:
        return None


def configured_folders(conf: Path, seen: frozenset[Path] = frozenset()) -> list[str]:
    """The folders an ``ld.so.conf`` names, following its ``include`` lines."""
    if conf in seen:
        return []
    try:
        lines = conf.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    folders: list[str] = []
    for line in lines:
        words = line.split("#", 1)[0].split()
        if words[:1] == ["include"]:
            for pattern in words[1:]:
                for included in sorted(glob.glob(os.path.join(conf.parent, pattern))):
                    folders += configured_folders(Path(included), seen | {conf})
        elif words and words[0] != "hwcap":
            folders.append(words[0])
    return folders


@functools.cache
def _folder_listings() -> list[tuple[str, list[str]]]:
    folders = [
        *os.environ.get("LD_LIBRARY_PATH", "").split(":"),
        *configured_folders(LD_SO_CONF),
        *STANDARD_FOLDERS,
    ]
    listings = []
    for folder in dict.fromkeys(f for f in folders if f):
        try:
            listings.append((folder, sorted(os.listdir(folder))))
        except OSError:
            continue
    return listings


def find_library(name: str) -> str | None:
    """What ``ctypes.util.find_library(name)`` answers, found without a program.

    From the cache, the soname of the first ``lib<name>.*`` entry (as
    ``ldconfig -p`` lists them); without a cache, the path of
    ``lib<name>.so.<major>`` (or ``lib<name>.so``) in the first folder that has
    one: a path, because the dynamic linker finds a bare name in those folders
    only through the cache.
    """
    sonames = _cached_sonames()
    if sonames is not None:
        pattern = re.compile(rf"lib{re.escape(name)}\.\S+")
        found = next((s for s in sonames if pattern.fullmatch(s)), None)
    else:
        found = _in_folders(f"lib{name}.so")
    if found is None and sys.platform != "linux":
        return _STANDARD_FIND_LIBRARY(name)
    return found


def _in_folders(stem: str) -> str | None:
    for folder, names in _folder_listings():
        matches = [n for n in names if n == stem or n.startswith(stem + ".")]
        if matches:
            # The soname-like lib<name>.so.<major> before longer versions and the bare .so.
            best = min(matches, key=lambda n: (n == stem, n.count("."), n))
            return os.path.join(folder, best)
    return None


@contextmanager
def library_lookup() -> Iterator[None]:
    """For the block, ``ctypes.util.find_library`` is :func:`find_library`."""
    replaced = ctypes.util.find_library
    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = replaced
