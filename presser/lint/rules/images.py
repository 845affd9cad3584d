"""Image rules (I): file present and readable, wide enough for print, not too heavy, credited.

The width comes from the file's header: Pillow's ``Image.open`` reads only that,
never the pixels, so a large image costs nothing to check.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..context import LintContext
from ..findings import Finding
from ..registry import rule


def _image_files(ctx: LintContext) -> Iterator[tuple[int, Path]]:
    for index, image in enumerate(ctx.release.images):
        yield index, ctx.loaded.image_file(image.path)


def image_width(path: Path) -> int | None:
    """The width in pixels from the header, or None when the file is no image Pillow knows."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width: int = image.size[0]
            return width
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return None


@rule(
    "I101",
    "image-file-missing",
    "error",
    summary="An image's file is missing, or is not an image (PNG, JPEG, WebP, …).",
    rationale="An image that cannot be read leaves a hole in every output. (validate "
    "checks the path when the release is loaded; lint also opens the file.)",
    bad="images:\n  - {id: map, path: images/map.png, …}   # the file is not there",
    good="images:\n  - {id: map, path: images/county-map.png, …}",
)
def image_file_missing(ctx: LintContext) -> Iterator[Finding]:
    for index, path in _image_files(ctx):
        where = ("images", index, "path")
        if not path.is_file():
            yield ctx.finding("I101", where, f"no such file: {ctx.release.images[index].path}")
        elif image_width(path) is None:
            yield ctx.finding(
                "I101",
                where,
                f"{ctx.release.images[index].path} is not an image presser can read "
                "(PNG, JPEG, WebP, GIF)",
            )


@rule(
    "I102",
    "image-too-narrow",
    "warning",
    summary="An image is narrower than image_min_width pixels.",
    rationale="Newspapers print at about 300 dpi: 1200 pixels make a picture about 10 cm "
    "wide. Narrower images look blurred in print and are skipped by picture desks.",
    bad="images:\n  - {id: map, path: images/map-600px.png, …}",
    good="images:\n  - {id: map, path: images/map-1600px.png, …}",
    setting="image_min_width",
)
def image_too_narrow(ctx: LintContext) -> Iterator[Finding]:
    minimum = ctx.settings.image_min_width
    for index, path in _image_files(ctx):
        width = image_width(path) if path.is_file() else None
        if width is not None and width < minimum:
            yield ctx.finding(
                "I102",
                ("images", index, "path"),
                f"image is {width} px wide; print needs at least {minimum} px",
            )


@rule(
    "I103",
    "image-too-large",
    "warning",
    summary="An image file is larger than image_max_megabytes.",
    rationale="Newsroom systems and e-mail refuse or choke on very large files; 10 MB is "
    "plenty for a print-quality JPEG.",
    bad="images:\n  - {id: hall, path: images/hall-raw.tiff, …}   # 48 MB",
    good="images:\n  - {id: hall, path: images/hall.jpg, …}   # 3 MB",
    setting="image_max_megabytes",
)
def image_too_large(ctx: LintContext) -> Iterator[Finding]:
    limit = ctx.settings.image_max_megabytes
    for index, path in _image_files(ctx):
        try:
            size = path.stat().st_size
        except OSError:
            continue
        if size > limit * 1_000_000:
            yield ctx.finding(
                "I103",
                ("images", index, "path"),
                f"image file is {size / 1_000_000:.1f} MB; keep it under {limit} MB",
            )


@rule(
    "I104",
    "image-credit-missing",
    "warning",
    summary="An image has no credit.",
    rationale="Newspapers must name the photographer or source, and will not print an "
    "uncredited picture.",
    bad="images:\n  - {id: map, path: images/map.png, alt: …}",
    good="images:\n  - {id: map, path: images/map.png, alt: …, credit: Regionförbundet}",
)
def image_credit_missing(ctx: LintContext) -> Iterator[Finding]:
    for index, image in enumerate(ctx.release.images):
        if not image.credit:
            yield ctx.finding(
                "I104", ("images", index), f"image '{image.id}' has no credit; add credit:"
            )
