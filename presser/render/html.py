"""The standalone HTML page of a release.

The page must stand alone and stay inert: it loads nothing and runs nothing,
whatever the organisation's templates and stylesheets say. Its stylesheets are
checked and their files embedded (:mod:`presser.render.stylesheets`); the rendered
page is then parsed and held to an allow-list (:func:`check_page`), so a
template cannot make the page fetch from outside or run script either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

from markupsafe import Markup

from ..errors import TemplateProblem, printable
from ..source.limits import DEFAULT_LIMITS, Limits
from .context import ReleaseContext
from .stylesheets import ResolvedStylesheet, addresses_in, is_fragment, resolve_stylesheets
from .templating import PresserEnvironment, display_path, render_template

TEMPLATE = "release.html.j2"
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
_STYLE_END = re.compile(r"</style", re.IGNORECASE)
#: The end of a <script> or <style> as browsers find it: "</", the name, then a space, "/" or ">".
_RAW_END = re.compile(r"</(\s*)(script|style)(?=[\s/>]|\Z)(.?)", re.IGNORECASE | re.DOTALL)

#: What every refusal of a page ends with: the rule it breaks.
RULE = "a template cannot make the page fetch from outside or run script"

#: Elements that load or run something by their nature, whatever their attributes.
REFUSED_ELEMENTS = {
    "iframe": "a frame",
    "frame": "a frame",
    "frameset": "a frame",
    "object": "an embedded object",
    "embed": "an embedded object",
    "applet": "an embedded object",
    "portal": "a frame",
    "fencedframe": "a frame",
    "link": "a linked resource",
    "base": "a base address for every other",
    # SVG animation can change an address or a style after the page was checked.
    "animate": "an SVG animation",
    "set": "an SVG animation",
    "animatemotion": "an SVG animation",
    "animatetransform": "an SVG animation",
    "discard": "an SVG animation",
}
#: Attributes that hold an address (loaded, navigated to, or resolved against).
_ADDRESS_ATTRIBUTES = frozenset(
    {
        "src",
        "srcset",
        "href",
        "data",
        "poster",
        "background",
        "action",
        "formaction",
        "ping",
        "manifest",
        "icon",
        "lowsrc",
        "dynsrc",
        "longdesc",
        "cite",
        "codebase",
        "archive",
        "classid",
        "imagesrcset",
        "attributionsrc",
        "profile",
        "srcdoc",
        "xml:base",
    }
)
#: Attributes whose value is CSS, which can name addresses with url().
_CSS_ATTRIBUTES = frozenset(
    {
        "style",
        "fill",
        "stroke",
        "filter",
        "mask",
        "clip-path",
        "marker",
        "marker-start",
        "marker-mid",
        "marker-end",
        "cursor",
    }
)
JSON_LD = "application/ld+json"


def check_brand_colour(context: ReleaseContext) -> None:
    """The brand colour is the one value written into CSS; refuse anything but a colour."""
    if not _COLOUR.fullmatch(context.organisation.brand_colour):
        raise TemplateProblem(
            f"brand colour {context.organisation.brand_colour!r} is not #rgb or #rrggbb"
        )


def screen_stylesheet(
    env: PresserEnvironment, limits: Limits = DEFAULT_LIMITS
) -> ResolvedStylesheet:
    """The page's CSS: the screen layout, then the shared look (default, then organisation).

    Every file it uses is embedded as a ``data:`` address, so the page loads nothing.
    """
    css = resolve_stylesheets(env, ("screen.css", "style.css"), embed=True, limits=limits)
    if _STYLE_END.search(css.css):
        raise TemplateProblem("a stylesheet contains '</style', which would end the page's <style>")
    return css


@dataclass(frozen=True)
class PageAllowances:
    """What a page may name: the release's own images and links, and its own stylesheet."""

    images: frozenset[str]  #: ``<img src>`` values the renderer wrote (relative paths)
    links: frozenset[str]  #: ``<a href>`` values the release (or its organisation) gives
    stylesheet: str  #: the one CSS a ``<style>`` may hold: the checked stylesheet
    #: the pages of the release's other language versions: an ``<a href>`` and a
    #: ``<link rel="alternate" hreflang href>`` (which loads nothing) may name them
    language_pages: frozenset[str] = frozenset()


def page_allowances(context: ReleaseContext, stylesheet: str) -> PageAllowances:
    """The images, links and stylesheet of ``context`` that its page may use."""
    images = {b.image.src for b in context.body if b.image}
    links = {link.href for link in context.links}
    links |= {link.url for link in context.lead_links}
    for contact in (*context.contacts, *context.press_contacts):
        links |= {u for u in (contact.phone_uri, contact.mobile_uri, contact.email_uri) if u}
    if context.organisation.website:
        links.add(context.organisation.website)
    # The links Markdown wrote into the lead and body, as the page will hold them.
    markup = [context.lead_html, *(b.html for b in context.body)]
    links |= _hrefs(str(m) for m in markup if m)
    pages = frozenset(v.href for v in context.language_versions)
    return PageAllowances(frozenset(images), frozenset(links), stylesheet, pages)


def render_html(
    context: ReleaseContext, env: PresserEnvironment, limits: Limits = DEFAULT_LIMITS
) -> bytes:
    """Render the release as one standalone UTF-8 HTML page, its CSS inlined.

    Raises :class:`TemplateProblem` when the page would load or run anything
    (see :func:`check_page`).
    """
    check_brand_colour(context)
    stylesheet = screen_stylesheet(env, limits)
    # The CSS comes from the organisation's files, not from release data: it
    # is checked above, and must not be HTML-escaped.
    html = render_template(
        env,
        TEMPLATE,
        output_limit=limits.max_output_bytes,
        release=context,
        stylesheet=Markup(stylesheet.css),
        medium="screen",
    )
    check_page(html, page_allowances(context, stylesheet.css), _template_shown(env))
    return html.encode("utf-8")


def check_page(html: str, allowed: PageAllowances, template: str) -> None:
    """Refuse a page that would load anything or run script; ``template`` names it in the message.

    The page is parsed, and every element and attribute held to an allow-list:
    no script but the JSON-LD block, no event handler, no frame, embedded
    object, ``<link>``, ``<base>``, ``<meta http-equiv>`` or SVG animation;
    every address is the release's own (an image the renderer placed, a link
    the release gives) or an in-page ``#name``; CSS in attributes names no
    address; a ``<style>`` holds exactly the checked stylesheet. Where the
    standard library's parser could read markup otherwise than a browser (an
    end tag ``</script x>``, a ``<`` inside ``<script>``, a ``<style>`` after
    ``<svg>``, a comment holding ``>``, ``<![CDATA[``), the page is refused too.
    """
    checker = _PageCheck(allowed)
    for end in _RAW_END.finditer(html):
        if end.group(1) or end.group(3) != ">":
            # Python's parser and a browser end the element at different places
            # unless the end tag is written plainly.
            checker.refuse(
                f"the page has {_shown(end.group(0))}, an end tag browsers read otherwise"
            )
    checker.feed(html)
    checker.close()
    if checker.found:
        first = checker.found[0]
        more = len(checker.found) - 1
        also = f" (and {more} more)" if more else ""
        raise TemplateProblem(f"{template}: {first}{also}; {RULE}")


def _template_shown(env: PresserEnvironment) -> str:
    return display_path(env.get_template(TEMPLATE).filename)


def _hrefs(fragments: Iterable[str]) -> set[str]:
    """The ``href`` values of presser's own markup (the HTML Markdown made)."""
    found: set[str] = set()

    class Links(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.update(v for k, v in attrs if k == "href" and v is not None)

    parser = Links(convert_charrefs=True)
    for fragment in fragments:
        parser.feed(fragment)
    parser.close()
    return found


def _shown(value: str) -> str:
    return printable(value, 80)[1:-1]


class _PageCheck(HTMLParser):
    """Collects, in ``found``, everything in a page that would load or run something."""

    def __init__(self, allowed: PageAllowances) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed = allowed
        self.found: list[str] = []
        self.raw: str | None = None  # the raw-text element (script, style) being read
        self.raw_text: list[str] = []
        self.foreign = False  # an <svg> or <math> was opened: a <style> after it reads otherwise

    def refuse(self, what: str) -> None:
        if what not in self.found:
            self.found.append(what)

    # -- elements --------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)
        if tag in ("script", "style"):
            self.raw, self.raw_text = tag, []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)
        if tag in ("script", "style"):
            # A browser ignores the "/" and reads what follows as the element's text.
            self.refuse(f"the page has a self-closing <{tag}/>, which a browser reads on past")

    def handle_endtag(self, tag: str) -> None:
        if tag == self.raw:
            self._raw_text(tag, "".join(self.raw_text))
            self.raw = None

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("svg", "math"):
            self.foreign = True
        if tag == "link" and self._language_link(attrs):
            return
        if tag in REFUSED_ELEMENTS:
            where = next((v for k, v in attrs if k in _ADDRESS_ATTRIBUTES and v), None)
            load = f"would load {_shown(where)}" if where else "would hold"
            self.refuse(f"the page {load} (<{tag}>: {REFUSED_ELEMENTS[tag]})")
        if tag == "script" and attrs != [("type", JSON_LD)]:
            source = dict(attrs).get("src")
            if source:
                self.refuse(f"the page would load {_shown(source)} (a <script src>)")
            else:
                self.refuse("the page would run script (a <script> that is not JSON-LD data)")
        if tag == "meta" and any(k == "http-equiv" for k, _ in attrs):
            content = dict(attrs).get("content") or ""
            self.refuse(f"the page would act on {_shown(content)} (a <meta http-equiv>)")
        if tag == "style" and self.foreign:
            self.refuse(
                "the page has a <style> after an <svg> or <math>, where browsers read it otherwise"
            )
        for name, value in attrs:
            self._attribute(tag, name, value or "")

    def _attribute(self, tag: str, name: str, value: str) -> None:
        if name.startswith("on"):
            self.refuse(f"the page would run script (an {name} attribute on <{tag}>)")
        elif name in _ADDRESS_ATTRIBUTES or name.endswith(":href"):
            if not self._allowed_address(tag, name, value):
                self.refuse(f"the page would load {_shown(value)} (a <{tag} {name}>)")
        elif name in _CSS_ATTRIBUTES and "(" in value:
            for _, address in addresses_in(value, attribute=True):
                if address is None or not is_fragment(address):
                    shown = _shown(address) if address else "an address it cannot check"
                    self.refuse(f"the page would load {shown} (a {name} attribute on <{tag}>)")

    def _language_link(self, attrs: list[tuple[str, str | None]]) -> bool:
        """``<link rel="alternate" hreflang="…" href="…">`` to another language version
        of the release, and nothing else: it names a page, the browser loads nothing."""
        found = dict(attrs)
        return (
            len(found) == len(attrs) == 3
            and found.keys() == {"rel", "hreflang", "href"}
            and found["rel"] == "alternate"
            and bool(found["hreflang"])
            and found["href"] in self.allowed.language_pages
        )

    def _allowed_address(self, tag: str, name: str, value: str) -> bool:
        href = name == "href" or name.endswith(":href")
        if href and is_fragment(value):
            return True  # a place in the page itself
        if tag == "img" and name == "src":
            return value in self.allowed.images
        if tag == "a" and href:
            return value in self.allowed.links or value in self.allowed.language_pages
        return False

    # -- text ------------------------------------------------------------------------------

    def handle_data(self, data: str) -> None:
        if self.raw is not None:
            self.raw_text.append(data)

    def _raw_text(self, tag: str, text: str) -> None:
        if tag == "script" and "<" in text:
            # Inside <svg> a browser reads a script's text as markup; JSON-LD needs no "<".
            self.refuse("the page has '<' inside a <script>, where a browser could read markup")
        elif tag == "style" and text.strip() and text.strip() != self.allowed.stylesheet.strip():
            self.refuse(
                "the page has a <style> of its own; a page's CSS comes from its stylesheets"
            )

    def handle_comment(self, data: str) -> None:
        # Browsers also end a comment at "--!>" or "<!-->"; with no ">" they cannot.
        if ">" in data:
            self.refuse("the page has a comment holding '>'; write template comments as {# … #}")

    def handle_decl(self, decl: str) -> None:
        if decl.lower() != "doctype html":
            self.refuse(f"the page has a declaration <!{_shown(decl)}>")

    def unknown_decl(self, data: str) -> None:
        self.refuse(f"the page has <![{_shown(data[:20])}…]>, which browsers read otherwise")

    def handle_pi(self, data: str) -> None:
        self.refuse(f"the page has <?{_shown(data[:20])}…>, which browsers read otherwise")

    def close(self) -> None:
        super().close()
        if self.raw is not None:
            self.refuse(f"the page has a <{self.raw}> that is never closed")
