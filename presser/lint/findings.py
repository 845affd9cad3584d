"""A lint finding: one rule, one place, one message."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]

__all__ = ["Finding", "Severity", "has_errors"]


def _escape(text: str) -> str:
    """Control characters as escapes: messages quote untrusted text and reach terminals."""
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


@dataclass(frozen=True, order=True)
class Finding:
    """One editorial problem in one release, at one line and column."""

    path: str
    line: int
    column: int
    code: str
    name: str
    severity: Severity
    message: str

    def __post_init__(self) -> None:
        for field_name in ("path", "message"):
            object.__setattr__(self, field_name, _escape(getattr(self, field_name)))

    def format(self) -> str:
        """``path:line:column: CODE error: message``: the severity tells what blocks submit."""
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.severity}: {self.message}"

    def __str__(self) -> str:
        return self.format()

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def has_errors(findings: Iterable[Finding], strict: bool = False) -> bool:
    """True when any finding is an error; with ``strict``, when there is any finding at all."""
    return any(strict or finding.severity == "error" for finding in findings)
