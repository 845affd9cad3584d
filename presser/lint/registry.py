"""The one registry of lint rules: codes, names, severities, explanations and checks.

Rules register themselves with :func:`rule` when :mod:`presser.lint.rules` is
imported; ``--explain``, ``docs/lint.md``, the code check of ``lint:`` settings
and the tests all read :func:`all_rules`. Codes are stable: a letter for the
topic and three digits, like ruff's.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import closest
from .findings import Finding, Severity

if TYPE_CHECKING:
    from .context import LintContext

Check = Callable[["LintContext"], Iterator[Finding]]

#: Topic letters, in the order docs/lint.md lists them.
TOPICS: dict[str, str] = {
    "H": "Headline",
    "L": "Lead",
    "R": "Readability",
    "P": "Leftover template text",
    "D": "Days and dates",
    "O": "Organisation",
    "Q": "Quotes",
    "C": "Contacts",
    "B": "Boilerplate",
    "K": "Links",
    "I": "Images",
    "T": "Typography",
    "E": "Embargo",
}

_CODE = re.compile(r"^[A-Z][0-9]{3}$")
_PREFIX = re.compile(r"^[A-Z][0-9]{0,3}$")


@dataclass(frozen=True)
class Rule:
    """One check: what it is called, how bad a finding is, and why it exists."""

    code: str
    name: str
    severity: Severity
    summary: str  #: one line: what it checks (docs table, --explain)
    rationale: str  #: why a wire editor cares
    bad: str  #: a YAML fragment that fires
    good: str  #: the same fragment fixed
    check: Check
    setting: str | None = None  #: the LintSettings field that tunes it
    fixable: bool = False  #: --fix repairs it


_RULES: dict[str, Rule] = {}


def rule(
    code: str,
    name: str,
    severity: Severity,
    *,
    summary: str,
    rationale: str,
    bad: str,
    good: str,
    setting: str | None = None,
    fixable: bool = False,
) -> Callable[[Check], Check]:
    """Register the decorated check under ``code`` and ``name``."""
    if not _CODE.match(code):
        raise ValueError(f"rule code {code!r} is not a letter and three digits")
    if code[0] not in TOPICS:
        raise ValueError(f"rule code {code!r} has no topic in TOPICS")

    def register(check: Check) -> Check:
        if code in _RULES or any(r.name == name for r in _RULES.values()):
            raise ValueError(f"rule {code} {name} is registered twice")
        _RULES[code] = Rule(
            code, name, severity, summary, rationale, bad, good, check, setting, fixable
        )
        return check

    return register


def all_rules() -> list[Rule]:
    """Every rule, by topic (in the order of :data:`TOPICS`) and code."""
    importlib.import_module("presser.lint.rules")
    order = list(TOPICS)
    return [_RULES[code] for code in sorted(_RULES, key=lambda c: (order.index(c[0]), c))]


def find_rule(code_or_name: str) -> Rule | None:
    """The rule with this code (any case) or name."""
    wanted = code_or_name.strip()
    for candidate in all_rules():
        if candidate.code == wanted.upper() or candidate.name == wanted.lower():
            return candidate
    return None


def rule_codes(selector: str) -> set[str]:
    """The codes a selector means: a code, a prefix (H, H1) or a rule name."""
    wanted = selector.strip()
    rules = all_rules()
    by_name = {r.name: r.code for r in rules}
    if wanted.lower() in by_name:
        return {by_name[wanted.lower()]}
    upper = wanted.upper()
    if _PREFIX.match(upper):
        return {r.code for r in rules if r.code.startswith(upper)}
    return set()


def selector_problem(selector: str) -> str | None:
    """Why a selector in ``lint:`` settings is unknown, with a suggestion; None if known."""
    if rule_codes(selector):
        return None
    return unknown_rule_message(selector)


def unknown_rule_message(selector: str) -> str:
    """'unknown lint rule …' with the nearest code or name as a suggestion."""
    rules = all_rules()
    words = [r.code for r in rules] + [r.name for r in rules]
    # Codes are short, so a looser match than elsewhere; "h1o2" is tried as "H1O2" too.
    close = closest(selector.strip(), words, cutoff=0.5) or closest(
        selector.strip().upper(), words, cutoff=0.5
    )
    hint = f"; did you mean '{close}'?" if close else " (docs/lint.md lists every rule)"
    return f"unknown lint rule {selector.strip()!r}{hint}"


def selected(select: Iterable[str] | None, ignore: Iterable[str]) -> set[str]:
    """The codes that run: those selected (default: all) minus those ignored."""
    chosen = {r.code for r in all_rules()} if select is None else set()
    for selector in select or ():
        chosen |= rule_codes(selector)
    for selector in ignore:
        chosen -= rule_codes(selector)
    return chosen
