"""Reference docs generated from the code, so they cannot drift.

``python -m presser.docs format`` prints docs/format.md (every field of the
release and organisation format, from the models); ``python -m presser.docs
context`` prints docs/context.md (every field of the render context, from the
``#:`` comments in :mod:`presser.context`). ``make docs`` writes both; a test
checks the committed files are current.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import sys
import types
import typing

from pydantic import AwareDatetime, BaseModel
from pydantic.fields import FieldInfo

from . import context, model

FORMAT_MODELS: tuple[type[BaseModel], ...] = (
    model.Release,
    model.Quote,
    model.Contact,
    model.Link,
    model.Image,
    model.Organisation,
)
CONTEXT_CLASSES = (
    context.ReleaseContext,
    context.OrganisationContext,
    context.MomentContext,
    context.BlockContext,
    context.QuoteContext,
    context.ImageContext,
    context.ContactContext,
    context.LinkContext,
)


def _type_name(annotation: object) -> str:
    text = str(annotation) if not isinstance(annotation, type) else annotation.__name__
    text = re.sub(r"typing\.|presser\.\w+\.|Annotated\[(\w+), .*?\]", r"\1", text)
    text = re.sub(r"<class '(\w+)'>", r"\1", text)
    text = text.replace("NoneType", "None").replace("markupsafe.", "")
    return text


def _field_type(info: FieldInfo) -> str:
    annotation = info.annotation
    origin = typing.get_origin(annotation)
    if origin is typing.Union or isinstance(annotation, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
    else:
        args = [annotation]
    names = []
    for arg in args:
        if typing.get_origin(arg) is typing.Literal:
            names.append(" \\| ".join(str(a) for a in typing.get_args(arg)))
        elif typing.get_origin(arg) is tuple:
            inner = typing.get_args(arg)[0]
            inner_name = "text" if typing.get_origin(inner) is typing.Annotated else None
            names.append(f"list of {inner_name or getattr(inner, '__name__', 'text')}")
        elif typing.get_origin(arg) is dict:
            names.append("mapping of language to text")
        elif arg is str or typing.get_origin(arg) is typing.Annotated:
            names.append(_annotated_name(arg))
        elif arg is AwareDatetime or "datetime" in str(arg):
            names.append("date and time with offset")
        else:
            names.append(getattr(arg, "__name__", "text"))
    return " or ".join(dict.fromkeys(names))


def _annotated_name(arg: object) -> str:
    if typing.get_origin(arg) is typing.Annotated:
        base = typing.get_args(arg)[0]
        if typing.get_origin(base) is typing.Union or "|" in str(base):
            return "text or list"
        return "text"
    return "text"


def format_reference() -> str:
    """docs/format.md: one table per model, every field with its type and description."""
    out = [
        "# Format reference",
        "",
        "Generated from `presser/model.py` by `make docs`; do not edit by hand.",
        "The author's introduction is the release-format spec; this is every field.",
        "",
    ]
    for cls in FORMAT_MODELS:
        out += [f"## {cls.__name__}", "", inspect.cleandoc(cls.__doc__ or ""), ""]
        out += ["| field | type | required | description |", "| --- | --- | --- | --- |"]
        for name, info in cls.model_fields.items():
            required = "yes" if info.is_required() else "no"
            out.append(
                f"| `{name}` | {_field_type(info)} | {required} | {info.description or ''} |"
            )
        out.append("")
    return "\n".join(out)


def context_fields(cls: type) -> dict[str, str]:
    """Each dataclass field with the ``#:`` comment that documents it (same line or above)."""
    source = inspect.getsource(cls)
    docs: dict[str, str] = {}
    pending: list[str] = []
    for line in source.splitlines():
        stripped = line.strip()
        if stripped.startswith("#:"):
            pending.append(stripped[2:].strip())
            continue
        match = re.match(r"^(\w+): [^#]+?(?:\s+#: (.*))?$", stripped)
        if match and not stripped.startswith(("def ", "return")):
            docs[match.group(1)] = " ".join([*pending, match.group(2) or ""]).strip()
        pending = []
    return {f.name: docs.get(f.name, "") for f in dataclasses.fields(cls)}


def context_reference() -> str:
    """docs/context.md: every field a template can use."""
    out = [
        "# Render context",
        "",
        "Generated from `presser/context.py` by `make docs`; do not edit by hand.",
        "Templates receive one `ReleaseContext` as `release`; every field below is",
        "plain data. HTML fields are safe `Markup`; everything else is autoescaped.",
        "",
    ]
    for cls in CONTEXT_CLASSES:
        out += [f"## {cls.__name__}", "", inspect.cleandoc(cls.__doc__ or ""), ""]
        out += ["| field | type | meaning |", "| --- | --- | --- |"]
        hints = typing.get_type_hints(cls)
        for name, doc in context_fields(cls).items():
            kind = _type_name(hints[name]).replace("|", "or")
            meaning = doc.replace("|", "\\|")
            out.append(f"| `{name}` | `{kind}` | {meaning} |")
        out.append("")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    choice = argv[1] if len(argv) > 1 else "format"
    sys.stdout.write(format_reference() if choice == "format" else context_reference())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
