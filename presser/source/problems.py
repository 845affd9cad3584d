"""pydantic's errors turned into positioned problems a communicator can act on."""

from __future__ import annotations

import functools
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem, closest, did_you_mean, format_field_path, printable
from .loading import Document
from .model import all_field_names

_DATETIME_HINT = "write it as 2010-01-28T09:52:00+01:00"


def problems_from_validation(
    document: Document, error: ValidationError, model: type[BaseModel] | None = None
) -> list[Problem]:
    """One problem per pydantic error, at the line and column of the offending node.

    ``model`` is the model validated; given, an unknown key is named by the
    ``title`` of the model it is in (``unknown limit …``) and compared with that
    model's fields only. Without it, with every field of the release format.
    """
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        kind = item["type"]
        if kind == "extra_forbidden":
            field_path, _ = document.locate(loc)
            line, column = document.key_position(field_path)
            unknown = str(loc[-1])
            owner = _model_at(model, loc[:-1]) if model is not None else None
            problems.append(
                Problem(
                    document.display,
                    line,
                    column,
                    format_field_path(field_path),
                    _unknown_key_message(unknown, owner)
                    if owner is not None
                    else _unknown_field_message(unknown),
                )
            )
            continue
        field_path, (line, column) = document.locate(loc)
        if kind == "missing":
            missing = str(loc[-1])
            message = f"'{missing}' is required"
            # Report the missing field itself in the path, at its parent mapping's position.
            field_path = (*field_path, missing)
        else:
            message = _message(kind, item)
        problems.append(
            Problem(document.display, line, column, format_field_path(field_path), message)
        )
    return problems


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model whose fields a key at ``loc`` is one of (through nested models only)."""
    for part in loc:
        info = model.model_fields.get(part) if isinstance(part, str) else None
        annotation = info.annotation if info is not None else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model


def _unknown_key_message(unknown: str, owner: type[BaseModel]) -> str:
    noun = str(owner.model_config.get("title") or "field")
    known = sorted(owner.model_fields)
    close = closest(unknown, known)
    hint = f"; did you mean '{close}'?" if close else f" (known: {', '.join(known)})"
    return f"unknown {noun} {printable(unknown)}{hint}"


def _unknown_field_message(unknown: str) -> str:
    return f"unknown field {printable(unknown)}{did_you_mean(unknown, _field_names())}"


@functools.cache
def _field_names() -> tuple[str, ...]:
    return tuple(sorted(all_field_names()))


def _message(kind: str, item: Any) -> str:
    value = item.get("input")
    ctx = item.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", item["msg"]))
    if kind in {"string_type", "str_type"}:
        return f"must be text, not {_kind_of(value)}"
    if kind in {"list_type", "tuple_type"}:
        return f"must be a list, not {_kind_of(value)}"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return f"must be a mapping of fields, not {_kind_of(value)}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        return f"{printable(value)} is not one of: {expected}"
    if kind == "timezone_aware":
        return (
            f"{printable(value)} has no UTC offset; add one, such as +01:00 "
            "(a time without one is not guessed)"
        )
    if kind.startswith("datetime") or kind.startswith("date_"):
        return f"{printable(value)} is not a date and time; {_DATETIME_HINT}"
    if kind in {"body_block", "body", "boilerplate"}:
        return str(item["msg"])
    return str(item["msg"])


def _kind_of(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"text {printable(value)}"
