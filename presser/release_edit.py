"""Editing a release file in place: the workflow's few changes, every other byte kept.

The workflow changes three things in a release: the ``status`` value, and it
appends an entry to the ``history`` (and ``corrections``) list. A full YAML
round trip (load, change, dump) re-indents, re-wraps and re-quotes lines it
never needed to touch, so the edit is a splice instead: the position of the
value to change (or of the list's last entry) comes from the YAML parser, the
new entry's text comes from ruamel.yaml's round-trip emitter (so quoting is
always right), and everything around it - comments, key order, quoting style,
folded blocks, blank lines, CRLF line endings, a byte order mark - stays byte
for byte. The result is parsed again and compared with the intended data
before anything is written.

A release is written atomically (temporary file, fsync, rename) and only if
the file on disk is still exactly the bytes that were read: a concurrent edit
by someone else is never overwritten.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from .errors import PresserError, ProblemsFound
from .limits import DEFAULT_LIMITS, Limits
from .loading import load_bytes
from .writing import TEMP_PREFIX

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# What may stand after "key:" when a list is still empty: nothing, a null word or "[]".
_EMPTY_VALUE = re.compile(r"[ \t]*(?:null|Null|NULL|~|\[[ \t]*\])?[ \t]*")


class ReleaseEditError(PresserError):
    """The release could not be edited safely; nothing was written."""


class ChangedOnDisk(PresserError):
    """The file changed on disk after presser read it; nothing was written."""


@dataclass(frozen=True)
class ReleaseFile:
    """A release file exactly as read: its bytes, and the text they decode to."""

    path: Path
    raw: bytes
    text: str  #: without the byte order mark
    bom: bytes
    encoding: str
    newline: str  #: "\r\n" when the file's first line ends so, else "\n"
    limits: Limits = DEFAULT_LIMITS  #: the workspace's, so an edit reads what validate read

    @classmethod
    def read(cls, path: Path, limits: Limits = DEFAULT_LIMITS) -> ReleaseFile:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ReleaseEditError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
        bom, encoding = b"", "utf-8"
        for mark, name in _BOMS:
            if raw.startswith(mark):
                bom, encoding = mark, name
                break
        try:
            text = raw[len(bom) :].decode(encoding)
        except UnicodeDecodeError:
            raise ReleaseEditError(f"{path}: not valid {encoding}; run presser validate") from None
        first_break = text.find("\n")
        newline = "\r\n" if first_break > 0 and text[first_break - 1] == "\r" else "\n"
        return cls(path, raw, text, bom, encoding, newline, limits)

    def encode(self, text: str) -> bytes:
        return self.bom + text.encode(self.encoding)

    def still_on_disk(self) -> bool:
        try:
            return self.path.read_bytes() == self.raw
        except OSError:
            return False


def changed_on_disk_message(display: str) -> str:
    return (
        f"{display} was changed on disk by someone else after presser read it; "
        "nothing was written. Look at the change, then run the command again"
    )


def _yaml_scalar(value: Any) -> Any:
    """What the project's loader reads back for a value presser writes: text (or None)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None:
        return None
    return str(value)


def edit_release_text(
    file: ReleaseFile,
    *,
    status: str | None = None,
    append: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """The file's text with ``status`` set and one entry appended to each list in ``append``.

    Lists are appended in the order given; a missing list is created before
    the first later one that exists (``corrections`` above ``history``) or at
    the end of the file. Raises :class:`ReleaseEditError` when the change
    cannot be made by splicing, or the result does not read back as intended.
    """
    text = file.text
    expected = _data(text, file.path, file.limits)
    if status is not None:
        text = _set_scalar(text, "status", status, file.newline)
        expected["status"] = status
    keys = list(append or {})
    for index, key in enumerate(keys):
        entry = {k: v for k, v in (append or {})[key].items() if v is not None}
        text = _append_entry(text, key, entry, file.newline, before=keys[index + 1 :])
        current = expected.get(key)
        expected[key] = [*(current or []), {k: _yaml_scalar(v) for k, v in entry.items()}]
    # pragma: no cover below: a bug in the splicing, not input
    if _data(text, file.path, file.limits) != expected:  # pragma: no cover
        raise ReleaseEditError(
            f"{file.path}: presser could not edit this file safely; nothing was written"
        )
    return text


def write_release(file: ReleaseFile, text: str, display: str) -> None:
    """Write ``text`` over the release atomically, only if the disk still holds ``file.raw``."""
    data = file.encode(text)
    folder = file.path.parent
    try:
        mode = file.path.stat().st_mode & 0o7777
        handle, temporary = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ReleaseEditError(f"cannot write {display}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        # Compared as late as possible: right before the rename that publishes the new bytes.
        if not file.still_on_disk():
            raise ChangedOnDisk(changed_on_disk_message(display))
        os.replace(temporary, file.path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise ReleaseEditError(f"cannot write {display}: {exc.strerror or exc}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- splicing


def _data(text: str, path: Path, limits: Limits) -> dict[str, Any]:
    try:
        data = load_bytes(text.encode("utf-8"), path, limits=limits).data
    except ProblemsFound as exc:
        raise ReleaseEditError(f"{path}: {exc.problems[0].message}; run presser validate") from None
    if not isinstance(data, dict):
        raise ReleaseEditError(f"{path}: a release is a mapping of fields; run presser validate")
    return data


def _root(text: str, path_hint: str) -> yaml.MappingNode:
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.MappingNode) or node.flow_style:
        raise ReleaseEditError(
            f"{path_hint}: presser edits releases written as a block mapping (key: value lines)"
        )
    return node


def _find(root: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    for key_node, value_node in root.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _set_scalar(text: str, key: str, value: str, newline: str) -> str:
    root = _root(text, key)
    found = _find(root, key)
    if found is not None:
        _key_node, value_node = found
        if not isinstance(value_node, yaml.ScalarNode) or value_node.style in ("|", ">"):
            raise ReleaseEditError(f"{key}: must be a single word such as draft")
        start, end = value_node.start_mark.index, value_node.end_mark.index
        if start == end:  # "status:" with nothing after it
            return text[:start] + " " + value + text[end:]
        return text[:start] + value + text[end:]
    # Not there yet: a line of its own, where the format reference lists it (before headline).
    anchor = _find(root, "headline")
    first_key = root.value[0][0] if root.value else None
    at_node = anchor[0] if anchor is not None else first_key
    if at_node is None:
        return text + f"{key}: {value}{newline}"
    indent = " " * at_node.start_mark.column
    insert_at = _line_start(text, at_node.start_mark.index)
    return text[:insert_at] + f"{indent}{key}: {value}{newline}" + text[insert_at:]


def _deepest_last(node: yaml.Node) -> yaml.Node:
    """The node that ends a collection's text: its last scalar, however deep."""
    while isinstance(node, yaml.MappingNode | yaml.SequenceNode) and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return node


def _sequence_layout(text: str, root: yaml.MappingNode) -> tuple[int, int] | None:
    """(dash column, item column) of the file's first block list, to write alike."""
    for _key, value in root.value:
        if isinstance(value, yaml.SequenceNode) and not value.flow_style and value.value:
            item = value.value[0]
            line_start = _line_start(text, item.start_mark.index)
            before = text[line_start : item.start_mark.index].rstrip()
            if before.endswith("-"):
                return len(before) - 1, item.start_mark.column
    return None


def _emit(key: str, entry: Mapping[str, Any], layout: tuple[int, int], newline: str) -> list[str]:
    """The lines of ``key:`` with a one-entry list, from ruamel's round-trip emitter."""
    from ruamel.yaml import YAML

    dash, item = layout
    emitter = YAML(typ="rt")
    emitter.indent(mapping=2, sequence=item, offset=dash)
    emitter.width = 4096  # never fold a long note over lines
    emitter.representer.add_representer(datetime, _represent_datetime)
    stream = io.StringIO()
    emitter.dump({key: [dict(entry)]}, stream)
    return [line + newline for line in stream.getvalue().splitlines()]


def _represent_datetime(representer: Any, value: datetime) -> Any:
    # ISO 8601 with its "T", as the format writes published: (ruamel would put a space).
    return representer.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


def _append_entry(
    text: str, key: str, entry: Mapping[str, Any], newline: str, *, before: list[str]
) -> str:
    root = _root(text, key)
    layout = _sequence_layout(text, root) or (2, 4)
    found = _find(root, key)
    if found is None:
        lines = _emit(key, entry, layout, newline)
        for later in before:
            other = _find(root, later)
            if other is not None:
                insert_at = _line_start(text, other[0].start_mark.index)
                block = "".join(lines) + newline
                return text[:insert_at] + block + text[insert_at:]
        if text and not text.endswith("\n"):
            text += newline
        separator = newline if text.strip() and not text.endswith(newline * 2) else ""
        return text + separator + "".join(lines)

    key_node, value_node = found
    empty_scalar = isinstance(value_node, yaml.ScalarNode) and value_node.value in ("", "null", "~")
    empty_list = isinstance(value_node, yaml.SequenceNode) and not value_node.value
    is_empty = empty_scalar or empty_list
    if is_empty:
        # "history:" or "history: []": the key line becomes the start of a block list.
        start = key_node.start_mark.index
        colon = text.index(":", key_node.end_mark.index) + 1
        match = _EMPTY_VALUE.match(text, colon)
        end = match.end() if match else colon
        lines = _emit(key, entry, layout, newline)
        return text[:start] + "".join(lines).removesuffix(newline) + text[end:]

    if not isinstance(value_node, yaml.SequenceNode) or value_node.flow_style:
        raise ReleaseEditError(
            f"{key}: presser appends to a list written one entry a line (- …); "
            f"rewrite {key}: that way"
        )
    first = value_node.value[0]
    line_start = _line_start(text, first.start_mark.index)
    before_item = text[line_start : first.start_mark.index].rstrip()
    own_layout = (
        (len(before_item) - 1, first.start_mark.column) if before_item.endswith("-") else layout
    )
    lines = _emit(key, entry, own_layout, newline)[1:]
    end = _deepest_last(value_node.value[-1]).end_mark.index
    if end > 0 and text[end - 1] == "\n":  # a block scalar ends after its line break
        insert_at = end
    else:
        line_end = text.find("\n", end)
        if line_end == -1:
            text += newline
            line_end = len(text) - 1
        insert_at = line_end + 1
    return text[:insert_at] + "".join(lines) + text[insert_at:]
