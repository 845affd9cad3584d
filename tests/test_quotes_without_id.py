"""A quote without an id: valid, set after the body in every output, left alone by lint."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from presser.errors import ProblemsFound
from presser.lint.engine import run_rules
from presser.render.context import build_context
from presser.render.html import render_html
from presser.render.pdf import render_pdf
from presser.render.templating import environment
from presser.render.text import render_text
from presser.source.validation import LoadedRelease, load_release

from .conftest import MakeWorkspace

# The body places q1; the second quote has no id, so it can only follow the body.
RELEASE = """\
organisation: exempel
headline: Kommunen bygger en ny skola
published: 2026-03-02T10:00:00+01:00
lead: En ingress.
body:
  - quote: q1
  - Stycket i brödtexten.
quotes:
  - id: q1
    text: Det här är bra.
    speaker: Anna Berg
    role: kommunalråd
  - text: Vi har väntat länge.
    speaker: Per Lind
    role: rektor
contacts:
  - name: Anna Berg
    email: anna.berg@exempel.se
"""


def load(make_workspace: MakeWorkspace, text: str = RELEASE) -> LoadedRelease:
    workspace = make_workspace(releases={"r.yaml": text})
    return load_release(workspace.releases_dir / "r.yaml", workspace)


def test_a_quote_without_an_id_validates(make_workspace: MakeWorkspace) -> None:
    loaded = load(make_workspace)
    assert [q.id for q in loaded.release.quotes] == ["q1", None]


def test_it_follows_the_body_in_the_context(make_workspace: MakeWorkspace) -> None:
    context = build_context(load(make_workspace))
    kinds = [(b.kind, b.quote.id if b.quote else None) for b in context.body]
    assert kinds == [("quote", "q1"), ("markdown", None), ("quote", None)]


def test_several_quotes_without_an_id_all_follow_in_order(make_workspace: MakeWorkspace) -> None:
    text = RELEASE.replace("contacts:", "  - text: Och en till.\n    speaker: Per Lind\ncontacts:")
    context = build_context(load(make_workspace, text))
    followers = [b.quote.text for b in context.body[2:] if b.quote]
    assert len(followers) == 2
    assert "Vi har väntat länge" in followers[0] and "Och en till" in followers[1]


def _after_body(output: str) -> None:
    paragraph, quote = output.index("Stycket i brödtexten"), output.index("Vi har väntat länge")
    assert paragraph < quote < output.index("anna.berg@exempel.se")
    assert "Per Lind" in output[quote:]


def test_the_html_sets_it_after_the_body(make_workspace: MakeWorkspace) -> None:
    loaded = load(make_workspace)
    context = build_context(loaded, out_dir=loaded.workspace.root / "build")
    env = environment(loaded.workspace.template_search_path(context.organisation.slug))
    _after_body(render_html(context, env).decode("utf-8"))


def test_the_pdf_sets_it_after_the_body(make_workspace: MakeWorkspace) -> None:
    loaded = load(make_workspace)
    out = loaded.workspace.root / "build"
    context = build_context(loaded, out_dir=out)
    env = environment(loaded.workspace.template_search_path(context.organisation.slug))
    pdf = render_pdf(context, env, project_root=loaded.workspace.root, base_dir=out)
    _after_body(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def test_wire_text_sets_it_after_the_body(make_workspace: MakeWorkspace) -> None:
    context = build_context(load(make_workspace))
    for wire in ("nordic", "us"):
        _after_body(render_text(context, wire=wire).decode("utf-8"))


def test_placing_needs_an_id_that_exists(make_workspace: MakeWorkspace) -> None:
    text = RELEASE.replace("  - quote: q1\n", "  - quote: q1\n  - quote: q2\n")
    with pytest.raises(ProblemsFound) as caught:
        load(make_workspace, text)
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (7, "body[1].quote")
    assert problem.message == (
        "no quote with id 'q2' in quotes: (there is: q1); a quote without id: "
        "cannot be placed, it is set after the body"
    )


def test_lint_does_not_ask_to_place_it(make_workspace: MakeWorkspace) -> None:
    # Q104 is about a quote with an id that the body forgot; this one cannot be placed.
    codes = [f.code for f in run_rules(load(make_workspace))]
    assert "Q104" not in codes


def test_lint_names_it_by_position_when_it_has_no_speaker(make_workspace: MakeWorkspace) -> None:
    text = RELEASE.replace("    speaker: Per Lind\n    role: rektor\n", "")
    (finding,) = [f for f in run_rules(load(make_workspace, text)) if f.code == "Q102"]
    assert finding.message == "quotes[1] has no speaker; add speaker: (or attribution:)"
