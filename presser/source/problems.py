"""pydantic's errors turned into positioned problems a communicator can act on."""

from __future__ import annotations

import difflib
import functools
from typing import Any

from pydantic import ValidationError

from ..errors import Problem, format_field_path, printable
from .loading import Document
from .model import all_field_names

_DATETIME_HINT = "write it as 2010-01-28T09:52:00+01:00"


def problems_from_validation(document: Document, error: ValidationError) -> list[Problem]:
    """One problem per pydantic error, at the line and column of the offending node."""
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        kind = item["type"]
        if kind == "extra_forbidden":
            field_path, _ = document.locate(loc)
            line, column = document.key_position(field_path)
            unknown = str(loc[-1])
            problems.append(
                Problem(
                    document.display,
                    line,
                    column,
                    format_field_path(field_path),
                    _unknown_field_message(unknown),
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


_CLOSE_ENOUGH = 0.6  # difflib's similarity ratio for a "did you mean"


def _unknown_field_message(unknown: str) -> str:
    close = difflib.get_close_matches(unknown, _could_be_close(unknown), n=1, cutoff=_CLOSE_ENOUGH)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown field {printable(unknown)}{hint}"


@functools.cache
def _field_letters() -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple((name, frozenset(name)) for name in sorted(all_field_names()))


def _could_be_close(unknown: str) -> list[str]:
    """The field names difflib could find close to ``unknown``; the others cannot be.

    difflib's ratio is at most twice the characters the two names share over
    their total length, and they share at most the distinct letters they have
    in common plus the repeats in ``unknown``. Counted with set operations this
    rules most names out in a fraction of difflib's time, which matters for a
    file of thousands of unknown keys.
    """
    letters = frozenset(unknown)
    repeats = len(unknown) - len(letters)
    return [
        name
        for name, its_letters in _field_letters()
        if 2.0 * (len(letters & its_letters) + repeats) / (len(unknown) + len(name))
        >= _CLOSE_ENOUGH
    ]


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
