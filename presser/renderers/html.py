"""The standalone HTML page of a release."""

from __future__ import annotations

import re

from markupsafe import Markup

from ..context import ReleaseContext
from ..errors import TemplateProblem
from ..templating import PresserEnvironment, read_stylesheets, render_template

TEMPLATE = "release.html.j2"
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
# A page must load nothing from elsewhere: no imports, no absolute or
# protocol-relative url() in the stylesheets it inlines.
_EXTERNAL = re.compile(r"@import|url\(\s*['\"]?\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//)", re.IGNORECASE)
_STYLE_END = re.compile(r"</style", re.IGNORECASE)


def check_brand_colour(context: ReleaseContext) -> None:
    """The brand colour is the one value written into CSS; refuse anything but a colour."""
    if not _COLOUR.fullmatch(context.organisation.brand_colour):
        raise TemplateProblem(
            f"brand colour {context.organisation.brand_colour!r} is not #rgb or #rrggbb"
        )


def screen_stylesheet(env: PresserEnvironment) -> str:
    """The page's CSS: the screen layout, then the shared look (default, then organisation)."""
    css = read_stylesheets(env, ("screen.css", "style.css"))
    if _EXTERNAL.search(css):
        raise TemplateProblem(
            "a stylesheet refers to an outside address (@import or url(scheme:…)); "
            "the page must stand alone"
        )
    if _STYLE_END.search(css):
        raise TemplateProblem("a stylesheet contains '</style', which would end the page's <style>")
    return css


def render_html(context: ReleaseContext, env: PresserEnvironment) -> bytes:
    """Render the release as one standalone UTF-8 HTML page, its CSS inlined."""
    check_brand_colour(context)
    # The CSS comes from the organisation's files, not from release data: it
    # is trusted as the templates are, and must not be HTML-escaped.
    stylesheet = Markup(screen_stylesheet(env))
    html = render_template(env, TEMPLATE, release=context, stylesheet=stylesheet, medium="screen")
    return html.encode("utf-8")
