"""Tests for presser.source.markdown: safe HTML and plain-text blocks from release Markdown."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from presser.source.markdown import (
    MAX_NESTING,
    TextBlock,
    TextLink,
    allowed_url,
    inline_to_html,
    inline_to_text,
    to_html,
    to_text_blocks,
)

SEED_SECTION = (
    "## Primärkommunal social välfärd inom Regionförbundet\n"
    "\n"
    "I Jönköpings län bedrivs arbetet inom ramen för Kunskap till praktik\n"
    "av Regionförbundet.\n"
)

BLOCK_TAGS = {"p", "h2", "h3", "ul", "ol", "li", "blockquote", "pre", "hr"}
INLINE_TAGS = {"em", "strong", "a", "code", "br"}
ALLOWED_ATTRS = {"a": {"href"}, "ol": {"start"}}
ALLOWED_SCHEMES = ("http:", "https:", "mailto:", "tel:")


class _Audit(HTMLParser):
    """Collects every element and attribute that is not on the allow-list."""

    def __init__(self, tags: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.tags = tags
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.tags:
            self.problems.append(f"element <{tag}>")
        for name, value in attrs:
            if name not in ALLOWED_ATTRS.get(tag, set()):
                self.problems.append(f"attribute {tag}[{name}]")
            elif name == "href" and not (value or "").startswith(ALLOWED_SCHEMES):
                self.problems.append(f"href {value!r}")
            elif name == "start" and not (value or "").isdigit():
                self.problems.append(f"start {value!r}")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.tags:
            self.problems.append(f"end tag </{tag}>")


def audit(html: str, tags: set[str]) -> list[str]:
    parser = _Audit(tags)
    parser.feed(html)
    parser.close()
    return parser.problems


def paragraph(text: str, *links: TextLink) -> TextBlock:
    return TextBlock("paragraph", text, tuple(links))


# --- block HTML ------------------------------------------------------------


def test_paragraphs_and_emphasis() -> None:
    source = "First *para*\ngraph.\n\nSecond **one** with `co*de*`."
    assert to_html(source) == (
        "<p>First <em>para</em>\ngraph.</p>\n"
        "<p>Second <strong>one</strong> with <code>co*de*</code>.</p>\n"
    )


def test_seed_subheading_then_paragraph() -> None:
    assert to_html(SEED_SECTION) == (
        "<h2>Primärkommunal social välfärd inom Regionförbundet</h2>\n"
        "<p>I Jönköpings län bedrivs arbetet inom ramen för Kunskap till praktik\n"
        "av Regionförbundet.</p>\n"
    )
    assert to_text_blocks(SEED_SECTION) == [
        TextBlock("heading", "Primärkommunal social välfärd inom Regionförbundet", (), 2),
        paragraph(
            "I Jönköpings län bedrivs arbetet inom ramen för Kunskap till praktik "
            "av Regionförbundet."
        ),
    ]


def test_headings_are_demoted_below_the_headline() -> None:
    source = "# One\n\n## Two\n\n### Three\n\n#### Four\n\nSetext\n======\n"
    assert to_html(source) == (
        "<h2>One</h2>\n<h2>Two</h2>\n<h3>Three</h3>\n<h3>Four</h3>\n<h2>Setext</h2>\n"
    )
    assert [(b.kind, b.text, b.level) for b in to_text_blocks(source)] == [
        ("heading", "One", 2),
        ("heading", "Two", 2),
        ("heading", "Three", 3),
        ("heading", "Four", 3),
        ("heading", "Setext", 2),
    ]


def test_bullet_list() -> None:
    source = "- one\n- *two*\n"
    assert to_html(source) == "<ul>\n<li>one</li>\n<li><em>two</em></li>\n</ul>\n"
    assert to_text_blocks(source) == [
        TextBlock("bullet", "one", (), 1),
        TextBlock("bullet", "two", (), 1),
    ]


def test_numbered_list_keeps_its_start_number() -> None:
    source = "3. three\n1. four\n"
    assert to_html(source) == '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>\n'
    assert to_text_blocks(source) == [
        TextBlock("numbered", "three", (), 1, 3),
        TextBlock("numbered", "four", (), 1, 4),
    ]


def test_nested_list_and_item_continuation_keep_order() -> None:
    source = "1. first\n   - inner a\n   - inner b\n\n   more about first\n2. second\n"
    assert to_text_blocks(source) == [
        TextBlock("numbered", "first", (), 1, 1),
        TextBlock("bullet", "inner a", (), 2),
        TextBlock("bullet", "inner b", (), 2),
        TextBlock("paragraph", "more about first", (), 1),
        TextBlock("numbered", "second", (), 1, 2),
    ]


def test_item_starting_with_a_nested_list_is_emitted_empty_first() -> None:
    assert to_text_blocks("- - deep\n") == [
        TextBlock("bullet", "", (), 1),
        TextBlock("bullet", "deep", (), 2),
    ]


def test_block_quote() -> None:
    source = "> Said **loudly**\n> twice.\n>\n> > Nested.\n"
    assert to_html(source) == (
        "<blockquote>\n<p>Said <strong>loudly</strong>\ntwice.</p>\n"
        "<blockquote>\n<p>Nested.</p>\n</blockquote>\n</blockquote>\n"
    )
    assert to_text_blocks(source) == [
        TextBlock("quote", "Said loudly twice.", (), 1),
        TextBlock("quote", "Nested.", (), 2),
    ]


def test_code_block_loses_language_class_and_keeps_lines_in_text() -> None:
    source = "```python\nx  =  1\n  y\n```\n"
    assert to_html(source) == "<pre><code>x  =  1\n  y\n</code></pre>\n"
    assert to_text_blocks(source) == [paragraph("x  =  1\n  y")]


def test_thematic_break_is_html_only() -> None:
    assert to_html("a\n\n---\n\nb") == "<p>a</p>\n<hr>\n<p>b</p>\n"
    assert to_text_blocks("a\n\n---\n\nb") == [paragraph("a"), paragraph("b")]


def test_tables_and_strikethrough_are_not_interpreted() -> None:
    assert to_html("~~gone~~") == "<p>~~gone~~</p>\n"
    assert "<table" not in to_html("| a | b |\n| - | - |\n| 1 | 2 |\n")


def test_hard_break_kept_soft_break_collapsed() -> None:
    source = "one  \ntwo\\\nthree\n  four   five"
    assert to_html(source) == "<p>one<br>\ntwo<br>\nthree\nfour   five</p>\n"
    assert to_text_blocks(source) == [paragraph("one\ntwo\nthree four five")]


def test_no_break_space_is_kept() -> None:
    assert to_text_blocks("1,4\u00a0miljoner") == [paragraph("1,4\u00a0miljoner")]


def test_empty_source() -> None:
    assert to_html("") == ""
    assert to_text_blocks("") == []
    assert inline_to_html("") == ""
    assert inline_to_text("") == ("", ())


# --- links -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "href"),
    [
        ("http://example.org/a", "http://example.org/a"),
        ("https://example.org/?q=1&r=2", "https://example.org/?q=1&amp;r=2"),
        ("HTTPS://example.org/", "https://example.org/"),
        ("mailto:press@example.org", "mailto:press@example.org"),
        ("tel:+4636107424", "tel:+4636107424"),
    ],
)
def test_allowed_links_are_kept(url: str, href: str) -> None:
    source = f"Read [the report]({url}) now."
    assert to_html(source) == f'<p>Read <a href="{href}">the report</a> now.</p>\n'
    assert inline_to_html(source) == f'Read <a href="{href}">the report</a> now.'
    plain_url = href.replace("&amp;", "&")
    expected = ("Read the report now.", (TextLink("the report", plain_url),))
    assert inline_to_text(source) == expected
    assert to_text_blocks(source) == [TextBlock("paragraph", *expected)]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java&#x09;script:alert(1)",
        "&#106;avascript:alert(1)",
        "javascript&#58;alert(1)",
        "  javascript:alert(1)",
        "<javascript:alert(1)>",
        "<java script:alert(1)>",
        "vbscript:msgbox(1)",
        "VBScript:msgbox(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:image/png;base64,AAAA",
        "file:///etc/passwd",
        "/relative/path",
        "relative.html",
        "#fragment",
        "//example.org/protocol-relative",
        "www.example.org",
        "ftp://example.org/",
        "",
    ],
)
def test_refused_links_keep_only_their_text(url: str) -> None:
    source = f"Click [here]({url}) now."
    assert to_html(source) == "<p>Click here now.</p>\n"
    assert inline_to_html(source) == "Click here now."
    assert inline_to_text(source) == ("Click here now.", ())
    assert to_text_blocks(source) == [paragraph("Click here now.")]


def test_refused_reference_link_keeps_its_text() -> None:
    source = "Click [here][x] now.\n\n[x]: javascript:alert(1)\n"
    assert to_html(source) == "<p>Click here now.</p>\n"


def test_reference_link_allowed() -> None:
    source = 'See [SKL][skl].\n\n[skl]: https://skl.se "SKL"\n'
    assert to_html(source) == '<p>See <a href="https://skl.se">SKL</a>.</p>\n'
    assert to_text_blocks(source) == [paragraph("See SKL.", TextLink("SKL", "https://skl.se"))]


def test_link_title_is_dropped() -> None:
    html = to_html('[a](https://example.org "A title")')
    assert html == '<p><a href="https://example.org">a</a></p>\n'


def test_autolinks_use_the_url_as_text() -> None:
    source = "Go to <https://example.org/x> or <press@example.org>."
    assert to_html(source) == (
        '<p>Go to <a href="https://example.org/x">https://example.org/x</a> or '
        '<a href="mailto:press@example.org">press@example.org</a>.</p>\n'
    )
    assert inline_to_text(source) == (
        "Go to https://example.org/x or press@example.org.",
        (
            TextLink("https://example.org/x", "https://example.org/x"),
            TextLink("press@example.org", "mailto:press@example.org"),
        ),
    )


def test_refused_autolink_is_plain_text() -> None:
    assert to_html("<javascript:alert(1)>") == "<p>javascript:alert(1)</p>\n"
    assert inline_to_text("<javascript:alert(1)>") == ("javascript:alert(1)", ())


def test_links_in_text_blocks_are_in_order_with_markup_removed() -> None:
    source = (
        "Läs [mer *om* konferensen](https://example.org/k) och "
        "[pressbilder](https://example.org/p), inte [detta](javascript:x)."
    )
    assert to_text_blocks(source) == [
        paragraph(
            "Läs mer om konferensen och pressbilder, inte detta.",
            TextLink("mer om konferensen", "https://example.org/k"),
            TextLink("pressbilder", "https://example.org/p"),
        )
    ]


def test_links_in_list_items_and_headings() -> None:
    source = "## See [this](https://a.example)\n\n- item [x](tel:+46361074)\n"
    assert to_text_blocks(source) == [
        TextBlock("heading", "See this", (TextLink("this", "https://a.example"),), 2),
        TextBlock("bullet", "item x", (TextLink("x", "tel:+46361074"),), 1),
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://x", "https://x"),
        ("HtTp://x", "http://x"),
        ("MAILTO:a@b", "mailto:a@b"),
        ("Tel:+46", "tel:+46"),
        (" https://x", None),
        ("javascript:x", None),
        ("https", None),
        ("/x", None),
    ],
)
def test_allowed_url(url: str, expected: str | None) -> None:
    assert allowed_url(url) == expected


# --- raw HTML and images ---------------------------------------------------


def test_raw_html_is_escaped_in_html_and_literal_in_text() -> None:
    source = "<script>alert(1)</script> AT&T <img src=x onerror=alert(1)>"
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; AT&amp;T &lt;img src=x onerror=alert(1)&gt;"
    assert to_html(source) == f"<p>{escaped}</p>\n"
    assert inline_to_html(source) == escaped
    assert to_text_blocks(source) == [paragraph(source)]
    assert inline_to_text(source) == (source, ())


def test_raw_html_block_is_escaped() -> None:
    source = '<div onclick="x()">\n<script>alert(1)</script>\n</div>\n'
    html = to_html(source)
    assert "<div" not in html and "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_entities_are_decoded_in_text_and_reescaped_in_html() -> None:
    assert to_html("Fish &amp; chips &lt;b&gt;") == "<p>Fish &amp; chips &lt;b&gt;</p>\n"
    assert inline_to_text("Fish &amp; chips &lt;b&gt;") == ("Fish & chips <b>", ())


def test_image_becomes_its_alt_text() -> None:
    source = 'Before ![a *map* of Jönköping](karta.png "t") after.'
    assert to_html(source) == "<p>Before a map of Jönköping after.</p>\n"
    assert inline_to_html(source) == "Before a map of Jönköping after."
    assert to_text_blocks(source) == [paragraph("Before a map of Jönköping after.")]
    assert inline_to_text(source) == ("Before a map of Jönköping after.", ())


def test_image_inside_link_leaves_a_text_link() -> None:
    source = "[![Logo](https://example.org/logo.png)](https://example.org)"
    assert to_html(source) == '<p><a href="https://example.org">Logo</a></p>\n'
    assert to_text_blocks(source) == [paragraph("Logo", TextLink("Logo", "https://example.org"))]


def test_image_with_script_url_is_harmless() -> None:
    html = to_html("![x](javascript:alert(1)) ![](data:image/png;base64,AAAA)")
    assert html == "<p>x </p>\n"


# --- inline (lead) ---------------------------------------------------------


def test_inline_does_not_interpret_block_syntax() -> None:
    source = "# not a heading\n- not a list\n> not a quote\n1. not numbered"
    assert inline_to_html(source) == (
        "# not a heading - not a list &gt; not a quote 1. not numbered"
    )
    assert inline_to_text(source) == (
        "# not a heading - not a list > not a quote 1. not numbered",
        (),
    )


def test_inline_newlines_become_spaces() -> None:
    source = "Sveriges Kommuner och *Landsting*\n(SKL) har\n\nträffat.\n"
    assert inline_to_html(source) == "Sveriges Kommuner och <em>Landsting</em> (SKL) har träffat."
    assert inline_to_text(source) == ("Sveriges Kommuner och Landsting (SKL) har träffat.", ())


def test_inline_keeps_emphasis_links_and_code() -> None:
    source = "**SKL** har [avtal](https://skl.se) om `KtP`."
    assert inline_to_html(source) == (
        '<strong>SKL</strong> har <a href="https://skl.se">avtal</a> om <code>KtP</code>.'
    )
    assert inline_to_text(source) == (
        "SKL har avtal om KtP.",
        (TextLink("avtal", "https://skl.se"),),
    )


def test_output_is_deterministic() -> None:
    source = SEED_SECTION + "\n- [a](https://a.example)\n"
    assert to_html(source) == to_html(source)
    assert to_text_blocks(source) == to_text_blocks(source)


# --- pathological input ----------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        ">" * 5_000 + " deep",
        ">" * 10_000 + " deep",
        "- " * 5_000 + "deep",
        "- " * 10_000 + "deep",
        "1. " * 5_000 + "deep",
        "> - " * 5_000 + "deep",
        "".join("  " * i + "- level\n" for i in range(1_000)),
        "[" * 5_000 + "x" + "](https://example.org)" * 5_000,
        "*" * 5_000 + "x" + "*" * 5_000,
        "`" * 5_000,
    ],
    ids=[
        "quotes-5000",
        "quotes-10000",
        "bullets-5000",
        "bullets-10000",
        "numbers-5000",
        "quote-list-5000",
        "indented-list-1000",
        "brackets",
        "emphasis",
        "backticks",
    ],
)
def test_pathological_nesting_is_bounded(source: str) -> None:
    html = to_html(source)
    blocks = to_text_blocks(source)
    inline = inline_to_html(source)
    text, _ = inline_to_text(source)
    assert html.count("<blockquote>") <= MAX_NESTING
    assert html.count("<ul>") + html.count("<ol") <= MAX_NESTING
    assert len(html) <= 10 * len(source) + 100
    assert len(blocks) <= len(source)
    assert len(inline) <= 10 * len(source) + 100
    assert len(text) <= len(source)
    assert not audit(html, BLOCK_TAGS | INLINE_TAGS)


# --- properties ------------------------------------------------------------

FRAGMENTS = [
    "a",
    "Ö ",
    " ",
    "\n",
    "\n\n",
    "  \n",
    "\\",
    "# ",
    "## ",
    "- ",
    "1. ",
    "> ",
    "    ",
    "```",
    "`",
    "*",
    "_",
    "~~",
    "[",
    "]",
    "(",
    ")",
    "](",
    "![",
    "<",
    ">",
    '"',
    "'",
    "=",
    "&",
    "&#x09;",
    "&#106;",
    "&colon;",
    ":",
    "http:",
    "https://x.example",
    "mailto:",
    "javascript:",
    "JaVaScRiPt:",
    "data:",
    "vbscript:",
    "script",
    "img src=x",
    " onerror=",
    " onclick=",
    "alert(1)",
    "|",
    "---",
    "[r]: ",
    "[r]",
]

markdownish = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)
any_source = st.one_of(st.text(max_size=200), markdownish)


@settings(max_examples=300, deadline=None)
@given(any_source)
def test_property_to_html_only_allowed_markup(source: str) -> None:
    html = to_html(source)
    assert "<script" not in html
    assert "<img" not in html
    assert not audit(html, BLOCK_TAGS | INLINE_TAGS)


@settings(max_examples=300, deadline=None)
@given(any_source)
def test_property_inline_to_html_only_inline_markup(source: str) -> None:
    html = inline_to_html(source)
    assert "<script" not in html
    assert not audit(html, INLINE_TAGS)


@settings(max_examples=300, deadline=None)
@given(any_source)
def test_property_text_links_are_allowed_and_in_place(source: str) -> None:
    for text, links in [
        *((block.text, block.links) for block in to_text_blocks(source)),
        inline_to_text(source),
    ]:
        position = 0
        for link in links:
            assert link.url.startswith(ALLOWED_SCHEMES)
            found = text.find(link.text, position)
            assert found >= 0
            position = found + len(link.text)
