"""The newsroom's pages load nothing from outside and run nothing, whatever a template says.

An organisation may override the site's templates (``templates/<org>/site/``),
and they run in the same sandbox as its release template; but a sandboxed
template can still write markup. So, as a release page is
(:func:`presser.render.html.check_page`), every page the site renders is
parsed and held to an allow-list before it is written:

- no ``<script>`` (the site needs none), no frame, embedded object,
  ``<base>``, ``<meta http-equiv>``, SVG animation or event handler attribute;
- ``<link>`` only as ``stylesheet``, ``alternate`` or ``canonical``;
- what a page *loads* (``src``, ``srcset``, ``poster``, ``data``, a stylesheet)
  is inside the site: a relative address, never one with a scheme or
  starting with ``/`` (``og:image`` and the canonical address are metadata,
  not loads);
- no ``url()`` in a ``style`` attribute; the site's stylesheet (``site/site.css``)
  imports nothing and names no address with a scheme but ``data:``.

The frozen article placed in a release page was checked when it was rendered;
it passes these rules too.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ..errors import TemplateProblem
from ..render.html import REFUSED_ELEMENTS

#: What a release page refuses by its nature (one list, :mod:`presser.render.html`'s), and
#: <script> too (a release page keeps its JSON-LD block; the site needs none); <link> is
#: held to its rel below instead.
_REFUSED = {
    **{tag: what for tag, what in REFUSED_ELEMENTS.items() if tag != "link"},
    "script": "a script",
}
_LOADS = frozenset({"src", "srcset", "poster", "data", "background", "lowsrc", "dynsrc"})
_LINK_RELS = frozenset({"stylesheet", "alternate", "canonical"})
_OUTSIDE = re.compile(r"^\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:|/|\\)")
RULE = "a newsroom page may not load from outside the site or run script"


def check_site_page(html: str, template: str) -> None:
    """Refuse a page that would load from outside the site or run script."""
    checker = _Check()
    checker.feed(html)
    checker.close()
    if checker.found:
        more = len(checker.found) - 1
        also = f" (and {more} more)" if more else ""
        raise TemplateProblem(f"{template}: {checker.found[0]}{also}; {RULE}")


_CSS_ADDRESS = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)


def check_site_stylesheet(css: str, name: str) -> None:
    """Refuse a site stylesheet that would load from outside the site."""
    if "@import" in css.lower():
        raise TemplateProblem(f"{name}: @import; {RULE}")
    for match in _CSS_ADDRESS.finditer(css):
        address = match.group(1)
        if _OUTSIDE.match(address) and not address.lower().startswith("data:"):
            raise TemplateProblem(f"{name}: url({address[:80]}); {RULE}")


class _Check(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _REFUSED:
            self.found.append(f"the page has <{tag}>, {_REFUSED[tag]}")
            return
        values = {name: value or "" for name, value in attrs}
        if tag == "meta" and "http-equiv" in values:
            self.found.append("the page has <meta http-equiv>")
        if tag == "link":
            rels = set(values.get("rel", "").lower().split())
            if not rels or not rels <= _LINK_RELS:
                self.found.append(f"the page has <link rel={values.get('rel', '')!r}>")
            elif "stylesheet" in rels and _OUTSIDE.match(values.get("href", "")):
                self.found.append(f"a stylesheet from outside the site: {values.get('href')}")
        for name, value in values.items():
            if name.startswith("on"):
                self.found.append(f"<{tag}> has an event handler ({name})")
            elif name in _LOADS and any(_OUTSIDE.match(part) for part in value.split(",")):
                self.found.append(f"<{tag} {name}> loads from outside the site: {value[:80]}")
            elif name == "style" and "url(" in value.replace(" ", "").lower():
                self.found.append(f"<{tag} style> names an address with url()")
