"""Reference docs generated from the code, so they cannot drift.

``python -m presser.docs format`` prints docs/format.md (every field of the
release and organisation format, from the models); ``python -m presser.docs
context`` prints docs/context.md (every field of the render context, from the
``#:`` comments in :mod:`presser.render.context`). ``make docs`` writes both; a test
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

from .render import context
from .source import distribution, model
from .source.limits import SMTP_PASSWORD_VARIABLE, SmtpSettings, limit_docs

FORMAT_MODELS: tuple[type[BaseModel], ...] = (
    model.Release,
    model.Quote,
    model.Contact,
    model.Link,
    model.Image,
    model.Correction,
    model.HistoryEntry,
    model.Organisation,
    model.WorkflowSettings,
    model.LintSettings,
    model.ReleaseLint,
    distribution.Distribution,
    distribution.MailingList,
    distribution.WireDesk,
    distribution.Dkim,
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
    context.CorrectionContext,
    context.LanguageVersionContext,
)


def _type_name(annotation: object) -> str:
    text = str(annotation) if not isinstance(annotation, type) else annotation.__name__
    text = re.sub(r"typing\.|presser\.(?:\w+\.)+|Annotated\[(\w+), .*?\]", r"\1", text)
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
            if typing.get_origin(inner) is typing.Literal:
                inner_name = " \\| ".join(str(a) for a in typing.get_args(inner))
            names.append(f"list of {inner_name or getattr(inner, '__name__', 'text')}")
        elif typing.get_origin(arg) is dict:
            names.append("mapping of language to text")
        elif arg is str or typing.get_origin(arg) is typing.Annotated:
            names.append(_annotated_name(arg))
        elif arg is bool:
            names.append("true \\| false")
        elif arg is int:
            names.append("whole number")
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
        "Generated from `presser/source/model.py` by `make docs`; do not edit by hand.",
        "The author's introduction is the release-format spec; this is every field.",
        "",
    ]
    for cls in FORMAT_MODELS:
        out += [f"## {cls.__name__}", "", inspect.cleandoc(cls.__doc__ or ""), ""]
        out += ["| field | type | required | description |", "| --- | --- | --- | --- |"]
        for name, info in cls.model_fields.items():
            required = "yes" if info.is_required() else "no"
            out.append(
                f"| `{info.alias or name}` | {_field_type(info)} | {required} "
                f"| {info.description or ''} |"
            )
        out.append("")
    out += files_and_limits()
    return "\n".join(out)


FILES_TEXT = """\
## Files

A release (and an `organisation.yaml`) is one YAML document, read strictly:

- **Encoding**: UTF-8, with or without a byte order mark. UTF-16 *with* a byte
  order mark (what Notepad and Word call "Unicode") is read as the same
  release; UTF-16 without one is refused with "save it as UTF-8". Invalid
  UTF-8 is refused with its line, column and byte offset. Windows line
  endings (CRLF) are fine.
- **Characters**: control characters (NUL, ESC, the C1 range) are refused
  with their position, also when written as an escape in double quotes
  (`"\\e"`). In names and titles (headline, subheadline, department,
  dateline, tags, link texts, contact and speaker names and roles, the
  organisation's names and city) invisible characters that change how a line
  displays are refused too: the bidi embeddings, overrides and isolates
  (U+202A-U+202E, U+2066-U+2069), the zero-width space (U+200B), the word
  joiner (U+2060) and a byte order mark inside the text (U+FEFF). Running text
  (lead, body, quotes) keeps them, since right-to-left quotations need them;
  the zero-width joiner and non-joiner (U+200C, U+200D), which emoji and
  several scripts need, are allowed everywhere.
- **Values stay text**: `no`, `on`, `3.10`, `007`, `0x1F`, `+46 8 452 70 00`
  and `12:30:00` are kept exactly as written; only `null`, `~` or nothing is
  "no value". A field gets its type from the format above, never from YAML.
- **Refused YAML**: tags (`!!python/…`, `!custom`, `!!binary`, even `!!str`),
  anchors and aliases (`&a`, `*a`), merge keys (`<<`), duplicate keys (both
  places are named; `"headline"` and `headline` are the same key), keys that
  are not text, more than one document, tabs for indentation.

## Limits

Each limit has a safe default. The person running presser may change any of
them for a workspace in `presser.yaml` at its root (read as strictly as a
release; an unknown name is a problem, with a suggestion):

```yaml
limits:
  max_file_bytes: 2097152
  render_timeout_seconds: 120
```
"""


def files_and_limits() -> list[str]:
    """The file rules and the table of limits, from :mod:`presser.source.limits`."""
    out = [FILES_TEXT, "| limit | default | what it bounds |", "| --- | --- | --- |"]
    for name, default, doc in limit_docs():
        out.append(f"| `{name}` | {default} | {doc} |")
    out += ["", SMTP_TEXT, "| setting | default | what it is |", "| --- | --- | --- |"]
    for name, info in SmtpSettings.model_fields.items():
        default = "(required)" if info.is_required() else info.default
        out.append(f"| `{name}` | {default} | {info.description or ''} |")
    out.append("")
    return out


SMTP_TEXT = f"""\
## The SMTP relay

`presser send` hands each message to the organisation's relay, set by the
person running presser under `smtp:` in `presser.yaml` (never in a release or
`organisation.yaml`). The password is never in the workspace: it comes from the
environment variable `{SMTP_PASSWORD_VARIABLE}`, or from a file outside the
workspace that `password_file` names; a `password:` key is an error.

```yaml
smtp:
  host: smtp.example.se
  port: 587
  security: starttls
  username: press@example.se
```
"""


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
        "Generated from `presser/render/context.py` by `make docs`; do not edit by hand.",
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
