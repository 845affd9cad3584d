"""Runs the selected rules over one release."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import Problem, ProblemsFound
from ..source.model import LintSettings
from .context import LintContext
from .findings import Finding
from .registry import all_rules, selected, selector_problem
from .source import SourceText

if TYPE_CHECKING:
    from ..source.validation import LoadedRelease


def settings_for(loaded: LoadedRelease) -> LintSettings:
    """The organisation's lint settings (the defaults when it has none)."""
    settings: LintSettings = loaded.organisation.profile.lint
    return settings


def selected_codes(loaded: LoadedRelease) -> set[str]:
    """The organisation's selection, less what the release itself ignores."""
    settings = settings_for(loaded)
    release_lint = loaded.release.lint
    ignored = (*settings.ignore, *(release_lint.ignore if release_lint else ()))
    return selected(settings.select, ignored)


def context_for(loaded: LoadedRelease, source: SourceText | None = None) -> LintContext:
    """What the rules read; ``source`` is the file's text (read again when not given)."""
    text = source if source is not None else SourceText.read(loaded.path)
    return LintContext(loaded, settings_for(loaded), text)


def selector_problems(loaded: LoadedRelease) -> list[Problem]:
    """A positioned problem for each selector in ``lint:`` settings that names no rule.

    The models check only a selector's form; whether a rule of that code or name
    exists is known here, where the rules are loaded.
    """
    problems = []
    settings = settings_for(loaded)
    release_lint = loaded.release.lint
    owners = [
        (loaded.organisation.document, "select", settings.select or ()),
        (loaded.organisation.document, "ignore", settings.ignore),
        (loaded.document, "ignore", release_lint.ignore if release_lint else ()),
    ]
    for document, key, selectors in owners:
        for index, selector in enumerate(selectors):
            if (message := selector_problem(selector)) is not None:
                problems.append(document.problem(("lint", key, index), message))
    return problems


def findings_for(context: LintContext) -> list[Finding]:
    """Every finding of the selected rules, sorted by position, each once.

    Raises :class:`ProblemsFound` when a ``lint:`` setting names no rule.
    """
    if problems := selector_problems(context.loaded):
        raise ProblemsFound(problems)
    codes = selected_codes(context.loaded)
    findings: set[Finding] = set()
    for rule in all_rules():
        if rule.code in codes:
            findings.update(rule.check(context))
    return sorted(findings, key=lambda f: (f.path, f.line, f.column, f.code, f.message))


def run_rules(loaded: LoadedRelease, source: SourceText | None = None) -> list[Finding]:
    return findings_for(context_for(loaded, source))
