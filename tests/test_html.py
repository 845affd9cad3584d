"""The HTML page: structure, metadata, escaping, contacts, the organisation override."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from presser.errors import TemplateProblem
from presser.render.context import ReleaseContext, build_context
from presser.render.html import render_html
from presser.render.templating import environment
from presser.source.validation import load_release
from presser.source.workspace import Workspace

from .conftest import ORGANISATION_YAML, MakeWorkspace

VOID = {"meta", "img", "br", "link", "hr", "input", "source", "wbr", "area", "base", "col"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def words(self) -> str:
        return " ".join(self.text().split())

    def all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        found: list[Node] = []
        for child in self.children:
            if isinstance(child, Node):
                classes = (child.attrs.get("class") or "").split()
                if (tag is None or child.tag == tag) and (cls is None or cls in classes):
                    found.append(child)
                found.extend(child.all(tag, cls))
        return found

    def one(self, tag: str | None = None, cls: str | None = None) -> Node:
        found = self.all(tag, cls)
        assert len(found) == 1, (tag, cls, len(found))
        return found[0]


class TreeBuilder(HTMLParser):
    """A small, strict tree: every non-void element must be closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]
        self.doctype: str | None = None

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: bytes) -> tuple[Node, TreeBuilder]:
    builder = TreeBuilder()
    builder.feed(html.decode("utf-8"))
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root, builder


def meta(doc: Node, name: str) -> str | None:
    for node in doc.all("meta"):
        if node.attrs.get("name") == name:
            return node.attrs.get("content")
    return None


def context_of(workspace: Workspace, path: Path) -> ReleaseContext:
    return build_context(load_release(path, workspace), out_dir=workspace.root / "build")


def render(workspace: Workspace, context: ReleaseContext) -> bytes:
    return render_html(
        context, environment(workspace.template_search_path(context.organisation.slug))
    )


REAL = [
    "2010-01-22-skl-30-miljoner.yaml",
    "2010-01-28-jonkoping-1-4-miljoner.yaml",
    "2010-02-08-jonkoping-addiction-care-conference.yaml",
]


@pytest.fixture(scope="module", params=REAL)
def real(request: pytest.FixtureRequest) -> tuple[ReleaseContext, bytes, Node]:
    from presser.source.workspace import find_workspace

    workspace = find_workspace(Path(__file__).parent.parent)
    context = context_of(workspace, workspace.releases_dir / request.param)
    html = render(workspace, context)
    doc, builder = parse(html)
    assert builder.doctype is not None and builder.doctype.lower() == "doctype html"
    return context, html, doc


# --------------------------------------------------------------------------- the real releases


def test_document_head(real: tuple[ReleaseContext, bytes, Node]) -> None:
    context, html, doc = real
    assert html.startswith(b"<!doctype html>")
    page = doc.one("html")
    assert page.attrs["lang"] == context.language
    assert any(m.attrs.get("charset") == "utf-8" for m in doc.all("meta"))
    assert meta(doc, "viewport") == "width=device-width, initial-scale=1"
    assert doc.one("head").one("title").text() == context.headline  # (an SVG has its own)
    assert meta(doc, "author") == context.organisation.name
    assert meta(doc, "description") == context.lead_text
    assert meta(doc, "dcterms.created") == context.published.iso
    assert page.attrs["style"] == f"--brand: {context.organisation.brand_colour}"


def test_one_h1_the_headline_then_type_and_date(real: tuple[ReleaseContext, bytes, Node]) -> None:
    context, _, doc = real
    assert doc.one("h1").text() == context.headline
    line = doc.one(cls="release-meta")
    assert line.words() == f"{context.type_label} • {context.published.display}"
    assert line.one("time").attrs["datetime"] == context.published.iso


def test_json_ld(real: tuple[ReleaseContext, bytes, Node]) -> None:
    context, _, doc = real
    scripts = doc.all("script")
    assert [s.attrs.get("type") for s in scripts] == ["application/ld+json"]
    data = json.loads(scripts[0].text())
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == context.headline
    assert data["datePublished"] == context.published.iso


def test_standalone_no_outside_resources(real: tuple[ReleaseContext, bytes, Node]) -> None:
    context, _, doc = real
    # Only the language versions' pages, named by <link rel="alternate">, which loads nothing.
    pages = {v.href for v in context.language_versions}
    for link in doc.all("link"):
        assert link.attrs.get("rel") == "alternate" and link.attrs.get("href") in pages
    assert len(doc.all("link")) == len(pages)
    assert all("src" not in s.attrs for s in doc.all("script"))
    for image in doc.all("img"):
        assert ":" not in (image.attrs.get("src") or ""), "only relative image addresses"
    style = doc.one("style").text()
    assert "url(" not in style and "@import" not in style
    assert "--brand" in style and "max-width" in style and "@media" in style


def test_lead_and_body_in_order(real: tuple[ReleaseContext, bytes, Node]) -> None:
    context, _, doc = real
    assert doc.one("p", "lead").words() == " ".join((context.lead_text or "").split())
    body = doc.one(cls="release-body")
    quotes = body.all("figure", "quote")
    wanted = [b.quote for b in context.body if b.quote]
    assert len(quotes) == len(wanted)
    for figure, quote in zip(quotes, wanted, strict=True):
        paragraph = figure.one("blockquote").one("p")
        # Read aloud, the figure is the house-style sentence, attribution in place.
        assert paragraph.words() == " ".join(quote.text.split())
        attribution = paragraph.one("span", "attribution").text()
        assert attribution == next(s.text for s in quote.segments if s.kind == "attribution")
    # Quotes, paragraphs and images keep the body's order.
    order = [
        ("quote" if "quote" in (n.attrs.get("class") or "") else "image")
        if n.tag == "figure"
        else "p"
        for n in body.children
        if isinstance(n, Node) and n.tag in ("figure", "p")
    ]
    expected = [
        {"quote": "quote", "image": "image"}.get(b.kind, "p")
        for b in context.body
        for _ in (range(b.html.count("<p>")) if b.kind == "markdown" and b.html else [0])
    ]
    assert order == expected


def test_contacts_link_phone_and_mail(real: tuple[ReleaseContext, bytes, Node]) -> None:
    context, _, doc = real
    hrefs = {a.attrs.get("href") for a in doc.all("a")}
    for contact in (*context.contacts, *context.press_contacts):
        for uri in (contact.phone_uri, contact.mobile_uri, contact.email_uri):
            if uri:
                assert uri in hrefs
    cards = doc.all("address", "contact")
    assert len(cards) == len(context.contacts) + len(context.press_contacts)
    # Besides the contacts' and the release's links, only the language switch's pages.
    pages = {v.href for v in context.language_versions}
    assert all(h.startswith(("tel:+", "mailto:", "https://")) for h in hrefs - pages if h)


def test_links_and_about(real: tuple[ReleaseContext, bytes, Node]) -> None:
    context, _, doc = real
    links = doc.one("section", "links").all("a")
    assert [(a.text(), a.attrs["href"]) for a in links] == [(k.text, k.url) for k in context.links]
    if context.boilerplate:
        about = doc.one("section", "about")
        assert about.one("h2").text() == context.about_heading
        assert [p.text() for p in about.all("p")] == list(context.boilerplate)
    else:
        assert doc.all("section", "about") == []


def test_embargo_line_only_when_embargoed(real: tuple[ReleaseContext, bytes, Node]) -> None:
    context, _, doc = real
    found = doc.all("p", "embargo")
    if context.embargo_line:
        assert [p.words() for p in found] == [context.embargo_line]
    else:
        assert found == []


def test_image_figure(repo_workspace: Workspace) -> None:
    path = repo_workspace.releases_dir / "2010-02-08-jonkoping-addiction-care-conference.yaml"
    context = context_of(repo_workspace, path)
    doc, _ = parse(render(repo_workspace, context))
    image = next(b.image for b in context.body if b.image)
    figure = doc.one("figure", "image")
    img = figure.one("img")
    assert img.attrs["alt"] == image.alt and img.attrs["src"] == image.src
    assert figure.one("figcaption").words() == f"{image.caption} {image.credit_line}"


# --------------------------------------------------------------------------- the override


def test_jonkoping_overrides_only_the_masthead(repo_workspace: Workspace) -> None:
    path = repo_workspace.releases_dir / "2010-01-28-jonkoping-1-4-miljoner.yaml"
    doc, _ = parse(render(repo_workspace, context_of(repo_workspace, path)))
    masthead = doc.one("header", "masthead")
    assert masthead.one("svg", "brand-mark").attrs["aria-hidden"] == "true"
    assert masthead.one(cls="organisation-name").text() == "Regionförbundet Jönköpings län"
    # The rest is the default's.
    assert doc.all("section", "contacts")[0].one("h2").text() == "För mer information"


def test_skl_uses_the_default_masthead(repo_workspace: Workspace) -> None:
    path = repo_workspace.releases_dir / "2010-01-22-skl-30-miljoner.yaml"
    doc, _ = parse(render(repo_workspace, context_of(repo_workspace, path)))
    masthead = doc.one("header", "masthead")
    assert masthead.all("svg") == []
    assert [n.tag for n in masthead.all()] == ["p"]
    assert masthead.one("p", "organisation-name").text() == "Sveriges Kommuner och Landsting"


# --------------------------------------------------------------------------- hostile data

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
HOSTILE = f"""\
organisation: exempel
headline: 'Rubrik {SCRIPT} {BREAKOUT}'
subheadline: '</style></script>{BREAKOUT}'
published: 2026-03-02T10:00:00+01:00
lead: 'Ingress {SCRIPT} {BREAKOUT}'
body:
  - quote: q1
  - 'Brödtext {SCRIPT}'
quotes:
  - id: q1
    text: 'Citat {SCRIPT} {BREAKOUT}'
    speaker: 'Anna {SCRIPT}'
    role: 'roll {BREAKOUT}'
contacts:
  - name: 'Anna Berg {SCRIPT}'
    role: 'kommunalråd {SCRIPT} {BREAKOUT}'
    organisation: '{BREAKOUT}'
    email: anna.berg@exempel.se
tags: ['{SCRIPT}']
"""


@pytest.fixture
def hostile(make_workspace: MakeWorkspace) -> tuple[ReleaseContext, bytes]:
    workspace = make_workspace(releases={"h.yaml": HOSTILE})
    context = context_of(workspace, workspace.releases_dir / "h.yaml")
    return context, render(workspace, context)


def test_hostile_text_is_escaped(hostile: tuple[ReleaseContext, bytes]) -> None:
    context, html = hostile
    text = html.decode("utf-8")
    assert SCRIPT not in text
    assert "<img" not in text
    assert "</style></script>" not in text
    doc, _ = parse(html)
    assert len(doc.all("script")) == 1 and len(doc.all("style")) == 1
    assert doc.all("img") == []
    assert not any(name.startswith("on") for node in doc.all() for name in node.attrs), (
        "no event handler attribute"
    )
    # The words survive as words.
    assert doc.one("h1").text() == context.headline
    assert doc.one("head").one("title").text() == context.headline  # (an SVG has its own)
    assert meta(doc, "description") == context.lead_text
    assert SCRIPT in doc.one("figure", "quote").text()
    assert BREAKOUT in doc.all("span", "contact-role")[0].text()


def test_hostile_text_in_json_ld_stays_inside_the_script(
    hostile: tuple[ReleaseContext, bytes],
) -> None:
    context, html = hostile
    doc, _ = parse(html)
    data = json.loads(doc.one("script").text())
    assert data["headline"] == context.headline
    assert data["keywords"] == [SCRIPT]


# --------------------------------------------------------------------------- refusals


def test_a_stylesheet_with_an_outside_address_is_refused(make_workspace: MakeWorkspace) -> None:
    from .conftest import RELEASE_YAML

    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML})
    context = context_of(workspace, workspace.releases_dir / "r.yaml")
    style = workspace.templates_dir / "exempel" / "style.css"
    for css in (
        "@import 'https://fonts.example/x.css';",
        "h1 { background: url(https://tracker.example/p.gif) }",
        "h1 { background: url( '//tracker.example/p.gif') }",
        "h1::after { content: '</style><script>alert(1)</script>' }",
    ):
        style.write_text(css, encoding="utf-8")
        with pytest.raises(TemplateProblem):
            render(workspace, context)


def test_brand_colour_must_be_a_colour(make_workspace: MakeWorkspace) -> None:
    workspace = make_workspace(
        releases={"r.yaml": HOSTILE}, organisations={"exempel": ORGANISATION_YAML}
    )
    context = context_of(workspace, workspace.releases_dir / "r.yaml")
    bad = dataclasses.replace(
        context,
        organisation=dataclasses.replace(context.organisation, brand_colour="red; } body { x"),
    )
    with pytest.raises(TemplateProblem, match="brand colour"):
        render(workspace, bad)


def test_the_page_is_well_formed_html(real: tuple[ReleaseContext, bytes, Node]) -> None:
    """html5lib, the WHATWG parsing algorithm, in strict mode: any parse error fails."""
    import html5lib

    _, html, _ = real
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(html)
    assert parser.errors == []
