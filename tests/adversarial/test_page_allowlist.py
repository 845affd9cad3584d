"""The page's allow-list (:func:`presser.render.html.check_page`): what it lets through.

The check parses the page with the standard library's ``html.parser``, which
is not the parser a browser runs. So beside the cases by hand, html5lib (the
WHATWG parsing algorithm browsers implement) reads random markup built from
the pieces parsers disagree on, and whatever it would find that loads or runs
something, ``check_page`` must refuse.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presser.errors import TemplateProblem
from presser.render.context import build_context
from presser.render.html import (
    PageAllowances,
    check_page,
    page_allowances,
    render_html,
    screen_stylesheet,
)
from presser.render.templating import environment
from presser.source.validation import load_release
from presser.source.workspace import Workspace

from ..conftest import RELEASE_YAML, MakeWorkspace

ALLOWED = PageAllowances(
    images=frozenset({"a.png"}), links=frozenset({"https://ok.example/"}), stylesheet="p{}"
)


def refused(html: str, allowed: PageAllowances = ALLOWED) -> str | None:
    """The refusal of ``html``, or None when it passes."""
    try:
        check_page(html, allowed, "templates/t/release.html.j2")
    except TemplateProblem as exc:
        return exc.message
    return None


# --------------------------------------------------------------------------- by hand


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="a.png" alt="">',
        '<a href="https://ok.example/">x</a>',
        '<a href="#contacts">x</a>',
        '<svg viewBox="0 0 4 4"><use href="#mark"/><rect fill="url(#g)" style="fill: red"/></svg>',
        '<script type="application/ld+json">{"a": "\\u003c/script\\u003e"}</script>',
        "<style>\np{}\n</style>",
        "<!-- a comment -->",
        '<p style="--brand: #00664f">x</p>',
        '<meta name="description" content="http://anything.example/ is text here">',
        '<p title="url(http://x.example/) is only words in a title">x</p>',
    ],
)
def test_what_a_page_may_hold(markup: str) -> None:
    assert refused(f"<!doctype html><title>t</title>{markup}") is None


@pytest.mark.parametrize(
    ("markup", "found"),
    [
        ('<img src="b.png">', "would load b.png (a <img src>)"),
        ('<a href="https://ok.example/other">x</a>', "(a <a href>)"),
        ('<a href="HTTPS://ok.example/">x</a>', "(a <a href>)"),  # only as the release gives it
        ('<img src="a.png" srcset="b.png 2x">', "(a <img srcset>)"),
        ('<a href="#x" onclick="x()">x</a>', "onclick"),
        ("<style>p{} </style><style>q{}</style>", "a <style> of its own"),
        ("<script type=application/ld+json>{}</script >", "an end tag browsers read otherwise"),
        ("<style>p{}</style/>", "an end tag browsers read otherwise"),
        ("<?xml-stylesheet href='http://x'?>", "<?xml-stylesheet"),
        ("<!doctype html system 'http://x'>", "a declaration"),
        ('<script type="application/ld+json">{}', "never closed"),
    ],
)
def test_what_a_page_may_not_hold(markup: str, found: str) -> None:
    message = refused(f"<!doctype html><title>t</title>{markup}")
    assert message is not None and found in message, message
    assert message.startswith("templates/t/release.html.j2: the page ")


def test_every_finding_is_counted_and_the_first_named() -> None:
    message = refused('<img src="http://x/1"><img src="http://x/2"><script></script>')
    assert message is not None
    assert "http://x/1" in message and "(and 2 more)" in message


def test_the_links_a_release_gives_are_allowed(make_workspace: MakeWorkspace) -> None:
    """Links of the release (its list, its Markdown, its contacts) and the organisation's site."""
    release = RELEASE_YAML.replace(
        "lead: En ingress.",
        "lead: 'En ingress med [en länk](https://exempel.se/a?b=1&c=2) och [e-post]"
        "(mailto:x@exempel.se).'\nlinks:\n  - {text: Mer, url: 'https://exempel.se/mer'}",
    )
    workspace = make_workspace(releases={"r.yaml": release})
    organisation = workspace.templates_dir / "exempel" / "organisation.yaml"
    organisation.write_text(
        organisation.read_text(encoding="utf-8") + "website: https://exempel.se/\n",
        encoding="utf-8",
    )
    context = build_context(
        load_release(workspace.releases_dir / "r.yaml", workspace), out_dir=workspace.root / "b"
    )
    env = environment(workspace.template_search_path("exempel"))
    allowed = page_allowances(context, screen_stylesheet(env).css)
    assert {
        "https://exempel.se/a?b=1&c=2",
        "mailto:x@exempel.se",
        "https://exempel.se/mer",
        "https://exempel.se/",
        "mailto:anna.berg@exempel.se",
        "tel:+4684527322",
    } <= allowed.links
    page = render_html(context, env).decode("utf-8")
    assert 'href="https://exempel.se/a?b=1&amp;c=2"' in page


def test_the_real_releases_pass(repo_workspace: Workspace) -> None:
    for path in sorted(repo_workspace.releases_dir.glob("*.yaml")):
        loaded = load_release(path, repo_workspace)
        context = build_context(loaded, out_dir=repo_workspace.root / "build")
        env = environment(repo_workspace.template_search_path(context.organisation.slug))
        assert render_html(context, env).startswith(b"<!doctype html>")


# --------------------------------------------------------------------------- against html5lib

REFUSED_ELEMENTS = {
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "portal",
    "fencedframe",
    "link",
    "base",
    "animate",
    "set",
    "animatemotion",
    "animatetransform",
    "discard",
}
ADDRESSES = {"src", "srcset", "href", "xlink:href", "data", "poster", "background", "action"}


def _local(name: str) -> str:
    """``{namespace}name`` as html5lib writes foreign names -> ``name`` (xlink kept)."""
    if name.startswith("{http://www.w3.org/1999/xlink}"):
        return "xlink:" + name.split("}", 1)[1]
    return (name.split("}", 1)[1] if name.startswith("{") else name).lower()


def browser_finds(html: str, allowed: PageAllowances = ALLOWED) -> list[str]:
    """What a browser's parse of ``html`` holds that loads or runs something."""
    import html5lib

    from presser.render.stylesheets import addresses_in, is_fragment

    tree: Any = html5lib.parse(html, namespaceHTMLElements=False)
    found: list[str] = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue  # a comment
        tag = _local(element.tag)
        attributes = {_local(k): v for k, v in element.attrib.items()}
        if tag in REFUSED_ELEMENTS:
            found.append(tag)
        if tag == "script" and attributes != {"type": "application/ld+json"}:
            found.append("script")
        if tag == "meta" and "http-equiv" in attributes:
            found.append("meta http-equiv")
        if tag == "style" and "".join(element.itertext()).strip() not in ("", allowed.stylesheet):
            found.append("style")
        for name, value in attributes.items():
            if name.startswith("on"):
                found.append(name)
            elif name in ADDRESSES:
                href = name in ("href", "xlink:href")
                ok = (
                    (href and is_fragment(value))
                    or (tag == "img" and name == "src" and value in allowed.images)
                    or (tag == "a" and href and value in allowed.links)
                )
                if not ok:
                    found.append(f"{tag} {name}={value}")
            elif name == "style" and any(
                a is None or not is_fragment(a) for _, a in addresses_in(value, attribute=True)
            ):
                found.append("style attribute")
    return found


PIECES = [
    "<",
    ">",
    "/",
    "/>",
    " ",
    "\t",
    "=",
    '"',
    "'",
    "!",
    "-",
    "<!--",
    "-->",
    "--!>",
    "<!-->",
    "<![CDATA[",
    "]]>",
    "<?",
    "</",
    "script",
    "style",
    "img",
    "svg",
    "math",
    "title",
    "textarea",
    "noscript",
    "template",
    "a",
    "p",
    "image",
    " src=",
    " href=",
    " xlink:href=",
    " onerror=",
    " type=application/ld+json",
    " style=",
    "url(",
    ")",
    "http://x/",
    "a.png",
    "https://ok.example/",
    "#f",
    "p{}",
    "&lt;",
    "&#104;",
    "&",
    "\n",
    "<script type=application/ld+json>",
    "</script>",
    "<style>",
    "</style>",
    '<img src="http://x/">',
    "<img src=a.png>",
    "<svg>",
    "</svg>",
]

markup = st.lists(st.sampled_from(PIECES), min_size=1, max_size=24).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markup)
def test_what_a_browser_would_find_is_refused(fragment: str) -> None:
    page = f"<!doctype html><html><head><title>t</title></head><body>{fragment}</body></html>"
    found = browser_finds(page)
    if found:
        assert refused(page) is not None, (fragment, found)


def test_the_oracle_can_find_things() -> None:
    """The differential test above is only as good as html5lib's reading; it reads these."""
    assert browser_finds('<p><img src="http://x/"></p>') == ["img src=http://x/"]
    assert browser_finds('<svg><script type="application/ld+json"><img src=x></script></svg>')
    assert browser_finds("<!-- --!><img src=http://x/> -->")
    assert browser_finds('<script type="application/ld+json"></script x><img src=http://x/>')
    assert browser_finds("<p>" + Path(__file__).name + "</p>") == []
    assert browser_finds("<p{}script>x") == []  # a tag named so, not a script
