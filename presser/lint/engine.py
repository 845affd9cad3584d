"""Runs the selected rules over one release."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..source.model import LintSettings
from .context import LintContext
from .findings import Finding
from .registry import all_rules, selected
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


def findings_for(context: LintContext) -> list[Finding]:
    """Every finding of the selected rules, sorted by position, each once."""
    codes = selected_codes(context.loaded)
    findings: set[Finding] = set()
    for rule in all_rules():
        if rule.code in codes:
            findings.update(rule.check(context))
    return sorted(findings, key=lambda f: (f.path, f.line, f.column, f.code, f.message))


def run_rules(loaded: LoadedRelease, source: SourceText | None = None) -> list[Finding]:
    return findings_for(context_for(loaded, source))
