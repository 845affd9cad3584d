"""Any text in any field, in any YAML style: lint reports findings, never a traceback, and
--fix either makes only safe edits or none."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presser.errors import ProblemsFound
from presser.lint import fix, lint_release
from presser.lint.engine import context_for
from presser.source.validation import load_release

from .conftest import ORGANISATION_YAML, MakeWorkspace

# Letters, digits, punctuation, quotation marks, dashes, spaces and line breaks.
TEXT = st.text(
    alphabet=st.sampled_from(list("aåZ9 .,;:!?\"'–-—”“«»[]()<>#*_`\\\n\t\u00a0éXTODOidag")),
    min_size=1,
    max_size=80,
)
STYLE = st.sampled_from(["plain", "single", "double", "literal", "folded"])


def written(value: str, style: str, indent: str) -> str:
    """``value`` as a YAML scalar in ``style`` (which may not hold it exactly: fine)."""
    if style == "double":
        return json.dumps(value, ensure_ascii=False)
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    if style in ("literal", "folded"):
        lines = "\n".join(indent + "  " + line for line in value.split("\n"))
        return ("|" if style == "literal" else ">") + "\n" + lines
    return value


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(headline=TEXT, lead=TEXT, paragraph=TEXT, quote=TEXT, styles=st.tuples(*[STYLE] * 4))
def test_lint_and_fix_never_fail(
    make_workspace: MakeWorkspace,
    headline: str,
    lead: str,
    paragraph: str,
    quote: str,
    styles: tuple[str, str, str, str],
) -> None:
    workspace = make_workspace(organisations={"exempel": ORGANISATION_YAML})
    text = f"""\
organisation: exempel
published: 2026-03-02T10:00:00+01:00
headline: {written(headline, styles[0], "")}
lead: {written(lead, styles[1], "")}
body:
  - quote: q1
  - {written(paragraph, styles[2], "  ")}
quotes:
  - id: q1
    speaker: Anna Berg
    role: kommunalråd
    text: {written(quote, styles[3], "    ")}
contacts:
  - {{name: Anna Berg, phone: 08-452 73 22, email: anna.berg@exempel.se}}
"""
    path: Path = workspace.releases_dir / "r.yaml"
    path.write_text(text, "utf-8")
    try:
        loaded = load_release(path, workspace)
    except ProblemsFound:
        return  # not valid: lint reports the problems instead
    for finding in lint_release(loaded):
        assert finding.line >= 1 and finding.column >= 1
    fix.apply(context_for(loaded), set(fix.FIXABLE))  # raises UnsafeFix if a fix went wrong
