"""The house style: editorial checks beyond validity, each a rule with a code.

The public API::

    from presser.lint import Finding, has_errors, lint_release

    findings = lint_release(load_release(path, workspace))
    if has_errors(findings):
        ...

``lint_release`` never raises for anything in the release: every rule reads
the validated model and the document's positions and yields findings.

The package: ``registry`` (every rule's code, name, severity and texts;
``--explain``, docs/lint.md and the tests read it), ``rules/`` (one module per
topic), ``engine`` (runs the selected rules), ``context`` (what a rule reads),
``text`` (fields, prose without Markdown, words, sentences), ``source``
(where a character of a value stands in the file), ``readability``, ``dates``,
``typography``, ``fix`` (what ``--fix`` would change), ``report``
(``--explain``) and ``docs`` (docs/lint.md).

Imports the input and render layers (``source``, and ``render.text_style`` for
the language's typography); never the workflow, builds or the command line.
Linting a file on disk, and writing its fixes, is
:mod:`presser.editorial.linting`'s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .findings import Finding, Severity, has_errors

if TYPE_CHECKING:
    from ..source.validation import LoadedRelease

__all__ = ["Finding", "Severity", "has_errors", "lint_release"]


def lint_release(loaded: LoadedRelease) -> list[Finding]:
    """Every finding of the rules selected for this release, sorted by position."""
    from .engine import run_rules

    return run_rules(loaded)
