"""WeasyPrint's C libraries found without starting a program (presser/render/libraries.py)."""

from __future__ import annotations

import ast
import ctypes.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from presser.render import libraries
from presser.render.libraries import find_library, library_lookup

from .conftest import REPO

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="ld.so.cache is Linux's")

#: Run in a fresh interpreter: the program starts it sees, classified as the
#: adversarial guard does (its EXEC_EVENTS and every ``os.exec*``), as JSON.
WATCH_PROGRAMS = """
import json, sys
from tests.adversarial.guards import EXEC_EVENTS

started = []

def record(event, args):
    if event in EXEC_EVENTS or event.startswith("os.exec"):
        started.append(f"{event} {args[:2]!r}")

sys.addaudithook(record)
"""


def run_watched(code: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """``code`` in a fresh interpreter after :data:`WATCH_PROGRAMS`; and the programs it started."""
    script = WATCH_PROGRAMS + textwrap.dedent(code) + '\nprint("STARTED " + json.dumps(started))\n'
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    reports = [line for line in done.stdout.splitlines() if line.startswith("STARTED ")]
    assert reports, done.stdout + done.stderr
    return done, json.loads(reports[-1].removeprefix("STARTED "))


@linux_only
@pytest.mark.parametrize("name", ["gobject-2.0", "pango-1.0", "harfbuzz", "fontconfig", "cairo"])
def test_it_finds_what_ctypes_finds(name: str) -> None:
    standard = ctypes.util.find_library(name)
    assert standard is not None, f"lib{name} is not installed"
    assert find_library(name) == standard


@linux_only
def test_a_library_that_does_not_exist_is_not_found() -> None:
    assert find_library("presser-no-such-library") is None
    assert find_library("gobject-2.0-0") is None  # a Windows name WeasyPrint tries first


def test_the_standard_lookup_is_back_after_the_block() -> None:
    standard = ctypes.util.find_library
    with library_lookup():
        assert ctypes.util.find_library is find_library
    assert ctypes.util.find_library is standard
    with pytest.raises(RuntimeError), library_lookup():
        raise RuntimeError("inside")
    assert ctypes.util.find_library is standard


@linux_only
def test_without_a_cache_the_folders_of_ld_so_conf_are_searched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, names in [
        (first, ["libother.so.1"]),
        (second, ["libdemo.so", "libdemo.so.2.4.1", "libdemo.so.2", "libdemonic.so.1"]),
    ]:
        folder.mkdir()
        for name in names:
            (folder / name).touch()
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf.d" / "demo.conf").write_text(f"# the demo\n{second}\n", encoding="utf-8")
    conf = tmp_path / "ld.so.conf"
    conf.write_text(f"{first}\ninclude conf.d/*.conf\ninclude {conf}\n", encoding="utf-8")
    monkeypatch.setattr(libraries, "LD_SO_CACHE", tmp_path / "no-cache")
    monkeypatch.setattr(libraries, "LD_SO_CONF", conf)
    monkeypatch.setattr(libraries, "STANDARD_FOLDERS", ())
    monkeypatch.delenv("LD_LIBRARY_PATH", raising=False)
    libraries._cached_sonames.cache_clear()
    libraries._folder_listings.cache_clear()
    try:
        assert find_library("demo") == str(second / "libdemo.so.2")
        assert find_library("other") == str(first / "libother.so.1")
        assert find_library("dem") is None
    finally:
        libraries._cached_sonames.cache_clear()
        libraries._folder_listings.cache_clear()


def test_an_unreadable_cache_is_no_cache() -> None:
    assert libraries.parse_cache(b"") is None
    assert libraries.parse_cache(b"glibc-ld.so.cache1.0" + bytes(40)) is None
    truncated = b"glibc-ld.so.cache1.1" + (5).to_bytes(4, sys.byteorder) + bytes(24)
    assert libraries.parse_cache(truncated) is None


@linux_only
def test_the_lookup_itself_is_seen_starting_programs() -> None:
    # The watch works: the standard lookup of a missing name starts ldconfig and more.
    _, started = run_watched("import ctypes.util; ctypes.util.find_library('presser-none')")
    assert any("ldconfig" in s for s in started), started


def test_importing_weasyprint_in_the_block_starts_no_program() -> None:
    done, started = run_watched(
        """
        from presser.render.libraries import library_lookup
        with library_lookup():
            import weasyprint.text.fonts
        """
    )
    assert done.returncode == 0, done.stderr
    assert started == []


@linux_only
def test_a_missing_pango_still_gets_weasyprint_s_own_message(tmp_path: Path) -> None:
    # Pango hidden from the lookup (no cache, no folders) and from the dynamic
    # linker (a load of any pango name is sent to an empty folder instead).
    empty = tmp_path / "empty"
    empty.mkdir()
    done, started = run_watched(
        f"""
        import os
        from pathlib import Path

        import _cffi_backend

        from presser.render import libraries

        libraries.LD_SO_CACHE = libraries.LD_SO_CONF = Path({str(empty / "none")!r})
        libraries.STANDARD_FOLDERS = ()
        os.environ.pop("LD_LIBRARY_PATH", None)
        load_library = _cffi_backend.load_library

        def without_pango(name, *flags):
            if isinstance(name, str) and "pango" in os.path.basename(name):
                name = os.path.join({str(empty)!r}, os.path.basename(name))
            return load_library(name, *flags)

        _cffi_backend.load_library = without_pango
        try:
            with libraries.library_lookup():
                import weasyprint
        except OSError as exc:
            print("RAISED", exc)
        """
    )
    raised = [line for line in done.stdout.splitlines() if line.startswith("RAISED ")]
    assert raised, done.stdout + done.stderr
    assert "WeasyPrint could not import some external libraries" in done.stdout
    assert "cannot load library" in raised[0]
    assert "locate a library called 'libpango-1.0-0'" in raised[0]
    assert started == []


def _is_weasyprint(name: object) -> bool:
    return isinstance(name, str) and (name == "weasyprint" or name.startswith("weasyprint."))


def _weasyprint_imports(tree: ast.AST) -> list[ast.stmt | ast.expr]:
    """The imports of WeasyPrint in a module, and its ``import_module`` calls that may be one."""
    # A module named at run time (the build workers' warm-up) may be WeasyPrint
    # when the file names it anywhere.
    named = any(isinstance(n, ast.Constant) and _is_weasyprint(n.value) for n in ast.walk(tree))
    found: list[ast.stmt | ast.expr] = []
    for node in ast.walk(tree):
        imported: list[object]
        if isinstance(node, ast.Import):
            imported = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            imported = [node.module]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
            argument = node.args[0] if node.args else None
            if isinstance(argument, ast.Constant):
                imported = [argument.value]
            else:
                imported = ["weasyprint" if named else None]
        else:
            continue
        if any(map(_is_weasyprint, imported)):
            found.append(node)
    return found


def _guarding(node: ast.AST) -> bool:
    if isinstance(node, ast.With):
        return any(ast.unparse(item.context_expr) == "library_lookup()" for item in node.items)
    # Imports for type checking only never run.
    return isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"


def test_every_import_of_weasyprint_in_presser_is_in_the_block() -> None:
    unguarded = []
    for path in sorted((REPO / "presser").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in _weasyprint_imports(tree):
            at: ast.AST = node
            while at in parents and not _guarding(at):
                at = parents[at]
            if not _guarding(at):
                unguarded.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert unguarded == []
