"""presser: press releases as YAML, validated and rendered to HTML, PDF and newswire text.

The functions a program calls (each imported when first used, so that
``import presser`` stays cheap for the command line)::

    import presser
    from presser.source.workspace import find_workspace
    from presser.render.pipeline import RenderOptions

    workspace = find_workspace()
    valid, problems = presser.validate_files([path], workspace)
    loaded = presser.load_release(path, workspace)
    presser.render_release(loaded, workspace.root / "build", RenderOptions())

``load_release`` and ``validate_files`` read as every command does, a
published release checked against what went out. The layers below are
described in ``docs/architecture.md``.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "load_release", "render_release", "validate_files"]

#: Each public function, by the module that holds it.
_PUBLIC = {
    "load_release": "presser.editorial.reading",
    "validate_files": "presser.editorial.reading",
    "render_release": "presser.render.pipeline",
}


def __getattr__(name: str) -> Any:
    # PEP 562: the public functions are imported on first use.
    if name in _PUBLIC:
        import importlib

        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'presser' has no attribute {name!r}")
