"""Addresses that get no more mail: ``suppressed.txt``, or the file ``suppress:`` names.

One address a line; ``#`` starts a comment, blank lines are ignored. Sends
skip every address in it (compared without case) and say how many;
``presser unsubscribe ADDRESS...`` adds to it through the one writer.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Problem, ProblemsFound
from ..source.distribution import Distribution, split_address
from ..source.workspace import Workspace
from ..writing import write_atomic

#: Where the addresses are kept when no organisation names its own file.
DEFAULT_FILE = "suppressed.txt"


def suppression_file(workspace: Workspace, distribution: Distribution | None) -> Path:
    return workspace.root / (distribution.suppress if distribution else DEFAULT_FILE)


def read_suppressed(path: Path, workspace: Workspace) -> set[str]:
    """The addresses in the file (lower-cased); every bad line reported, positioned."""
    shown = workspace.display(path)
    if not workspace.contains(path):
        raise ProblemsFound(
            [
                Problem(
                    shown,
                    1,
                    1,
                    "(suppressed)",
                    "leads outside the workspace; presser reads nothing outside",
                )
            ]
        )
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return set()
    except OSError as exc:
        raise ProblemsFound(
            [Problem(shown, 1, 1, "(suppressed)", f"cannot read it: {exc.strerror or exc}")]
        ) from None
    if len(data) > workspace.limits.max_address_file_bytes:
        raise ProblemsFound(
            [
                Problem(
                    shown, 1, 1, "(suppressed)", "larger than max_address_file_bytes (presser.yaml)"
                )
            ]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProblemsFound(
            [Problem(shown, 1, 1, "(suppressed)", f"not UTF-8 (byte {exc.start})")]
        ) from None
    addresses: set[str] = set()
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        try:
            addresses.add(split_address(entry)[1].lower())
        except ValueError as exc:
            problems.append(Problem(shown, number, 1, "(suppressed)", str(exc)))
    if problems:
        raise ProblemsFound(problems)
    return addresses


def suppress(path: Path, workspace: Workspace, addresses: list[str]) -> list[str]:
    """Add the addresses not already in the file; the ones added, as given.

    Raises :class:`ProblemsFound` for an address that is not one, before writing.
    """
    problems = []
    wanted: list[str] = []
    for index, text in enumerate(addresses, start=1):
        try:
            wanted.append(split_address(text)[1])
        except ValueError as exc:
            problems.append(Problem("(command line)", 1, index, text, str(exc)))
    if problems:
        raise ProblemsFound(problems)
    known = read_suppressed(path, workspace)
    added = []
    for address in wanted:
        if address.lower() not in known:
            known.add(address.lower())
            added.append(address)
    if added:
        before = path.read_bytes() if path.is_file() else b""
        if before and not before.endswith(b"\n"):
            before += b"\n"
        header = b"" if before else b"# Addresses that get no more mail from presser send.\n"
        data = before + header + "".join(f"{a}\n" for a in added).encode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data, within=workspace.root, display=workspace.display(path))
    return added
