"""The print-ready PDF of a release, through WeasyPrint.

The only module that imports WeasyPrint, and only when a PDF is rendered.
The PDF is laid out from the same template as the HTML page (with
``medium="print"``) and ``print.css``. Every resource WeasyPrint asks for goes
through the job's fetcher (:func:`job_fetcher`), which serves the files the
stylesheets reach (read, and checked, when the job was made) and the
release's own images, and nothing else: a render never touches the network, a
file outside, or a file of the project the release does not use.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from ..errors import PresserError, TemplateProblem
from ..source.images import ImageRefused
from ..source.limits import DEFAULT_LIMITS, Limits
from .libraries import library_lookup
from .stylesheets import ResolvedStylesheet, asset_type

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    from .context import ReleaseContext
    from .templating import PresserEnvironment


class RefusedResource(PresserError):
    """The PDF needed a resource from outside the project; nothing was fetched."""


def served_type(path: Path, body: bytes, limits: Limits = DEFAULT_LIMITS) -> str:
    """The Content-Type to hand WeasyPrint for a file, or :class:`ImageRefused`.

    Decided by content, because WeasyPrint trusts neither name nor type: bytes
    Pillow cannot open are tried as SVG, whatever they are called. So only a
    PNG, JPEG or WebP within the limits, a font whose magic matches its suffix,
    or a stylesheet that is not markup is served; everything else is refused.
    Validation checks release images the same way, and so does the job for the
    files stylesheets use; this is defence in depth.
    """
    if path.suffix.lower() == ".css" and not body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "text/css"
    return asset_type(path, body, limits)


def job_fetcher(job: PdfJob) -> URLFetcher:
    """A WeasyPrint URL fetcher that serves ``job``'s files and nothing else.

    The files the stylesheets reach are served from the bytes read when the
    job was made (so the PDF holds what the render read and noted); the
    release's images are read from disk, checked by content. Any other
    address, of any scheme, is refused.
    """
    with library_lookup():  # the first import of WeasyPrint finds its C libraries
        from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    limits = job.limits

    class Refused(FatalURLFetchingError):  # type: ignore[misc]
        """Raised from ``fetch``: fatal, so WeasyPrint stops instead of going on."""

    class Served(URLFetcherResponse):  # type: ignore[misc]
        """A response that names no file: WeasyPrint uses these bytes, the ones checked.

        For a ``file:`` response WeasyPrint would read the image again from its
        path when it writes the PDF, after the check and unchecked.
        """

        @property
        def path(self) -> None:
            return None

    class ProjectFetcher(URLFetcher):  # type: ignore[misc]
        """Serves ``file:`` URLs of the job's files, symlinks followed; refuses the rest.

        Never calls the parent's ``fetch``, so no network handler is ever used.
        Every refusal is also recorded, because WeasyPrint swallows errors in
        a few places (inside SVG images) even when they are fatal. Files are
        served only when :func:`served_type` accepts their content.
        """

        def __init__(self, assets: Mapping[Path, bytes], images: frozenset[Path]) -> None:
            super().__init__(allowed_protocols=("file",), fail_on_errors=True)
            self.assets = assets
            self.images = images
            self.refused: list[str] = []
            self.unsafe: list[str] = []  # files refused for their content, with why

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = self._local_path(url)
            if path is None:
                self.refused.append(url)
                raise Refused(url)
            body = self.assets.get(path)
            if body is None:
                # Checked before reading: no image may be larger than the largest allowed,
                # so a huge file is never read into memory.
                if path.stat().st_size > limits.max_image_bytes:
                    self.unsafe.append(
                        f"{path.name}: larger than {limits.max_image_bytes:,} bytes "
                        "(max_image_bytes)"
                    )
                    raise Refused(url)
                body = path.read_bytes()
            try:
                content_type = served_type(path, body, limits)
            except ImageRefused as exc:
                self.unsafe.append(str(exc))
                raise Refused(url) from None
            return Served(url, body=body, headers={"Content-Type": content_type})

        def _local_path(self, url: str) -> Path | None:
            parts = urlsplit(url)
            if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
                return None
            path = Path(url2pathname(unquote(parts.path))).resolve()
            if path not in self.assets and (path not in self.images or not path.is_file()):
                return None
            return path

    return ProjectFetcher(job.assets, job.images)


#: How WeasyPrint 70 says it subsets fonts with fontTools because libharfbuzz-subset0
#: is missing (pdf/fonts.py, logged once per font of every document).
SLOW_SUBSETTING_LOG = "Using fontTools instead of HarfBuzz-Subset"
SLOW_SUBSETTING_WARNING = (
    "warning: WeasyPrint subsets fonts with fontTools because libharfbuzz-subset0 is "
    "missing, so every PDF takes about 5 times as long; install it: "
    "sudo apt-get install libharfbuzz-subset0"
)


def _without_slow_subsetting(records: list[logging.LogRecord]) -> list[logging.LogRecord]:
    """The records other than the fallback notice (the CLI warns once a run instead)."""
    return [r for r in records if not r.getMessage().startswith(SLOW_SUBSETTING_LOG)]


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


def print_stylesheet(
    env: PresserEnvironment, limits: Limits = DEFAULT_LIMITS
) -> ResolvedStylesheet:
    """The PDF's CSS: the print layout, then the shared look (default, then organisation).

    Every file it uses is named by its absolute ``file:`` address, and read.
    """
    from .stylesheets import resolve_stylesheets

    return resolve_stylesheets(env, ("print.css", "style.css"), embed=False, limits=limits)


@dataclass(frozen=True)
class PdfJob:
    """Everything WeasyPrint needs to lay out one release: plain data, so it can be
    handed to another process (see :mod:`presser.render.printer`)."""

    stem: str  #: the release's file name without suffix, for messages
    html: str  #: the print HTML, from the release template with ``medium="print"``
    css: str  #: print.css and style.css, default then organisation, addresses resolved
    base_url: str  #: where relative addresses (images) resolve: the output folder
    project_root: Path  #: the workspace, which every file served lies inside
    limits: Limits
    #: the files the stylesheets use, as read when the job was made: served as they are
    assets: dict[Path, bytes] = field(default_factory=dict)
    images: frozenset[Path] = frozenset()  #: the release's images, the only other files served
    #: what the PDF is made of, the same wherever the workspace is: its /ID comes from it
    identity: str = ""
    #: tagged (PDF/UA-1: tags, language, title) or archive (PDF/A-3b, the source attached)
    variant: str = "tagged"
    #: the release's YAML, carried by an archive PDF as its source (AFRelationship /Source)
    source: bytes = b""
    source_name: str = ""
    #: the attached source's date (the release's publication time): not the clock, so the
    #: same release gives the same bytes
    source_date: datetime | None = None


@dataclass(frozen=True)
class LaidOut:
    """A PDF and what WeasyPrint said while making it."""

    pdf: bytes
    warnings: tuple[str, ...]  #: WeasyPrint's warnings (such as CSS it ignored)
    slow_subsetting: bool  #: whether it used the slow fontTools fallback


def pdf_job(
    context: ReleaseContext,
    env: PresserEnvironment,
    *,
    project_root: Path,
    base_dir: Path,
    limits: Limits = DEFAULT_LIMITS,
) -> PdfJob:
    """The template work of a PDF, done without WeasyPrint."""
    from .html import TEMPLATE, check_brand_colour
    from .templating import render_template

    check_brand_colour(context)
    html = render_template(
        env,
        TEMPLATE,
        output_limit=limits.max_output_bytes,
        release=context,
        stylesheet=None,
        medium="print",
    )
    css = print_stylesheet(env, limits)
    root = project_root.resolve()
    images = {(base_dir / b.image.src).resolve() for b in context.body if b.image}
    identity = hashlib.sha256((html + "\0" + css.fingerprint).encode("utf-8")).hexdigest()
    return PdfJob(
        stem=context.stem,
        html=html,
        css=css.css,
        base_url=base_dir.resolve().as_uri() + "/",
        project_root=project_root,
        limits=limits,
        assets=css.assets,
        images=frozenset(i for i in images if i.is_relative_to(root)),
        identity=identity,
    )


def render_pdf(
    context: ReleaseContext,
    env: PresserEnvironment,
    *,
    project_root: Path,
    base_dir: Path,
    warnings: list[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> bytes:
    """Render the release as an A4 PDF; the same context always gives the same bytes.

    ``base_dir`` is where relative addresses (images) resolve, the output
    folder; only files inside ``project_root`` are read. WeasyPrint's
    warnings (such as CSS it ignored) are appended to ``warnings`` when given.
    Raises :class:`RefusedResource` when the document asks for anything else,
    or for a file whose content is not an image, font or stylesheet within ``limits``.
    """
    job = pdf_job(context, env, project_root=project_root, base_dir=base_dir, limits=limits)
    laid_out = lay_out(job)
    if warnings is not None:
        warnings.extend(laid_out.warnings)
    return laid_out.pdf


#: The PDF variants presser makes: ``tagged`` for every PDF, ``archive`` on request.
PDF_VARIANTS = ("tagged", "archive")


def _variant_options(job: PdfJob, attachment: Any) -> dict[str, Any]:
    """WeasyPrint's options for the job's variant.

    ``archive`` is PDF/A-3b (ISO 19005-3: fonts embedded, an sRGB output intent, XMP
    metadata with the PDF/A identification) carrying the release's YAML as an
    associated file, so that the archived copy holds its own source.
    """
    if job.variant != "archive":
        return {}
    source = attachment(
        file_obj=io.BytesIO(job.source),
        name=job.source_name or f"{job.stem}.yaml",
        description="The release as written (YAML), the source of this document",
        relationship="Source",
        created=job.source_date,
        modified=job.source_date,
    )
    return {"pdf_variant": "pdf/a-3b", "attachments": [source]}


def lay_out(job: PdfJob) -> LaidOut:
    """Lay out ``job`` with WeasyPrint; the same job always gives the same bytes."""
    with library_lookup():  # the first import of WeasyPrint finds its C libraries
        from weasyprint import CSS, HTML, Attachment
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import FatalURLFetchingError

    fetcher = job_fetcher(job)
    # /ID from the document's own content: stable across renders and workspace folders
    # (the CSS names files by absolute address), distinct per release.
    identity = job.identity or hashlib.sha256((job.html + job.css).encode("utf-8")).hexdigest()
    identifier = identity[:32]
    fatal: BaseException | None = None
    pdf: bytes = b""
    with _captured_log() as records:
        try:
            # A font configuration of our own, so that @font-face rules work,
            # fetching their files through the same fetcher.
            fonts = FontConfiguration()
            document = HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher)
            stylesheet = CSS(
                string=job.css, base_url=job.base_url, url_fetcher=fetcher, font_config=fonts
            )
            pdf = document.write_pdf(
                stylesheets=[stylesheet],
                font_config=fonts,
                pdf_identifier=identifier.encode("ascii"),
                pdf_tags=True,
                **_variant_options(job, Attachment),
            )
        except FatalURLFetchingError as exc:
            fatal = exc  # reported below, with every refused address
        except (ValueError, TypeError) as exc:
            raise TemplateProblem(f"the PDF could not be laid out: {exc}") from exc
    refused: list[str] = fetcher.refused
    if refused:
        listed = ", ".join(sorted(set(refused)))
        raise RefusedResource(
            f"the PDF of {job.stem} asks for a resource outside the project "
            f"or not a local file, which presser does not fetch: {listed}"
        )
    if fetcher.unsafe:
        listed = "; ".join(sorted(set(fetcher.unsafe)))
        raise RefusedResource(f"the PDF of {job.stem} uses a file presser refuses: {listed}")
    if fatal is not None:
        cause = fatal.__cause__ or fatal
        raise RefusedResource(f"the PDF of {job.stem} could not be made: {cause}")
    kept = _without_slow_subsetting(records)
    return LaidOut(
        pdf=pdf,
        warnings=tuple(record.getMessage() for record in kept),
        slow_subsetting=len(kept) != len(records),
    )
