"""Images: PNG, JPEG and WebP only, judged by content and header, before WeasyPrint sees them."""

from __future__ import annotations

import io
import os
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image as PillowImage

from presser.errors import ProblemsFound, TemplateProblem
from presser.render.pdf import served_type
from presser.source.images import ImageRefused, check_image_bytes, check_image_file
from presser.source.limits import Limits
from presser.source.validation import load_release

from .conftest import REPO, MakeWorkspace

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>'


def encoded(fmt: str, size: tuple[int, int] = (123, 45), **options: object) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, "teal").save(buffer, fmt, **options)
    return buffer.getvalue()


def chunk(name: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + name + body + struct.pack(">I", zlib.crc32(name + body))


def png_header(width: int, height: int) -> bytes:
    """A PNG that is all header: what a decompression bomb declares, without the pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


ACCEPTED = {
    "png": (lambda: encoded("PNG"), "PNG"),
    "jpeg": (lambda: encoded("JPEG"), "JPEG"),
    "progressive jpeg": (lambda: encoded("JPEG", progressive=True), "JPEG"),
    "lossy webp": (lambda: encoded("WEBP"), "WebP"),
    "lossless webp": (lambda: encoded("WEBP", lossless=True), "WebP"),
    "webp with exif (VP8X)": (lambda: encoded("WEBP", exif=b"Exif\x00\x00MM"), "WebP"),
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_accepted_formats_and_their_header_dimensions(name: str) -> None:
    make, kind = ACCEPTED[name]
    info = check_image_bytes(make())
    assert (info.format, info.width, info.height) == (kind, 123, 45)


def test_the_repository_image() -> None:
    info = check_image_file(REPO / "releases" / "images" / "jonkoping-county-municipalities.png")
    assert (info.format, info.width, info.height) == ("PNG", 1600, 900)


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (SVG, "SVG"),
        (b'<?xml version="1.0"?>\n' + SVG, "SVG"),
        (b"%!PS-Adobe-3.0 EPSF-3.0\n", "EPS"),
        (b"\xc5\xd0\xd3\xc6" + b"\0" * 40, "EPS"),
        (encoded("GIF"), "GIF"),
        (encoded("BMP"), "BMP"),
        (encoded("TIFF"), "TIFF"),
        (b"%PDF-1.7\n", "PDF"),
        (b"", "empty"),
        (b"just some text", "not a PNG"),
    ],
)
def test_other_formats_are_refused_by_content(data: bytes, named: str) -> None:
    with pytest.raises(ImageRefused, match="PNG, JPEG or WebP") as caught:
        check_image_bytes(data)
    assert named in str(caught.value)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_truncated_and_garbled_headers_are_refused(fmt: str) -> None:
    data = encoded(fmt)
    # Every cut inside the header (and, for PNG and WebP, anywhere) is refused.
    last = len(data) if fmt != "JPEG" else data.index(b"\xff\xc0") + 10
    for cut in range(last):
        with pytest.raises(ImageRefused, match=r"truncated or damaged|not a PNG|empty"):
            check_image_bytes(data[:cut])
    garbled = bytearray(data)
    garbled[20] ^= 0xFF  # inside IHDR / a JPEG segment / the WebP chunk header
    if fmt != "JPEG":
        with pytest.raises(ImageRefused):
            check_image_bytes(bytes(garbled))


def test_zero_sized_and_animated_images_are_refused() -> None:
    with pytest.raises(ImageRefused, match="damaged"):
        check_image_bytes(png_header(0, 10))
    frames = io.BytesIO()
    first, second = PillowImage.new("RGB", (8, 8), "red"), PillowImage.new("RGB", (8, 8), "blue")
    first.save(frames, "WEBP", save_all=True, append_images=[second], duration=100)
    with pytest.raises(ImageRefused, match="animated"):
        check_image_bytes(frames.getvalue())


def test_pixel_bomb_is_refused_from_its_header() -> None:
    bomb = png_header(100_000, 100_000)
    assert len(bomb) < 100
    with pytest.raises(ImageRefused, match=r"100000 x 100000 = 10,000,000,000 pixels"):
        check_image_bytes(bomb)
    assert check_image_bytes(png_header(7000, 7000)).width == 7000  # 49 MP: under the default
    with pytest.raises(ImageRefused, match="pixels"):
        check_image_bytes(encoded("JPEG", (200, 200)), Limits(max_image_pixels=39_999))


def test_file_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    with big.open("wb") as stream:
        stream.write(encoded("PNG"))
        stream.truncate(30 * 1024 * 1024)  # sparse: costs no disk
    with pytest.raises(ImageRefused, match=r"31,457,280 bytes; the limit is 20,971,520 bytes"):
        check_image_file(big)


IMAGE_RELEASE = """\
organisation: exempel
headline: En rubrik
published: 2026-03-02T10:00:00+01:00
lead: En ingress.
images:
  - id: bild
    path: {path}
    alt: En bild.
contacts:
  - name: Anna Berg
    email: anna.berg@exempel.se
"""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (SVG, "the file is an SVG image (or other XML); presser renders only PNG, JPEG or WebP"),
        (encoded("GIF"), "the file is a GIF image; presser renders only PNG, JPEG or WebP"),
        (png_header(60_000, 60_000), "3,600,000,000 pixels; the limit is 50,000,000 pixels"),
        (encoded("PNG")[:40], "the PNG file is truncated or damaged"),
    ],
)
def test_validation_reports_images_at_their_path(
    make_workspace: MakeWorkspace, content: bytes, message: str
) -> None:
    # Named .png whatever it holds: the name decides nothing.
    workspace = make_workspace(releases={"r.yaml": IMAGE_RELEASE.format(path="bild.png")})
    (workspace.releases_dir / "bild.png").write_bytes(content)
    with pytest.raises(ProblemsFound) as caught:
        load_release(workspace.releases_dir / "r.yaml", workspace)
    [problem] = caught.value.problems
    assert (problem.line, problem.column, problem.field) == (7, 11, "images[0].path")
    assert problem.message.startswith("bild.png: ") and message in problem.message


def test_image_problems_are_reported_with_other_problems(make_workspace: MakeWorkspace) -> None:
    text = IMAGE_RELEASE.format(path="bild.svg").replace("En rubrik", "''")
    workspace = make_workspace(releases={"r.yaml": text})
    (workspace.releases_dir / "bild.svg").write_bytes(SVG)
    with pytest.raises(ProblemsFound) as caught:
        load_release(workspace.releases_dir / "r.yaml", workspace)
    fields = {p.field for p in caught.value.problems}
    assert fields == {"headline", "images[0].path"}


def test_validate_command_reports_image_problems_without_heavy_imports(
    make_workspace: MakeWorkspace,
) -> None:
    workspace = make_workspace(releases={"r.yaml": IMAGE_RELEASE.format(path="bild.png")})
    (workspace.releases_dir / "bild.png").write_bytes(SVG)
    probe = (
        "import sys\n"
        "from presser.cli import cli\n"
        "try:\n"
        "    cli(['validate'], standalone_mode=False)\n"
        "except SystemExit as exc:\n"
        "    print('exit', exc.code)\n"
        "print(sorted(m for m in ('PIL', 'weasyprint', 'jinja2') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=workspace.root,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stdout.splitlines()
    shown = r"r\.yaml:7:11: images\[0\]\.path: bild\.png: the file is an SVG image"
    assert re.search(shown, lines[0]), done.stdout
    assert lines[-2:] == ["exit 1", "[]"], done.stdout + done.stderr


@pytest.mark.parametrize(
    ("name", "content", "served"),
    [
        ("a.png", encoded("PNG"), "image/png"),
        ("photo.JPG", encoded("JPEG"), "image/jpeg"),
        ("named-wrong.png", encoded("WEBP"), "image/webp"),  # the true type, not the name's
        ("fonts/a.woff2", b"wOF2" + b"\0" * 40, "font/woff2"),
        ("style.css", b"body { color: red }", "text/css"),
    ],
)
def test_fetcher_serves_by_content(name: str, content: bytes, served: str) -> None:
    assert served_type(Path(name), content) == served


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("evil.png", SVG),  # WeasyPrint would try these bytes as SVG after Pillow fails
        ("evil.css", SVG),
        ("evil.svg", SVG),
        ("evil.woff2", SVG),
        ("evil.gif", encoded("GIF")),
        ("bomb.png", png_header(100_000, 100_000)),
    ],
)
def test_fetcher_refuses_anything_else(name: str, content: bytes) -> None:
    with pytest.raises(ImageRefused, match=f"{re.escape(name)}: "):
        served_type(Path(name), content)


def test_pdf_refuses_an_svg_a_stylesheet_asks_for(make_workspace: MakeWorkspace) -> None:
    from presser.render.context import build_context
    from presser.render.pdf import render_pdf
    from presser.render.templating import environment

    from .conftest import RELEASE_YAML

    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML})
    own = workspace.templates_dir / "exempel"
    (own / "logo.png").write_bytes(SVG)
    (own / "style.css").write_text("body { background: url(logo.png) }", encoding="utf-8")
    out = workspace.root / "build"
    context = build_context(load_release(workspace.releases_dir / "r.yaml", workspace), out_dir=out)
    env = environment(workspace.template_search_path("exempel"))
    with pytest.raises(TemplateProblem, match=r"logo\.png: the file is an SVG image"):
        render_pdf(context, env, project_root=workspace.root, base_dir=out)


def test_pdf_refuses_a_resource_over_the_size_limit_unread(make_workspace: MakeWorkspace) -> None:
    from presser.render.context import build_context
    from presser.render.pdf import render_pdf
    from presser.render.templating import environment

    from .conftest import RELEASE_YAML

    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML})
    own = workspace.templates_dir / "exempel"
    with (own / "huge.png").open("wb") as stream:
        stream.write(encoded("PNG"))
        stream.truncate(21 * 1024 * 1024)  # sparse
    (own / "style.css").write_text("body { background: url(huge.png) }", encoding="utf-8")
    out = workspace.root / "build"
    context = build_context(load_release(workspace.releases_dir / "r.yaml", workspace), out_dir=out)
    env = environment(workspace.template_search_path("exempel"))
    with pytest.raises(TemplateProblem, match=r"huge\.png is larger than 20,971,520 bytes"):
        render_pdf(context, env, project_root=workspace.root, base_dir=out)
