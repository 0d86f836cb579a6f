"""The dependency direction of DESIGN.md holds: markwatch.py / scheduler.py / review → crawler, scoring,
brands → storage; scoring imports nothing of the project; demo stands alone."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = {"markwatch", "scheduler", "settings", "storage", "brands", "scoring", "crawler", "review", "demo"}
ALLOWED = {
    "settings": set(),
    "storage": {"settings"},
    "scoring": set(),
    "demo": set(),
    "brands": {"settings", "storage", "scoring"},
    "crawler": {"settings", "storage", "brands", "scoring"},
    "review": {"settings", "storage", "brands", "scoring"},
    "scheduler": {"settings", "storage", "brands", "scoring", "crawler", "review"},
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


@pytest.mark.parametrize("package", ["storage", "brands", "scoring", "crawler", "review", "demo"])
def test_every_package_says_what_it_owns_and_may_import(package):
    doc = ast.get_docstring(ast.parse((ROOT / package / "__init__.py").read_text(encoding="utf-8")))
    assert doc and "import" in doc.lower()
