"""Which image files presser lets WeasyPrint see: PNG, JPEG and WebP, checked by content.

Image files come from release authors, who are not trusted. WeasyPrint will
render whatever it is handed: an SVG (which may reference other files and
addresses), any format Pillow knows, and, when Pillow fails, it tries the bytes
as SVG anyway. So presser decides by the bytes, not by the name: the magic
number must be PNG, JPEG or WebP, and the width and height are read from the
format's own header, by hand, without decoding a pixel. That keeps this check
cheap and free of any decoder's bugs, and lets it refuse a decompression bomb
(a small file declaring a huge picture) before anything allocates memory for it.

This module needs only the standard library, so ``presser validate`` stays light.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import PresserError
from .limits import DEFAULT_LIMITS, Limits

ALLOWED = "PNG, JPEG or WebP"

#: The MIME type of each accepted format, which the PDF fetcher hands to WeasyPrint.
MIME_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WebP": "image/webp"}

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Bit depths allowed for each PNG colour type (PNG specification, table 11.1).
_PNG_DEPTHS = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}
# JPEG start-of-frame markers: every SOFn except DHT (C4), JPG (C8) and DAC (CC).
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# JPEG markers that stand alone, without a length: TEM, RST0-7 (SOI and EOI are handled apart).
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})


class ImageRefused(PresserError, ValueError):
    """The file is not an image presser renders; the message says why, for the release author.

    Also a ``ValueError``, so that raised in a model's validator it becomes that
    field's positioned problem.
    """


@dataclass(frozen=True)
class ImageInfo:
    """What the header of an accepted image declares."""

    format: str  #: "PNG", "JPEG" or "WebP"
    width: int
    height: int

    @property
    def mime_type(self) -> str:
        return MIME_TYPES[self.format]


def check_image_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> ImageInfo:
    """Check the image at ``path`` against the allowed formats and ``limits``.

    The size is checked before a byte is read, so a huge file costs nothing.
    Raises :class:`ImageRefused` (or :class:`OSError` when it cannot be read).
    """
    size = path.stat().st_size
    _check_size(size, limits)
    with path.open("rb") as stream:
        data = stream.read(limits.max_image_bytes + 1)
    return check_image_bytes(data, limits)


def check_image_bytes(data: bytes, limits: Limits = DEFAULT_LIMITS) -> ImageInfo:
    """Check image bytes against the formats and ``limits``; see :func:`check_image_file`."""
    _check_size(len(data), limits)
    if data.startswith(_PNG_SIGNATURE):
        info = _png(data)
    elif data.startswith(b"\xff\xd8\xff"):
        info = _jpeg(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        info = _webp(data)
    else:
        raise ImageRefused(
            f"{_describe(data)}; presser renders only {ALLOWED} images (checked by content)"
        )
    pixels = info.width * info.height
    if pixels > limits.max_image_pixels:
        raise ImageRefused(
            f"the {info.format} image is {info.width} x {info.height} = {pixels:,} pixels; "
            f"the limit is {limits.max_image_pixels:,} pixels (max_image_pixels)"
        )
    return info


def _check_size(size: int, limits: Limits) -> None:
    if size > limits.max_image_bytes:
        raise ImageRefused(
            f"the image file is {size:,} bytes; the limit is {limits.max_image_bytes:,} bytes "
            "(max_image_bytes)"
        )


def _describe(data: bytes) -> str:
    """Name the formats people try most, so the message says what the file really is."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not data:
        return "the file is empty"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "the file is a GIF image"
    if head.startswith(b"<") and (b"<svg" in data[:4096].lower() or head.startswith(b"<?xml")):
        return "the file is an SVG image (or other XML)"
    if data.startswith((b"%!PS", b"\xc5\xd0\xd3\xc6")):
        return "the file is PostScript/EPS"
    if data.startswith(b"%PDF"):
        return "the file is a PDF"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "the file is a TIFF image"
    if data.startswith(b"BM"):
        return "the file is a BMP image"
    if data[4:8] == b"ftyp":
        return "the file is an AVIF/HEIC image or a video"
    return "the file is not a PNG, JPEG or WebP image"


def _truncated(kind: str) -> ImageRefused:
    return ImageRefused(f"the {kind} file is truncated or damaged; save it again as {ALLOWED}")


def _dimensions(kind: str, width: int, height: int) -> ImageInfo:
    if width <= 0 or height <= 0:
        raise ImageRefused(f"the {kind} header declares a width or height of 0: it is damaged")
    return ImageInfo(kind, width, height)


def _png(data: bytes) -> ImageInfo:
    """PNG: the IHDR chunk must come first, be whole (CRC checked), and the chunks must reach IEND.

    Walking the chunk list reads only lengths and names, never pixel data.
    """
    offset = len(_PNG_SIGNATURE)
    first = True
    info: ImageInfo | None = None
    while True:
        if offset + 8 > len(data):
            raise _truncated("PNG")
        length, name = struct.unpack(">I4s", data[offset : offset + 8])
        end = offset + 8 + length + 4
        if length > 0x7FFFFFFF or end > len(data):
            raise _truncated("PNG")
        body = data[offset + 8 : offset + 8 + length]
        if first:
            if name != b"IHDR" or length != 13:
                raise _truncated("PNG")
            (crc,) = struct.unpack(">I", data[offset + 8 + length : end])
            if zlib.crc32(name + body) != crc:
                raise _truncated("PNG")
            width, height, depth, colour, compression, filtering, interlace = struct.unpack(
                ">IIBBBBB", body
            )
            if (
                depth not in _PNG_DEPTHS.get(colour, set())
                or (compression, filtering) != (0, 0)
                or interlace not in (0, 1)
                or width > 0x7FFFFFFF
                or height > 0x7FFFFFFF
            ):
                raise _truncated("PNG")
            info = _dimensions("PNG", width, height)
            first = False
        elif name == b"IEND":
            assert info is not None
            return info
        offset = end


def _jpeg(data: bytes) -> ImageInfo:
    """JPEG: walk the marker segments after SOI up to the first start-of-frame (SOFn).

    Only segment lengths are read; a scan (SOS) before any frame header, a
    segment running past the end, or a height of 0 (defined later by a DNL
    marker, which WeasyPrint's decoder would have to find) is refused.
    """
    offset = 2
    while True:
        # Markers may be preceded by any number of 0xFF fill bytes.
        while offset < len(data) and data[offset] == 0xFF:
            offset += 1
        if offset >= len(data) or data[offset - 1] != 0xFF:
            raise _truncated("JPEG")
        marker = data[offset]
        offset += 1
        if marker in _JPEG_STANDALONE:
            continue
        if marker in (0x00, 0xD8, 0xD9, 0xDA):  # stuffing, a second SOI, EOI or a scan
            raise _truncated("JPEG")
        if offset + 2 > len(data):
            raise _truncated("JPEG")
        (length,) = struct.unpack(">H", data[offset : offset + 2])
        if length < 2 or offset + length > len(data):
            raise _truncated("JPEG")
        if marker in _JPEG_SOF:
            if length < 8:
                raise _truncated("JPEG")
            _precision, height, width, components = struct.unpack(
                ">BHHB", data[offset + 2 : offset + 8]
            )
            if components == 0 or length < 8 + 3 * components:
                raise _truncated("JPEG")
            return _dimensions("JPEG", width, height)
        offset += length


def _webp(data: bytes) -> ImageInfo:
    """WebP: a RIFF container whose first chunk is VP8 (lossy), VP8L (lossless) or VP8X.

    Animated WebP is refused: its frames multiply the pixels the header shows.
    """
    (riff_size,) = struct.unpack("<I", data[4:8])
    if riff_size < 4 + 8 or 8 + riff_size > len(data) or len(data) < 30:
        raise _truncated("WebP")
    chunk, size = struct.unpack("<4sI", data[12:20])
    payload = data[20 : 20 + size]
    if 20 + size > 8 + riff_size + 1 or len(payload) < min(size, 10):
        raise _truncated("WebP")
    if chunk == b"VP8 ":
        # Frame tag (3 bytes, bit 0 clear for a key frame), start code, 14-bit sizes.
        if size < 10 or payload[3:6] != b"\x9d\x01\x2a" or payload[0] & 1:
            raise _truncated("WebP")
        width, height = struct.unpack("<HH", payload[6:10])
        return _dimensions("WebP", width & 0x3FFF, height & 0x3FFF)
    if chunk == b"VP8L":
        if size < 5 or payload[0] != 0x2F:
            raise _truncated("WebP")
        (bits,) = struct.unpack("<I", payload[1:5])
        if bits >> 29:  # the version number, always 0
            raise _truncated("WebP")
        return _dimensions("WebP", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8X":
        if size < 10:
            raise _truncated("WebP")
        flags = payload[0]
        if flags & 0x02:
            raise ImageRefused(
                f"the WebP image is animated; presser renders still {ALLOWED} images only"
            )
        width = int.from_bytes(payload[4:7], "little") + 1
        height = int.from_bytes(payload[7:10], "little") + 1
        return _dimensions("WebP", width, height)
    raise _truncated("WebP")
