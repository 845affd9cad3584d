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

A release is written by :func:`save_release`, the one way a release file is
written (the workflow's steps and lint --fix): never while it is published and
frozen, and by the package's one atomic writer, through a link to its file,
keeping its mode, and only if the file on disk is still exactly the bytes that
were read: a concurrent edit by someone else is never overwritten.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from ..errors import PresserError, ProblemsFound, safe_line
from ..source.limits import DEFAULT_LIMITS, Limits
from ..source.loading import load_bytes
from ..source.workspace import Workspace, find_workspace
from ..writing import ChangedOnDisk, changed_on_disk_message, write_atomic
from .manifest import MANIFEST, version_folder

__all__ = [
    "ChangedOnDisk",
    "ReleaseEditError",
    "ReleaseFile",
    "ReleaseFrozen",
    "changed_on_disk_message",
    "edit_release_text",
    "frozen_refusal",
    "save_release",
    "write_release",
]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# What may stand after "key:" when a list is still empty: nothing, a null word or "[]".
_EMPTY_VALUE = re.compile(r"[ \t]*(?:null|Null|NULL|~|\[[ \t]*\])?[ \t]*")


class ReleaseEditError(PresserError):
    """The release could not be edited safely; nothing was written."""


class ReleaseFrozen(ReleaseEditError):
    """The release is published and frozen; nothing was written."""


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
            raise ReleaseEditError(
                f"{safe_line(str(path))}: cannot read the file: {exc.strerror or exc}"
            ) from None
        bom, encoding = b"", "utf-8"
        for mark, name in _BOMS:
            if raw.startswith(mark):
                bom, encoding = mark, name
                break
        try:
            text = raw[len(bom) :].decode(encoding)
        except UnicodeDecodeError:
            raise ReleaseEditError(
                f"{safe_line(str(path))}: not valid {encoding}; run presser validate"
            ) from None
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


def _yaml_scalar(value: Any) -> Any:
    """What the project's loader reads back for a value presser writes: text (or None).

    A mapping or a list (a history entry's record of its inputs, say) reads
    back as one of the same, its values as text.
    """
    if isinstance(value, Mapping):
        return {str(key): _yaml_scalar(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_yaml_scalar(item) for item in value]
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
            f"{safe_line(str(file.path))}: presser could not edit this file safely; "
            "nothing was written"
        )
    return text


def write_release(file: ReleaseFile, text: str, display: str) -> None:
    """Write ``text`` over the release, only if the disk still holds ``file.raw``.

    The workspace is the one the command line finds for the file.
    """
    workspace = find_workspace(file.path)
    save_release(
        file.path, file.encode(text), expected=file.raw, display=display, workspace=workspace
    )


def save_release(
    path: Path, data: bytes, *, expected: bytes, display: str, workspace: Workspace
) -> None:
    """The one way a release file is written: by the workflow's steps and by lint --fix.

    Refused while the release on disk is frozen and would stay so (see
    :func:`frozen_refusal`); otherwise written by :func:`presser.writing.write_atomic`
    through a link to its file inside the workspace, with its mode and owner,
    and only if the file still holds ``expected`` right before the rename.
    """
    refusal = frozen_refusal(path, expected, data, workspace)
    if refusal is not None:
        raise ReleaseFrozen(f"{display}: {refusal}")
    write_atomic(path, data, within=workspace.root, expected=expected, display=display)


def frozen_refusal(path: Path, before: bytes, after: bytes, workspace: Workspace) -> str | None:
    """Why ``before`` may not become ``after``: a published version with a manifest is frozen.

    A release whose status is published and whose version folder holds a
    manifest (published/<stem>/v<N>/manifest.json) is what went out; the only
    write allowed to it is the one that leaves that state, presser correct's
    (back to a draft of version N+1). A release published before presser kept
    manifests (no manifest) is not frozen here, as :func:`frozen_problems` takes it.
    """
    was = _raw_fields(before, path, workspace.limits)
    if was.get("status") != "published":
        return None
    corrections = was.get("corrections")
    version = len(corrections) + 1 if isinstance(corrections, list) else 1
    folder = version_folder(workspace, path.stem, version)
    if not (folder / MANIFEST).is_file():
        return None
    if _raw_fields(after, path, workspace.limits).get("status") != "published":
        return None
    return (
        f"it is published and frozen (its v{version} is in {workspace.display(folder)}/); "
        f"nothing was written. To change it, start its next version: "
        f"presser correct {workspace.display(path)} --note '…'"
    )


def _raw_fields(raw: bytes, path: Path, limits: Limits) -> dict[str, Any]:
    """The top-level fields of a release's bytes, unvalidated ({} when they do not parse)."""
    try:
        data = load_bytes(raw, path, limits=limits).data
    except ProblemsFound:
        return {}
    return data if isinstance(data, dict) else {}


# --------------------------------------------------------------------------- splicing


def _data(text: str, path: Path, limits: Limits) -> dict[str, Any]:
    try:
        data = load_bytes(text.encode("utf-8"), path, limits=limits).data
    except ProblemsFound as exc:
        raise ReleaseEditError(
            f"{safe_line(str(path))}: {exc.problems[0].message}; run presser validate"
        ) from None
    if not isinstance(data, dict):
        raise ReleaseEditError(
            f"{safe_line(str(path))}: a release is a mapping of fields; run presser validate"
        )
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
