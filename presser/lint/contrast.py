"""Colour contrast as WCAG 2.1 measures it (1.4.3), and the nearest colour that passes.

Relative luminance and the contrast ratio are WCAG's own formulas; the
nearest passing colour keeps the hue and saturation and moves the lightness
(HLS) the least distance that reaches the ratio, darker or lighter.
"""

from __future__ import annotations

import colorsys
import re

#: WCAG AA for normal text (1.4.3); large text may go to 3:1, but a brand colour is
#: used for both headings and small labels.
AA_TEXT = 4.5

_HEX = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")

RGB = tuple[float, float, float]


def parse_hex(text: str) -> RGB | None:
    """``#rgb`` or ``#rrggbb`` as channels 0-1; None for anything else."""
    match = _HEX.fullmatch(text.strip())
    if match is None:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return (int(digits[0:2], 16) / 255, int(digits[2:4], 16) / 255, int(digits[4:6], 16) / 255)


def to_hex(colour: RGB) -> str:
    return "#" + "".join(f"{round(max(0.0, min(1.0, c)) * 255):02x}" for c in colour)


def luminance(colour: RGB) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: RGB, second: RGB) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def nearest_passing(colour: RGB, background: RGB, ratio: float = AA_TEXT) -> RGB:
    """The colour of the same hue and saturation, lightness moved least, that reaches ``ratio``."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*colour)
    best: RGB | None = None
    best_distance = 2.0
    for step in range(0, 1001):
        candidate_lightness = step / 1000
        distance = abs(candidate_lightness - lightness)
        if distance >= best_distance:
            continue
        candidate = colorsys.hls_to_rgb(hue, candidate_lightness, saturation)
        rounded = parse_hex(to_hex(candidate))  # as it would be written
        assert rounded is not None
        if contrast(rounded, background) >= ratio:
            best, best_distance = rounded, distance
    return best if best is not None else (0.0, 0.0, 0.0)
