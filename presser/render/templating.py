"""The Jinja environment that renders an organisation's templates.

Templates are looked up along the organisation's search path
(:meth:`Workspace.template_search_path`): a plain name such as
``release.html.j2`` is found in the organisation's folder first and then in
the defaults; ``default:release.html.j2`` looks only in the defaults
(the workspace's ``templates/_default``, then the packaged one), so an
organisation's template can ``{% extends "default:release.html.j2" %}`` and
replace a single block.

Templates are sandboxed: they see only the values presser passes in (the
render context of :mod:`presser.render.context`), may not reach Python internals or
call methods, and any mistake (syntax, unsafe access, an undefined name)
becomes a :class:`TemplateProblem` naming the template file and line.
Template names come from presser, never from release data.
"""

from __future__ import annotations

import contextvars
import functools
import traceback
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from jinja2 import (
    BaseLoader,
    Environment,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
)
from jinja2.exceptions import SecurityError
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ..digest import Read, TemplateFiles, note, sha256_hex
from ..errors import TemplateProblem
from ..source.limits import DEFAULT_LIMITS, human_bytes

DEFAULT_PREFIX = "default:"

#: Errors that, raised while a template renders, are the template's fault.
_TEMPLATE_FAULTS = (
    TemplateError,
    TypeError,
    ValueError,
    LookupError,
    AttributeError,
    ArithmeticError,
    # A macro that calls itself, or a value too big for memory: still the template's fault.
    RecursionError,
    MemoryError,
)

#: The largest string or list a template may make with ``*`` (items or characters).
MAX_TEMPLATE_VALUE = 1_000_000
#: The largest whole number a template may make with ``**`` (bits).
MAX_TEMPLATE_BITS = 10_000

#: The output limit of the render under way, in bytes (see :func:`render_template`).
_output_limit: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "presser_output_limit", default=None
)


class OutputTooLarge(TemplateError):
    """A template made more output than ``max_output_bytes``; raised as it is made."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"the template's output would be larger than {human_bytes(limit)} (max_output_bytes)"
        )


def _utf8_size(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


class SearchPathLoader(BaseLoader):
    """Loads templates from an organisation's folder, then from the default folders.

    Names with ``..`` are refused (Jinja's own rule), and so is a file that a
    symbolic link leads out of its folder, before it is opened. Every lookup is
    noted in the read log of the render under way (:mod:`presser.digest`):
    the file it found, by its place on the search path, and its bytes' hash, or
    that it found nothing; a template served from Jinja's cache is noted again
    each time Jinja checks it is still up to date, so each render's log holds
    exactly what that render used.
    """

    def __init__(self, organisation: Path, defaults: Sequence[Path]) -> None:
        self.organisation = organisation
        self.defaults = tuple(defaults)
        self.folders = (organisation, *self.defaults)
        self.files = TemplateFiles(self.folders)

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        found = self._read("template:" + template)
        if found is None:
            raise TemplateNotFound(template)
        source, path, read = found
        mtime = path.stat().st_mtime_ns

        def uptodate() -> bool:
            try:
                fresh = path.stat().st_mtime_ns == mtime
            except OSError:
                return False
            if fresh:
                note("template:" + template, read)
            return fresh

        return source, str(path), uptodate

    def own_source(self, environment: Environment, name: str) -> str | None:
        """The organisation's own file ``name``, or None when it has none."""
        found = self._read("own:" + name)
        return None if found is None else found[0]

    def default_source(self, environment: Environment, name: str) -> str | None:
        """The first default folder's file ``name``, or None when no default has it."""
        found = self._read("defaults:" + name)
        return None if found is None else found[0]

    def read_asset(self, path: Path) -> bytes:
        """The bytes of a file inside the template folders (a stylesheet's ``url()``), noted.

        Raises :class:`TemplateNotFound` for a path outside every template folder
        (links resolved first) and :class:`TemplateProblem` when it cannot be read.
        """
        where = self.files.where(path)
        if where is None:
            raise TemplateNotFound(str(path))
        data = self._bytes(path)
        note("asset:" + where, Read(where, sha256_hex(data)))
        return data

    def list_templates(self) -> list[str]:
        names: set[str] = set()
        for index, folder in enumerate(self.folders):
            for file in folder.rglob("*"):
                if file.is_file():
                    name = file.relative_to(folder).as_posix()
                    names.add(name)
                    if index > 0:
                        names.add(DEFAULT_PREFIX + name)
        return sorted(names)

    def _read(self, key: str) -> tuple[str, Path, Read] | None:
        name = TemplateFiles.name_of(key)
        try:
            path = self.files.locate(self.files.folders_for(key), name)
        except LookupError:
            raise TemplateNotFound(name) from None
        if path is None:
            note(key, Read(None, None))
            return None
        data = self._bytes(path)
        read = Read(self.files.where(path), sha256_hex(data))
        note(key, read)
        try:
            return data.decode("utf-8"), path, read
        except UnicodeDecodeError as exc:
            raise TemplateProblem(
                f"{display_path(str(path))}: not UTF-8 text (byte {exc.start + 1})"
            ) from None

    @staticmethod
    def _bytes(path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as exc:
            raise TemplateProblem(
                f"{display_path(str(path))}: cannot be read ({exc.strerror or exc})"
            ) from None


class PresserEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, stricter: templates read attributes but never call methods.

    Every value a template needs is already in the render context, so a
    method call can only be a way around it: ``'{}'.format`` (which Jinja's
    sandbox would otherwise allow in a safe form) and bound methods of the
    context objects are refused as unsafe. Jinja's own loop helpers stay usable.
    """

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, LoopContext):
            return True
        return not (callable(value) and not isinstance(value, type))

    # Operators that can make a huge value from a short template are checked first.
    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Filters whose output size the template chooses are bounded like the operators;
        # printf formatting is refused as '%' is.
        self.filters["format"] = _refused_format
        for name in ("center", "indent", "replace"):
            self.filters[name] = _bounded(name, self.filters[name])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                sized = isinstance(sequence, str | list | tuple) and isinstance(count, int)
                if sized and len(sequence) * count > MAX_TEMPLATE_VALUE:
                    raise SecurityError(
                        f"'*' would make a value of {len(sequence) * count:,} items; "
                        f"templates may make at most {MAX_TEMPLATE_VALUE:,}"
                    )
        elif operator == "**":
            whole = isinstance(left, int) and isinstance(right, int)
            if whole and right > 0 and right * max(1, abs(left).bit_length()) > MAX_TEMPLATE_BITS:
                raise SecurityError("'**' would make a number too large for a template")
        elif operator == "%" and isinstance(left, str):
            # printf formatting ("%999999999s") can make huge strings, and every value
            # a template shows is already prepared in the render context.
            raise SecurityError("'%' formatting of text is not allowed in templates")
        return super().call_binop(context, operator, left, right)

    def concat(self, pieces: Iterable[str]) -> str:
        """Join output a template holds back (a macro's, a ``{% set %}`` block's), within the limit.

        Jinja joins such output with the environment's ``concat`` before it is
        used, so this sees it all before the joined text exists; the page itself
        is counted as it is made, by :func:`render_template`.
        """
        limit = _output_limit.get()
        if limit is None:
            return "".join(pieces)
        kept: list[str] = []
        size = 0
        for piece in pieces:
            size += _utf8_size(piece)
            if size > limit:
                raise OutputTooLarge(limit)
            kept.append(piece)
        return "".join(kept)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        # Returning None sends str.format through is_safe_attribute, which refuses it.
        return None

    @property
    def search_loader(self) -> SearchPathLoader:
        """The loader, typed."""
        loader = self.loader
        assert isinstance(loader, SearchPathLoader)
        return loader


def _refused_format(*args: Any, **kwargs: Any) -> str:
    raise SecurityError("the format filter is not allowed in templates")


def _bounded(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` (a filter), refused before it would make more than MAX_TEMPLATE_VALUE."""

    @functools.wraps(function)  # keeps Jinja's pass_eval_context marker
    def bounded(*args: Any, **kwargs: Any) -> Any:
        values = [*args, *kwargs.values()]
        too_big = any(isinstance(v, int) and v > MAX_TEMPLATE_VALUE for v in values)
        if name == "replace":
            text = [v for v in values if isinstance(v, str)]
            if len(text) >= 3:
                subject, old, new = text[:3]
                grows = (subject.count(old) if old else len(subject) + 1) * len(new)
                too_big = too_big or len(subject) + grows > MAX_TEMPLATE_VALUE
        if too_big:
            raise SecurityError(
                f"the {name} filter would make a value larger than templates may "
                f"({MAX_TEMPLATE_VALUE:,} characters)"
            )
        return function(*args, **kwargs)

    return bounded


def environment(search_path: Sequence[Path], *, autoescape: bool = True) -> PresserEnvironment:
    """The environment over an organisation's search path, HTML-escaping by default.

    ``search_path`` is what :meth:`Workspace.template_search_path` gives: the
    organisation's folder first, then the default folders. Environments are
    cached per search path, so each template compiles once per process.
    """
    if not search_path:
        raise TemplateProblem("no template folders to look in")
    return _environment(tuple(search_path), autoescape)


@functools.lru_cache(maxsize=64)
def _environment(folders: tuple[Path, ...], autoescape: bool) -> PresserEnvironment:
    organisation, *defaults = folders
    return PresserEnvironment(
        loader=SearchPathLoader(organisation, defaults),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def display_path(filename: str | None) -> str:
    """A template file as messages show it: ``templates/skl/release.html.j2``.

    The folder that holds the template folder is the natural anchor: a
    workspace's ``templates/<slug>`` or the package's ``default_templates``.
    """
    if not filename:
        return "<template>"
    path = Path(filename)
    try:
        return path.relative_to(path.parent.parent.parent).as_posix()
    except ValueError:  # pragma: no cover - a path always lies under its grandparent
        return str(path)


def _template_frame(exc: BaseException, env: PresserEnvironment) -> tuple[str | None, int]:
    """The innermost template file and line in a rendering traceback.

    Jinja rewrites the traceback so that template code shows as frames of the
    template file itself, at the template's line.
    """
    roots = tuple(f.resolve() for f in env.search_loader.folders)
    found: tuple[str | None, int] = (None, 0)
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if path.suffix != ".py" and any(path.resolve().is_relative_to(r) for r in roots):
            found = (frame.filename, frame.lineno or 0)
    return found


def _problem(exc: BaseException, env: PresserEnvironment, name: str) -> TemplateProblem:
    if isinstance(exc, TemplateSyntaxError):
        where = f"{display_path(exc.filename)}:{exc.lineno}"
        return TemplateProblem(f"{where}: {exc.message}")
    filename, line = _template_frame(exc, env)
    where = f"{display_path(filename)}:{line}" if filename else name
    if isinstance(exc, TemplateNotFound):
        # Raised by {% include %}/{% extends %} while rendering: say which template asked.
        folders = ", ".join(str(f) for f in env.search_loader.folders)
        found = f"{where}: " if filename else ""
        return TemplateProblem(f"{found}template {exc.name!r} not found (looked in {folders})")
    if isinstance(exc, RecursionError):
        message = "the template calls itself without end (a macro or include loop)"
    elif isinstance(exc, MemoryError):
        message = "the template made a value too large for memory"
    else:
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return TemplateProblem(f"{where}: {message}")


def render_template(
    env: PresserEnvironment,
    name: str,
    *,
    output_limit: int = DEFAULT_LIMITS.max_output_bytes,
    **variables: Any,
) -> str:
    """Render template ``name`` with ``variables``; any template mistake is a TemplateProblem.

    The output is counted as the template makes it and refused once it passes
    ``output_limit`` bytes (``max_output_bytes``), so a runaway loop stops there
    instead of filling memory until the time limit.
    """
    token = _output_limit.set(output_limit)
    try:
        template = env.get_template(name)
        chunks: list[str] = []
        size = 0
        stream = cast(Generator[str, None, None], template.generate(**variables))
        try:
            for chunk in stream:
                size += _utf8_size(chunk)
                if size > output_limit:
                    shown = display_path(template.filename)
                    raise TemplateProblem(f"{shown}: {OutputTooLarge(output_limit).message}")
                chunks.append(chunk)
        finally:
            stream.close()
        return "".join(chunks)
    except _TEMPLATE_FAULTS as exc:
        raise _problem(exc, env, name) from exc
    finally:
        _output_limit.reset(token)


@dataclass(frozen=True)
class StylesheetSource:
    """One stylesheet file as read: its text, and the file, whose folder its ``url()``s start in."""

    text: str
    path: Path


def read_stylesheet(env: PresserEnvironment, name: str) -> list[StylesheetSource]:
    """The default's stylesheet ``name``, then the organisation's own, if it has one."""
    return read_stylesheets(env, (name,))


def read_stylesheets(env: PresserEnvironment, names: Sequence[str]) -> list[StylesheetSource]:
    """Several stylesheets in the order they apply: every default first, then the organisation's.

    So an organisation's file overrides any default rule of equal specificity,
    whichever default file that rule came from. Each is read (and noted in the
    read log) as the loader's ``default_source`` and ``own_source`` read it,
    and comes with the file it was read from, so its addresses resolve beside it
    (see :mod:`presser.render.stylesheets`).
    """
    loader = env.search_loader
    try:
        # The loader's own lookups, which also give the file each text came from.
        defaults = [loader._read("defaults:" + name) for name in names]
        own = [loader._read("own:" + name) for name in names]
        for name, default, mine in zip(names, defaults, own, strict=True):
            if default is None and mine is None:
                raise TemplateNotFound(name)
    except TemplateNotFound as exc:
        raise _problem(exc, env, ", ".join(names)) from exc
    return [StylesheetSource(found[0], found[1]) for found in (*defaults, *own) if found]
