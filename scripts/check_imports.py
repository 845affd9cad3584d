"""Check that presser's imports point one way: down the layers, and never in a circle.

Run by ``make lint``. The layers, from the bottom (each may import those below
it and modules of its own package, never one above):

    0  presser.errors, presser.digest, presser.writing   what every layer shares
    1  presser.source      reading and checking input
    2  presser.render      from a valid release to bytes
    3  presser.lint        the house style
    4  presser.editorial   workflow, publishing, manifests, status
    5  presser.build       many releases at once; presser.docs, presser.scaffold
    6  presser.cli         the commands
    7  presser.__main__

Imports under ``if TYPE_CHECKING:`` count for the layers but not for cycles
(they never run). ``presser/__init__.py`` may import only inside functions (its
public functions are imported when first used), so ``from presser import
__version__`` anywhere is safe. Exit 1 with one line per import that breaks a
rule, as ``path:line: message``.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "presser"
LAYERS = {
    "presser.errors": 0,
    "presser.digest": 0,
    "presser.writing": 0,
    "presser.source": 1,
    "presser.render": 2,
    "presser.lint": 3,
    "presser.editorial": 4,
    "presser.build": 5,
    "presser.distribution": 5,
    "presser.docs": 5,
    "presser.scaffold": 5,
    "presser.preview": 5,
    "presser.site": 5,
    "presser.cli": 6,
    "presser.__main__": 7,
}


def module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> tuple[str, int] | None:
    """The layer's package and rank of a module, or None for the package's own __init__."""
    for prefix in sorted(LAYERS, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return prefix, LAYERS[prefix]
    return None


def is_module(name: str, package: Path) -> bool:
    base = package.parent / name.replace(".", "/")
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


class Imports(ast.NodeVisitor):
    """Every presser module a file imports: (line, module, only for typing, at module level)."""

    def __init__(self, module: str, is_package: bool, package: Path) -> None:
        self.module, self.is_package, self.package = module, is_package, package
        self.found: list[tuple[int, str, bool, bool]] = []
        self._typing = 0
        self._depth = 0

    def visit_If(self, node: ast.If) -> None:
        typing_only = isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
        self._typing += typing_only
        for child in node.body:
            self.visit(child)
        self._typing -= typing_only
        for child in node.orelse:
            self.visit(child)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._depth += 1
        self.generic_visit(node)
        self._depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def _add(self, line: int, target: str) -> None:
        self.found.append((line, target, self._typing > 0, self._depth == 0))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] == "presser":
                self._add(node.lineno, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.module.split(".")
            if not self.is_package:
                base.pop()
            base = base[: len(base) - node.level + 1]
            target = ".".join([*base, *([node.module] if node.module else [])])
        else:
            target = node.module or ""
        if target.split(".")[0] != "presser":
            return
        for alias in node.names:
            candidate = f"{target}.{alias.name}"
            self._add(node.lineno, candidate if is_module(candidate, self.package) else target)


def problems(package: Path = PACKAGE) -> Iterator[str]:
    """Every import of ``package`` (presser's folder) that breaks a rule, one line each."""
    graph: dict[str, set[str]] = {}
    where: dict[tuple[str, str], str] = {}
    for path in sorted(package.rglob("*.py")):
        module = module_name(path, package)
        visitor = Imports(module, path.name == "__init__.py", package)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        shown = path.relative_to(package.parent)
        graph.setdefault(module, set())
        for line, target, typing_only, top_level in visitor.found:
            if target == module:
                continue
            if module == "presser":
                if top_level and not typing_only:
                    yield f"{shown}:{line}: presser/__init__.py imports {target} at import time"
                continue
            if target == "presser":
                continue  # the version, and the public functions, imported when used
            mine, theirs = layer_of(module), layer_of(target)
            assert mine is not None and theirs is not None, (module, target)
            # Within a layer only its own package, but the shared modules use each other.
            other_package = theirs[0] != mine[0] and mine[1] != 0
            if theirs[1] > mine[1] or (theirs[1] == mine[1] and other_package):
                yield (
                    f"{shown}:{line}: {module} ({mine[0]}, layer {mine[1]}) imports {target}"
                    f" ({theirs[0]}, layer {theirs[1]}): imports point down the layers"
                )
            if not typing_only:
                graph[module].add(target)
                where.setdefault((module, target), f"{shown}:{line}")
    yield from _cycles(graph, where)


def _cycles(graph: dict[str, set[str]], where: dict[tuple[str, str], str]) -> Iterator[str]:
    """One line per import cycle (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    for component in sorted(components):
        members = set(component)
        edges = sorted(
            f"{where[(a, b)]} ({a} -> {b})" for a in component for b in graph[a] if b in members
        )
        yield f"import cycle among {', '.join(component)}: " + "; ".join(edges)


def main() -> int:
    found = list(problems())
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
