"""The print-ready PDF of a release, through WeasyPrint.

The only module that imports WeasyPrint, and only when a PDF is rendered.
The PDF is laid out from the same template as the HTML page (with
``medium="print"``) and ``print.css``. Every resource WeasyPrint asks for goes
through :class:`ProjectFetcher`, which serves files inside the project and
nothing else, so a render never touches the network or a file outside.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from ..context import ReleaseContext
from ..errors import PresserError, TemplateProblem
from ..templating import PresserEnvironment, read_stylesheets, render_template
from .html import TEMPLATE, check_brand_colour

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher, URLFetcherResponse


class RefusedResource(PresserError):
    """The PDF needed a resource from outside the project; nothing was fetched."""


def project_fetcher(project_root: Path) -> URLFetcher:
    """A WeasyPrint URL fetcher confined to ``project_root`` (see :class:`ProjectFetcher`)."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class Refused(FatalURLFetchingError):  # type: ignore[misc]
        """Raised from ``fetch``: fatal, so WeasyPrint stops instead of going on."""

    class ProjectFetcher(URLFetcher):  # type: ignore[misc]
        """Serves ``file:`` URLs inside the project, symlinks followed; refuses the rest.

        Never calls the parent's ``fetch``, so no network handler is ever used.
        Every refusal is also recorded, because WeasyPrint swallows errors in
        a few places (inside SVG images) even when they are fatal.
        """

        def __init__(self, root: Path) -> None:
            super().__init__(allowed_protocols=("file",), fail_on_errors=True)
            self.root = root.resolve()
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = self._local_path(url)
            if path is None:
                self.refused.append(url)
                raise Refused(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": content_type}
            )

        def _local_path(self, url: str) -> Path | None:
            parts = urlsplit(url)
            if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
                return None
            path = Path(url2pathname(unquote(parts.path))).resolve()
            if not path.is_relative_to(self.root) or not path.is_file():
                return None
            return path

    return ProjectFetcher(project_root)


@contextmanager
def _captured_log() -> Iterator[list[logging.LogRecord]]:
    """Keep WeasyPrint's messages from reaching the console; hand them to the caller."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logger = logging.getLogger("weasyprint")
    handler = Collect(logging.WARNING)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def print_stylesheet(env: PresserEnvironment) -> str:
    """The PDF's CSS: the print layout, then the shared look (default, then organisation)."""
    return read_stylesheets(env, ("print.css", "style.css"))


def render_pdf(
    context: ReleaseContext,
    env: PresserEnvironment,
    *,
    project_root: Path,
    base_dir: Path,
    warnings: list[str] | None = None,
) -> bytes:
    """Render the release as an A4 PDF; the same context always gives the same bytes.

    ``base_dir`` is where relative addresses (images) resolve, the output
    folder; only files inside ``project_root`` are read. WeasyPrint's
    warnings (such as CSS it ignored) are appended to ``warnings`` when given.
    Raises :class:`RefusedResource` when the document asks for anything else.
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    check_brand_colour(context)
    html = render_template(env, TEMPLATE, release=context, stylesheet=None, medium="print")
    css = print_stylesheet(env)
    fetcher = project_fetcher(project_root)
    base_url = base_dir.resolve().as_uri() + "/"
    # /ID from the document's own content: stable across renders, distinct per release.
    identifier = hashlib.sha256((html + css).encode("utf-8")).hexdigest()[:32].encode("ascii")
    fatal: BaseException | None = None
    pdf: bytes = b""
    with _captured_log() as records:
        try:
            # A font configuration of our own, so that @font-face rules work,
            # fetching their files through the same fetcher.
            fonts = FontConfiguration()
            document = HTML(string=html, base_url=base_url, url_fetcher=fetcher)
            stylesheet = CSS(string=css, base_url=base_url, url_fetcher=fetcher, font_config=fonts)
            pdf = document.write_pdf(
                stylesheets=[stylesheet],
                font_config=fonts,
                pdf_identifier=identifier,
                pdf_tags=True,
            )
        except FatalURLFetchingError as exc:
            fatal = exc  # reported below, with every refused address
        except (ValueError, TypeError) as exc:
            raise TemplateProblem(f"the PDF could not be laid out: {exc}") from exc
    refused: list[str] = fetcher.refused
    if refused:
        listed = ", ".join(sorted(set(refused)))
        raise RefusedResource(
            f"the PDF of {context.stem} asks for a resource outside the project "
            f"or not a local file, which presser does not fetch: {listed}"
        )
    if fatal is not None:
        cause = fatal.__cause__ or fatal
        raise RefusedResource(f"the PDF of {context.stem} could not be made: {cause}")
    if warnings is not None:
        warnings.extend(record.getMessage() for record in records)
    return pdf
