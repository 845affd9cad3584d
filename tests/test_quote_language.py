"""lang: on a quote: its words marked in their own language, the attribution in the release's."""

from __future__ import annotations

import pytest

from presser.errors import ProblemsFound
from presser.render.pipeline import RenderOptions, render_outputs
from presser.source.validation import load_release

from .conftest import RELEASE_YAML, MakeWorkspace

ENGLISH_QUOTE = RELEASE_YAML.replace(
    "    text: Det här är bra.\n", "    text: This is good.\n    lang: en\n"
)


def test_a_quote_in_another_language_is_marked_so(make_workspace: MakeWorkspace) -> None:
    import html5lib

    workspace = make_workspace(releases={"r.yaml": ENGLISH_QUOTE})
    loaded = load_release(workspace.releases_dir / "r.yaml", workspace)
    page = render_outputs(loaded, workspace.root / "out", RenderOptions(formats=("html",)))["html"]
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    assert tree.get("lang") == "sv"
    words = tree.findall(".//span[@class='quote-words']")
    assert [w.get("lang") for w in words] == ["en"]
    assert "This is good" in (words[0].text or "")
    attribution = tree.find(".//span[@class='attribution']")
    assert attribution is not None and attribution.get("lang") is None


def test_a_quote_in_the_releases_own_language_gets_no_lang(make_workspace: MakeWorkspace) -> None:
    text = RELEASE_YAML.replace(
        "    text: Det här är bra.\n", "    text: Det här är bra.\n    lang: sv\n"
    )
    workspace = make_workspace(releases={"r.yaml": text})
    loaded = load_release(workspace.releases_dir / "r.yaml", workspace)
    page = render_outputs(loaded, workspace.root / "out", RenderOptions(formats=("html",)))["html"]
    assert b'class="quote-words" lang=' not in page


def test_a_language_that_is_not_one_is_refused_where_it_is_written(
    make_workspace: MakeWorkspace,
) -> None:
    text = ENGLISH_QUOTE.replace("    lang: en\n", "    lang: english please\n")
    workspace = make_workspace(releases={"r.yaml": text})
    with pytest.raises(ProblemsFound) as caught:
        load_release(workspace.releases_dir / "r.yaml", workspace)
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (11, "quotes[0].lang"), str(problem)
