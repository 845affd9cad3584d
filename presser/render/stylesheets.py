"""An organisation's stylesheets, checked, with every ``url()`` resolved where its file is.

A stylesheet's relative address (``url(fonts/house.woff2)``) means the file
beside that stylesheet, as in any browser, whatever folder the output is
written to. Stylesheets are parsed with tinycss2 (the CSS syntax browsers and
WeasyPrint use, escapes resolved), every token is visited, nested blocks and
at-rules included, and every address (``url()``, ``src()``, the strings of
``image-set()``) must be a relative address of a file inside the template
folders; ``@import`` is refused. A plain in-page reference (``url(#clip)``)
loads nothing and stays as it is.

Each file so reached is read through the template loader
(:meth:`~presser.render.templating.SearchPathLoader.read_asset`), which notes it in
the render's read log, so an approval covers it; it must be a PNG, JPEG or
WebP image or a font, by content. The page embeds it as a ``data:`` address
(the page loads nothing); the PDF names it by its absolute ``file:`` address
and the PDF's fetcher serves the bytes read here, so what was read is what
is laid out.
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from ..digest import ReadLog, note, recording
from ..errors import TemplateProblem, printable
from ..source.images import ImageRefused, check_image_bytes
from ..source.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from .templating import PresserEnvironment, StylesheetSource

#: Fonts a stylesheet may use, by suffix: the magic numbers their files start with,
#: and the type they are served as.
FONTS = {
    ".woff": ((b"wOFF",), "font/woff"),
    ".woff2": ((b"wOF2",), "font/woff2"),
    ".ttf": ((b"\x00\x01\x00\x00", b"true"), "font/ttf"),
    ".otf": ((b"OTTO", b"\x00\x01\x00\x00"), "font/otf"),
}

#: Functions whose string arguments are addresses (CSS Images 4, and Chromium's prefix).
_IMAGE_SETS = frozenset({"image-set", "-webkit-image-set", "image", "-webkit-image"})
#: Functions that hold one address.
_URL_FUNCTIONS = frozenset({"url", "src"})
#: Values only known when the page is shown: inside an address they could make any address.
_SUBSTITUTIONS = frozenset({"var", "env", "attr"})
#: An in-page reference: "#" and a name, nothing a browser could decode into more.
_FRAGMENT = re.compile(r"#[A-Za-z0-9_-]*")


def asset_type(path: Path, body: bytes, limits: Limits = DEFAULT_LIMITS) -> str:
    """The type of a file a stylesheet uses: a font by its magic number, else a checked image.

    Raises :class:`ImageRefused` (naming the file) for anything else.
    """
    magic, kind = FONTS.get(path.suffix.lower(), ((), ""))
    if magic and body.startswith(magic):
        return kind
    try:
        return check_image_bytes(body, limits).mime_type
    except ImageRefused as exc:
        raise ImageRefused(f"{path.name}: {exc}") from None


@dataclass
class ResolvedStylesheet:
    """Stylesheets made one, with every address resolved, and what they read."""

    css: str  #: the CSS, each address replaced (``data:`` for the page, ``file:`` for the PDF)
    #: every file an address reached, by its resolved path, with the bytes read
    assets: dict[Path, bytes] = field(default_factory=dict)
    #: the ``data:`` addresses written into ``css`` (the page's check allows exactly these)
    data_uris: set[str] = field(default_factory=set)
    #: the CSS as written, and each file by its place on the search path and hash:
    #: the same wherever the workspace is (the PDF's identifier is made from it)
    fingerprint: str = ""


#: The stylesheets resolved in this process, by search path, names, form and limits,
#: each with the reads that made it. A build renders many releases of one organisation;
#: the second reuses the first's result while every lookup it made finds the same file
#: with the same bytes (read and hashed again: cheap beside parsing and resolving), and
#: notes the same reads, so the read log, and with it the approval and the build cache,
#: is what a fresh resolution would record.
_RESOLVED: dict[tuple[Any, ...], tuple[ResolvedStylesheet, ReadLog]] = {}


def resolve_stylesheets(
    env: PresserEnvironment,
    names: Sequence[str],
    *,
    embed: bool,
    limits: Limits = DEFAULT_LIMITS,
) -> ResolvedStylesheet:
    """The stylesheets ``names`` (defaults first, then the organisation's), resolved.

    ``embed``: each file an address reaches becomes a ``data:`` address (the
    page); otherwise its absolute ``file:`` address (the PDF). Raises
    :class:`TemplateProblem` at the stylesheet, line and column of the first
    address that is refused.
    """
    files = env.search_loader.files
    key = (files.folders, tuple(names), embed, limits)
    cached = _RESOLVED.get(key)
    if cached is not None and not files.changed(cached[1]):
        resolved, reads = cached
    else:
        with recording() as reads:
            resolved = _resolve(env, names, embed=embed, limits=limits)
        _RESOLVED[key] = (resolved, reads)
    for lookup, read in reads.reads.items():
        note(lookup, read)
    return resolved


def _resolve(
    env: PresserEnvironment, names: Sequence[str], *, embed: bool, limits: Limits
) -> ResolvedStylesheet:
    import tinycss2  # type: ignore[import-untyped]

    from .templating import read_stylesheets

    resolved = ResolvedStylesheet(css="")
    parts: list[str] = []
    fingerprint = hashlib.sha256()
    for source in read_stylesheets(env, names):
        nodes = tinycss2.parse_stylesheet(source.text, skip_comments=False, skip_whitespace=False)
        _walk(nodes, _Resolver(env, source, embed, limits, resolved))
        parts.append(tinycss2.serialize(nodes))
        fingerprint.update(source.text.encode("utf-8") + b"\0")
    loader = env.search_loader
    for path, data in sorted(resolved.assets.items()):
        place = loader.files.where(path) or ""
        fingerprint.update(f"{place} {hashlib.sha256(data).hexdigest()}\0".encode())
    resolved.css = "\n".join(parts)
    resolved.fingerprint = fingerprint.hexdigest()
    return resolved


def addresses_in(css: str, *, attribute: bool = False) -> list[tuple[Any, str | None]]:
    """Every address in ``css`` (a stylesheet, or with ``attribute`` a CSS-valued attribute).

    Each is ``(token, address)``; the address is None for what cannot be an
    address presser allows at all (``@import``, a substitution inside an
    address, an ill-formed ``url(``), so a caller refuses it.
    """
    import tinycss2

    found: list[tuple[Any, str | None]] = []

    def visit(node: Any, address: str | None) -> Any:
        found.append((node, address))
        return node

    if attribute:
        # Tokens, not declarations: a style attribute and an SVG fill="url(…)" alike.
        nodes = tinycss2.parse_component_value_list(css, skip_comments=False)
    else:
        nodes = tinycss2.parse_stylesheet(css, skip_comments=False, skip_whitespace=False)
    _walk(nodes, visit)
    return found


def is_fragment(address: str) -> bool:
    """Whether ``address`` is a plain in-page reference (``#clip``), which loads nothing."""
    return _FRAGMENT.fullmatch(address) is not None


#: Visits one address: (the token, the address or None when it cannot be one) -> its replacement.
Visit = Callable[[Any, "str | None"], Any]


def _walk(nodes: list[Any], visit: Visit) -> None:
    """Visit every address among ``nodes`` and inside them, replacing each by what visit gives."""
    for index, node in enumerate(nodes):
        nodes[index] = _node(node, visit)


def _node(node: Any, visit: Visit) -> Any:
    kind = node.type
    if kind == "url":
        return visit(node, node.value)
    if kind == "error" and node.kind == "bad-url":
        return visit(node, None)
    if kind == "at-rule":
        if node.lower_at_keyword == "import":
            return visit(node, None)
        _walk(node.prelude, visit)
        if node.content is not None:
            _walk(node.content, visit)
    elif kind == "qualified-rule":
        _walk(node.prelude, visit)
        _walk(node.content, visit)
    elif kind == "declaration":
        _walk(node.value, visit)
    elif kind in ("() block", "[] block", "{} block"):
        _walk(node.content, visit)
    elif kind == "function":
        name = node.lower_name
        if name in _URL_FUNCTIONS:
            args = [a for a in node.arguments if a.type not in ("whitespace", "comment")]
            plain = len(args) == 1 and args[0].type == "string"
            return visit(node, args[0].value if plain else None)
        if name in _IMAGE_SETS:
            for position, argument in enumerate(node.arguments):
                if argument.type == "string":
                    node.arguments[position] = visit(argument, argument.value)
                elif argument.type == "function" and argument.lower_name in _SUBSTITUTIONS:
                    node.arguments[position] = visit(argument, None)
                else:
                    node.arguments[position] = _node(argument, visit)
        else:
            _walk(node.arguments, visit)
    return node


class _Resolver:
    """Resolves the addresses of one stylesheet file against its own folder."""

    def __init__(
        self,
        env: PresserEnvironment,
        source: StylesheetSource,
        embed: bool,
        limits: Limits,
        into: ResolvedStylesheet,
    ) -> None:
        from .templating import display_path

        self.loader = env.search_loader
        self.source = source
        self.embed = embed
        self.limits = limits
        self.into = into
        self.shown = display_path(str(source.path))

    def __call__(self, node: Any, address: str | None) -> Any:
        where = f"{self.shown}:{node.source_line}:{node.source_column}"
        if address is None:
            raise TemplateProblem(f"{where}: {_refusal(node)}")
        if is_fragment(address):
            return node
        shown = f"url({printable(address, 80)[1:-1]})"
        problem = _not_relative(address)
        if problem:
            raise TemplateProblem(
                f"{where}: {shown} {problem}; a stylesheet may use only files beside it, "
                "by a relative address such as url(fonts/house.woff2)"
            )
        relative = unquote(urlsplit(address).path)
        target = self.source.path.parent / relative
        file = posixpath.normpath(posixpath.join(posixpath.dirname(self.shown), relative))
        if "\0" in relative or self.loader.files.where(target) is None:
            raise TemplateProblem(f"{where}: {shown} leads outside the template folders")
        if not target.is_file():
            raise TemplateProblem(f"{where}: {shown}: there is no file {file}")
        size = target.stat().st_size
        if size > self.limits.max_image_bytes:
            raise TemplateProblem(
                f"{where}: {shown}: {file} is larger than {self.limits.max_image_bytes:,} "
                "bytes (max_image_bytes)"
            )
        body = self.loader.read_asset(target)
        try:
            kind = asset_type(target, body, self.limits)
        except ImageRefused as exc:
            raise TemplateProblem(f"{where}: {shown}: {exc}") from None
        resolved = target.resolve()
        self.into.assets[resolved] = body
        if self.embed:
            url = f"data:{kind};base64,{base64.b64encode(body).decode('ascii')}"
            self.into.data_uris.add(url)
        else:
            url = resolved.as_uri()
        return _url_token(node, url)


def _refusal(node: Any) -> str:
    if node.type == "at-rule":
        return "@import is not allowed: a stylesheet is used as it is, importing nothing"
    if node.type == "error":
        return "a url() that is not well-formed (a space or quote inside it?)"
    if node.type == "function" and node.lower_name in _SUBSTITUTIONS:
        return f"{node.name}() inside an address; an address must be written out"
    return f"{node.name}() must hold one address in quotes, written out"


def _not_relative(address: str) -> str | None:
    """Why ``address`` is not a relative address of a file, or None when it is one."""
    if not address.strip():
        return "is empty"
    if any(ch <= " " or ch == "\x7f" or ch == "\\" for ch in address):
        return "has a space, control character or backslash in it"
    parts = urlsplit(address)
    if parts.scheme or parts.netloc or address.startswith("/"):
        return "is not a relative address"
    if ":" in parts.path.split("/", 1)[0]:
        return "is not a relative address (':' before the first '/')"
    if not parts.path:
        return "names no file"
    return None


def _url_token(node: Any, url: str) -> Any:
    from tinycss2.ast import URLToken  # type: ignore[import-untyped]
    from tinycss2.serializer import serialize_url  # type: ignore[import-untyped]

    return URLToken(node.source_line, node.source_column, url, f"url({serialize_url(url)})")
