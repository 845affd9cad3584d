"""Render validated releases to files: context -> renderer per format -> atomic write.

Library functions the CLI and tests call. WeasyPrint is imported only when a
PDF is asked for, and Jinja only when HTML or PDF is.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..writing import write_atomic

if TYPE_CHECKING:
    from ..digest import ReadLog
    from ..source.limits import Limits
    from ..source.validation import LoadedRelease
    from .pdf import PdfJob
    from .printer import PdfPrinter

#: Every format presser can render (the CLI's --format offers exactly these).
KNOWN_FORMATS = ("html", "pdf", "txt", "ninjs", "newsml")
#: What build, render and publish make when no --format is given. Kept apart from
#: KNOWN_FORMATS so that a new format is made only where it is asked for.
DEFAULT_FORMATS = ("html", "pdf", "txt")
#: The file name ending of a format that is not its name (the IPTC exports).
EXTENSIONS = {"ninjs": "ninjs.json", "newsml": "newsml.xml"}


def output_name(stem: str, fmt: str) -> str:
    """The file a format of a release is written to: ``<stem>.html``, ``<stem>.ninjs.json``."""
    return f"{stem}.{EXTENSIONS.get(fmt, fmt)}"


@dataclass(frozen=True)
class RenderOptions:
    """What to render and how; the defaults are what ``presser build`` does."""

    formats: Sequence[str] = DEFAULT_FORMATS
    wire: str | None = None  #: nordic | us; None: the organisation's default
    width: int | None = None  #: wrap width of the text copy; None: the wire's default
    ascii_only: bool = False  #: transliterate the text copy to ASCII
    #: when the copy is published (presser publish): an embargo lifted by then is not
    #: printed. None (render, build): the copy embargoed recipients get, embargo line and all
    published_at: datetime | None = None
    #: render and build without --format: an organisation's ``formats:``, when it has one,
    #: replaces ``formats`` for its releases (the IPTC exports are made only when asked)
    organisation_formats: bool = False
    #: tagged | archive (PDF/A-3b with the YAML inside); None: the organisation's pdf_variant
    pdf_variant: str | None = None

    def formats_for(self, chosen: Sequence[str] | None) -> tuple[str, ...]:
        """The formats of a release whose organisation's ``formats:`` is ``chosen``."""
        if self.organisation_formats and chosen:
            return tuple(dict.fromkeys(chosen))
        return tuple(self.formats)


@dataclass(frozen=True)
class Rendered(Mapping[str, bytes]):
    """The bytes of each format of one release (a mapping by format), and what the render
    noticed on the way."""

    outputs: dict[str, bytes]
    #: whether WeasyPrint subset the PDF's fonts with its slow fontTools fallback
    #: (libharfbuzz-subset0 missing): the CLI warns once a run
    slow_subsetting: bool = False
    written: tuple[Path, ...] = ()  #: the files written (render_release), in format order
    #: the PDF still to lay out (``render_outputs(..., defer_pdf=True)``): its place in
    #: ``outputs`` holds empty bytes until the bytes of :func:`~.pdf.lay_out` replace them
    pdf_job: PdfJob | None = None

    def __getitem__(self, fmt: str) -> bytes:
        return self.outputs[fmt]

    def __iter__(self) -> Iterator[str]:
        return iter(self.outputs)

    def __len__(self) -> int:
        return len(self.outputs)


def render_release(
    loaded: LoadedRelease,
    out_dir: Path,
    options: RenderOptions,
    printer: PdfPrinter | None = None,
) -> Rendered:
    """Render one release in every format asked for, then write them all.

    Everything is rendered before anything is written, so a failure in one
    format leaves the previous outputs of this release as they were.
    """
    rendered = render_outputs(loaded, out_dir, options, printer)
    written = []
    for fmt, data in rendered.items():
        target = out_dir / output_name(loaded.stem, fmt)
        write_atomic(target, data)
        written.append(target)
    return dataclasses.replace(rendered, written=tuple(written))


def render_outputs(
    loaded: LoadedRelease,
    out_dir: Path,
    options: RenderOptions,
    printer: PdfPrinter | None = None,
    *,
    defer_pdf: bool = False,
) -> Rendered:
    """The bytes of each output format of one release, meant for ``out_dir`` (nothing written).

    The PDF is laid out by ``printer`` when given (a process that imported
    WeasyPrint meanwhile, see :mod:`presser.render.printer`), else here; with
    ``defer_pdf`` it is not laid out at all, and the job is handed back in
    :attr:`Rendered.pdf_job` (a build's workers lay it out). The whole render
    runs under ``render_timeout_seconds``; past it,
    :class:`presser.render.timeout.RenderTimeout` names the release.
    """
    from .timeout import call_with_time_limit

    limits = loaded.workspace.limits  # presser.yaml's, else the defaults
    return call_with_time_limit(
        limits.render_timeout_seconds,
        loaded.workspace.display(loaded.path),
        lambda: _render_outputs(loaded, out_dir, options, limits, printer, defer_pdf),
    )


def _render_outputs(
    loaded: LoadedRelease,
    out_dir: Path,
    options: RenderOptions,
    limits: Limits,
    printer: PdfPrinter | None,
    defer_pdf: bool = False,
) -> Rendered:
    from .context import build_context

    wire = options.wire or loaded.release.wire or loaded.organisation.profile.wire
    context = build_context(loaded, out_dir=out_dir, wire=wire, published_at=options.published_at)
    rendered: dict[str, bytes] = {}
    slow_subsetting = False
    deferred: PdfJob | None = None
    formats = options.formats_for(loaded.organisation.profile.formats)
    if "html" in formats or "pdf" in formats:
        from .templating import environment

        env = environment(loaded.workspace.template_search_path(loaded.organisation.slug))
    for fmt in formats:
        if fmt == "html":
            from .html import render_html

            rendered[fmt] = render_html(context, env, limits)
        elif fmt == "pdf":
            from .pdf import lay_out, pdf_job

            job = pdf_job(
                context, env, project_root=loaded.workspace.root, base_dir=out_dir, limits=limits
            )
            variant = options.pdf_variant or loaded.organisation.profile.pdf_variant
            if variant == "archive":
                source = loaded.document.path  # the file as written (publish: as approved)
                job = replace(
                    job,
                    variant=variant,
                    source=source.read_bytes(),
                    source_name=source.name,
                    source_date=loaded.release.published.astimezone(UTC),
                )
            if defer_pdf:
                rendered[fmt], deferred = b"", job  # its place kept, so the order is the same
                continue
            laid_out = printer.lay_out(job) if printer else lay_out(job)
            rendered[fmt], slow_subsetting = laid_out.pdf, laid_out.slow_subsetting
        elif fmt == "txt":
            from .text import render_text

            rendered[fmt] = render_text(
                context,
                wire=wire,
                width=options.width,
                ascii_only=options.ascii_only,
            )
        elif fmt in ("ninjs", "newsml"):
            from .iptc import export_facts

            facts = export_facts(loaded, context)
            if fmt == "ninjs":
                from .ninjs import render_ninjs

                rendered[fmt] = render_ninjs(context, facts)
            else:
                from .newsml import render_newsml

                rendered[fmt] = render_newsml(context, facts)
        else:  # pragma: no cover - the CLI offers only KNOWN_FORMATS
            raise ValueError(f"unknown format {fmt}")
    return Rendered(rendered, slow_subsetting, pdf_job=deferred)


def template_reads(loaded: LoadedRelease) -> ReadLog:
    """What the page and the PDF of ``loaded`` read from the template folders.

    The template work of both (the PDF's without WeasyPrint), recorded: every
    template, stylesheet and stylesheet asset, each lookup that found nothing.
    The approval hash covers exactly this (see :mod:`presser.editorial.manifest`).
    """
    from ..digest import recording
    from .context import build_context
    from .html import render_html
    from .pdf import pdf_job
    from .templating import environment

    workspace = loaded.workspace
    out_dir = workspace.root / "build"  # addresses only; nothing is written
    with recording() as log:
        context = build_context(loaded, out_dir=out_dir)
        env = environment(workspace.template_search_path(loaded.organisation.slug))
        render_html(context, env, workspace.limits)
        pdf_job(
            context, env, project_root=workspace.root, base_dir=out_dir, limits=workspace.limits
        )
    return log
