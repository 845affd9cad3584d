"""The layout: packages that show the layers, imports that point one way.

``scripts/check_imports.py`` (run by ``make lint``) is the rule; these tests
prove it holds for the repository and that it catches what it is for.
"""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import REPO


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "check_imports", REPO / "scripts/check_imports.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("check_imports", module)
    spec.loader.exec_module(module)
    return module


check_imports = _checker()


def test_presser_s_imports_point_down_the_layers_and_never_in_a_circle() -> None:
    assert list(check_imports.problems()) == []


def _package(root: Path, files: dict[str, str]) -> Path:
    package = root / "presser"
    for name, text in {"__init__.py": "", **files}.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder in {p.parent for p in package.rglob("*.py")}:
        (folder / "__init__.py").touch()
    return package


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"source/model.py": "from ..lint import registry\n", "lint/registry.py": ""},
            "presser.source.model (presser.source, layer 1) imports presser.lint.registry",
        ),
        (
            {
                "render/html.py": "def f():\n    from ..editorial import manifest\n",
                "editorial/manifest.py": "",
            },
            "imports presser.editorial.manifest",
        ),
        (
            {
                "build/run.py": "def f():\n    from . import pool\n",
                "build/pool.py": "from .run import f\n",
            },
            "import cycle among presser.build.pool, presser.build.run",
        ),
        (
            {"__init__.py": "from .source import model\n", "source/model.py": ""},
            "presser/__init__.py imports presser.source.model at import time",
        ),
    ],
    ids=["upward", "upward-inside-a-function", "cycle", "eager-package-init"],
)
def test_the_checker_finds_what_it_is_for(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    found = list(check_imports.problems(_package(tmp_path, files)))
    assert any(expected in line for line in found), found


def test_an_import_only_for_typing_makes_no_cycle(tmp_path: Path) -> None:
    files = {
        "source/limits.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
        "    from .loading import Document\n",
        "source/loading.py": "from .limits import Limits\n",
    }
    assert list(check_imports.problems(_package(tmp_path, files))) == []


def test_the_top_level_holds_only_what_every_layer_shares() -> None:
    modules = sorted(p.stem for p in (REPO / "presser").glob("*.py"))
    assert modules == ["__init__", "__main__", "digest", "docs", "errors", "scaffold", "writing"]


def test_every_subpackage_says_what_it_is_for() -> None:
    for init in sorted((REPO / "presser").glob("*/__init__.py")):
        text = init.read_text(encoding="utf-8")
        assert text.startswith('"""') and len(text.split('"""')[1].splitlines()) >= 3, init


def test_the_packages_listed_in_pyproject_are_the_packages_on_disk() -> None:
    listed = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["packages"]
    on_disk = {
        ".".join(init.parent.relative_to(REPO).parts)
        for init in (REPO / "presser").rglob("__init__.py")
    }
    assert set(listed) - {"presser.default_templates"} == on_disk


def test_there_is_one_did_you_mean() -> None:
    users = sorted(
        str(path.relative_to(REPO))
        for path in (REPO / "presser").rglob("*.py")
        if "get_close_matches" in path.read_text(encoding="utf-8")
    )
    assert users == ["presser/errors.py"]


def _exceptions() -> list[tuple[str, str, type[BaseException]]]:
    """Every exception class presser defines: (module, name, class)."""
    import inspect
    import pkgutil

    import presser

    found = []
    for info in pkgutil.walk_packages(presser.__path__, "presser."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == module.__name__
            ):
                found.append((info.name, name, value))
    return found


def test_every_exception_presser_defines_descends_from_the_one_base() -> None:
    from presser.errors import PresserError

    # The two that stand apart on purpose (see presser/errors.py).
    apart = {"_Expired", "OutputTooLarge"}
    strays = [
        f"{module}.{name}"
        for module, name, value in _exceptions()
        if not issubclass(value, PresserError) and name not in apart
    ]
    assert strays == []


def test_the_exception_tree_in_errors_names_every_presser_error() -> None:
    from presser.errors import PresserError

    tree = (REPO / "presser" / "errors.py").read_text(encoding="utf-8").split('"""')[1]
    missing = [
        name
        for _, name, value in _exceptions()
        if issubclass(value, PresserError) and not name.startswith("_") and name not in tree
    ]
    assert missing == []
