"""The dependency direction of DESIGN.md holds: markwatch.py / scheduler.py / review → crawler, scoring,
brands → networks → storage; scoring imports nothing of the project; demo stands alone."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = {
    "markwatch",
    "scheduler",
    "settings",
    "storage",
    "networks",
    "brands",
    "scoring",
    "crawler",
    "review",
    "demo",
}
ALLOWED = {
    "settings": set(),
    "storage": {"settings"},
    "scoring": set(),
    "demo": set(),
    # seller networks read stored listings and keep their signals; the one path (brands.queueing) calls them
    "networks": {"settings", "storage"},
    "brands": {"settings", "storage", "scoring", "networks"},
    "crawler": {"settings", "storage", "brands", "scoring", "networks"},
    "review": {"settings", "storage", "brands", "scoring", "networks"},
    "scheduler": {"settings", "storage", "brands", "scoring", "crawler", "review", "networks"},
    "markwatch": PROJECT - {"markwatch"},
}


def project_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & PROJECT


def sources(component: str) -> list[Path]:
    single = ROOT / f"{component}.py"
    return [single] if single.exists() else sorted((ROOT / component).rglob("*.py"))


@pytest.mark.parametrize("component", sorted(ALLOWED))
def test_component_imports_only_what_it_may(component):
    for path in sources(component):
        illegal = project_imports(path) - ALLOWED[component] - {component}
        assert not illegal, f"{path.relative_to(ROOT)} imports {sorted(illegal)}"


@pytest.mark.parametrize("package", ["storage", "networks", "brands", "scoring", "crawler", "review", "demo"])
def test_every_package_says_what_it_owns_and_may_import(package):
    doc = ast.get_docstring(ast.parse((ROOT / package / "__init__.py").read_text(encoding="utf-8")))
    assert doc and "import" in doc.lower()


def package_modules(package: str) -> dict[str, Path]:
    """Every module of a package by dotted name (a package's ``__init__`` under the package's name)."""
    modules = {}
    for path in (ROOT / package).rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def module_imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of ``modules`` that module ``name`` imports, at its top or inside a function.

    ``from pkg import sub`` where ``pkg.sub`` is a module imports the submodule, not ``pkg`` itself."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")[: len(name.split(".")) - node.level + (path.name == "__init__.py")]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            subs = {f"{target}.{alias.name}" for alias in node.names}
            found |= subs & modules.keys()
            if subs - modules.keys():
                found.add(target)
    return (found & modules.keys()) - {name}


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan): each holds an import cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


@pytest.mark.parametrize("package", ["storage", "networks", "brands", "scoring", "crawler", "review", "demo"])
def test_no_import_cycle_inside_a_package(package):
    modules = package_modules(package)
    graph = {name: module_imports(name, path, modules) for name, path in modules.items()}
    assert import_cycles(graph) == []


def test_the_cycle_check_finds_direct_and_longer_cycles():
    graph = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"a"}}
    assert import_cycles(graph) == [["a", "b"], ["c", "d", "e"]]


def test_route_modules_import_services_not_other_routers():
    modules = package_modules("review")
    for name, path in modules.items():
        if name.startswith("review.routes."):
            routers = {m for m in module_imports(name, path, modules) if m.startswith("review.routes")}
            assert not routers, f"{path.relative_to(ROOT)} imports the routers {sorted(routers)}"


def test_every_compiled_module_is_built_from_its_current_source():
    # setup.py compiles scoring/matcher.py and scoring/latin.py with mypyc, and Python imports a compiled
    # module in place of its source: one built before the source last changed would be what runs
    stale = []
    for compiled in (ROOT / "scoring").glob("*.so"):
        source = compiled.with_name(compiled.name.split(".")[0] + ".py")
        if source.exists() and compiled.stat().st_mtime < source.stat().st_mtime:
            stale.append(source.name)
    assert not stale, f"changed after they were compiled (run make install): {stale}"
