"""Colour rule (O102): an organisation's text colours readable on their background (WCAG AA)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..context import LintContext
from ..contrast import AA_TEXT, RGB, contrast, nearest_passing, parse_hex, to_hex
from ..findings import Finding
from ..registry import find_rule, rule

#: The page's background in the default look (style.css sets none: the browser's white).
PAGE = (1.0, 1.0, 1.0)


@rule(
    "O102",
    "low-contrast-colour",
    "warning",
    summary="The brand colour, or a text colour the organisation's style.css sets, is below "
    "WCAG AA's 4.5:1 against its background.",
    rationale="Headings, labels and links take the brand colour; text below 4.5:1 is hard "
    "to read for many readers and fails EN 301 549, which public bodies in the EU must "
    "meet. The warning names the ratio and the nearest colour of the same hue that passes.",
    bad='brand_colour: "#7fb2e5"   # 2.2:1 on white',
    good='brand_colour: "#1f4e8c"   # 8.5:1 on white',
)
def low_contrast_colour(ctx: LintContext) -> Iterator[Finding]:
    organisation = ctx.loaded.organisation
    brand = organisation.profile.brand_colour
    colour = parse_hex(brand) if brand else None
    if colour is not None:
        position = organisation.document.positions.get(("brand_colour",), (1, 1))
        found = _low(colour, PAGE)
        if found:
            yield _finding(ctx, ctx.organisation_file, position, f"brand_colour {brand}", found)
    style = organisation.folder / "style.css"
    if style.is_file() and ctx.loaded.workspace.contains(style):
        for line, column, text, background, found in _stylesheet_colours(style):
            shown = ctx.loaded.workspace.display(style)
            where = f"color: {text}" + (" on its background" if background else " on white")
            yield _finding(ctx, shown, (line, column), where, found)


def _low(colour: RGB, background: RGB) -> tuple[float, str] | None:
    ratio = contrast(colour, background)
    if ratio >= AA_TEXT:
        return None
    return ratio, to_hex(nearest_passing(colour, background))


def _finding(
    ctx: LintContext, path: str, position: tuple[int, int], what: str, found: tuple[float, str]
) -> Finding:
    ratio, better = found
    rule_info = find_rule("O102")
    assert rule_info is not None
    return Finding(
        path,
        position[0],
        position[1],
        rule_info.code,
        rule_info.name,
        rule_info.severity,
        f"{what} has a contrast of {ratio:.1f}:1, below WCAG AA's {AA_TEXT}:1 for text; "
        f"{better} is the nearest colour of its hue that passes",
    )


def _stylesheet_colours(
    path: Path,
) -> Iterator[tuple[int, int, str, bool, tuple[float, str]]]:
    """Each low-contrast ``color:`` in a stylesheet: line, column, value, own background, found."""
    import tinycss2  # type: ignore[import-untyped]

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return  # validation and the render report an unreadable stylesheet
    for node in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
        if node.type != "qualified-rule":
            continue
        declarations = tinycss2.parse_declaration_list(
            node.content, skip_comments=True, skip_whitespace=True
        )
        values: dict[str, tuple[str, int, int]] = {}
        for declaration in declarations:
            if declaration.type == "declaration":
                value = tinycss2.serialize(declaration.value).strip()
                values[declaration.lower_name] = (
                    value,
                    declaration.source_line,
                    declaration.source_column,
                )
        if "color" not in values:
            continue
        value, line, column = values["color"]
        colour = parse_hex(value)
        if colour is None:
            continue  # var(--brand), names, rgb(): the brand colour is checked above
        background_text = (values.get("background-color") or values.get("background") or ("",))[0]
        background = parse_hex(background_text)
        found = _low(colour, background or PAGE)
        if found:
            yield line, column, value, background is not None, found
