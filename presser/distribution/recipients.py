"""The recipients of a list: written out in organisation.yaml, or read from its CSV file.

A CSV is read only when sending, never by ``presser validate``: it is the
press office's address book, which may be large and changes without a release.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from ..errors import Problem, ProblemsFound
from ..source.distribution import MailingList, split_address
from ..source.fields import language_tag
from ..source.workspace import Workspace

#: The columns a recipients CSV may have; email is the one it must have.
COLUMNS = ("email", "name", "language")


@dataclass(frozen=True)
class Recipient:
    """One person (or desk) to send to."""

    address: str
    name: str = ""
    language: str | None = None  #: the CSV row's; the list's own language otherwise


def read_recipients(mailing_list: MailingList, workspace: Workspace) -> list[Recipient]:
    """The list's recipients, in order; every bad line of a CSV reported at once.

    Raises :class:`ProblemsFound` with each problem at the CSV's own path and
    line, or at line 1 when the file is missing, outside the workspace or has
    no ``email`` column.
    """
    source = mailing_list.recipients
    if not isinstance(source, str):
        language = mailing_list.language
        return [Recipient(address, name, language) for name, address in map(split_address, source)]
    path = workspace.root / source
    shown = workspace.display(path)

    def refused(message: str, line: int = 1) -> Problem:
        return Problem(shown, line, 1, f"(list {mailing_list.name})", message)

    if not workspace.contains(path):
        raise ProblemsFound([refused("leads outside the workspace; presser reads nothing outside")])
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProblemsFound([refused(f"cannot read it: {exc.strerror or exc}")]) from None
    limits = workspace.limits
    if len(data) > limits.max_address_file_bytes:
        raise ProblemsFound([refused("larger than max_address_file_bytes (presser.yaml's limits)")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProblemsFound([refused(f"not UTF-8 (byte {exc.start}); save it as UTF-8")]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(name or "").strip().lower() for name in reader.fieldnames or ()]
    if "email" not in header:
        raise ProblemsFound([refused("the first line names the columns and needs 'email'")])
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise ProblemsFound(
            [refused(f"unknown column '{unknown[0]}'; the columns are {', '.join(COLUMNS)}")]
        )
    reader.fieldnames = header
    recipients: list[Recipient] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    line = reader.line_num
    for row in reader:
        at = line + 1  # the line the row starts on (a quoted field may span lines)
        line = reader.line_num
        if None in row:
            problems.append(refused("more fields than the header names", at))
            continue
        address = (row.get("email") or "").strip()
        name = (row.get("name") or "").strip()
        if not address and not name:
            continue  # an empty line
        try:
            name_in, address = split_address(f"{name} <{address}>" if name else address)
        except ValueError as exc:
            problems.append(refused(str(exc), at))
            continue
        key = address.lower()
        if key in seen:
            problems.append(refused(f"{address} is on line {seen[key]} already", at))
            continue
        seen[key] = at
        if len(recipients) >= limits.max_recipients:
            problems.append(
                refused(f"more than max_recipients ({limits.max_recipients}) on one list", at)
            )
            break
        language = (row.get("language") or "").strip() or None
        if language is not None:
            try:
                language = language_tag(language)
            except ValueError as exc:
                problems.append(refused(f"language: {exc}", at))
                continue
        recipients.append(Recipient(address, name_in, language or mailing_list.language))
    if problems:
        raise ProblemsFound(problems)
    return recipients
