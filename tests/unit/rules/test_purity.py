"""lms.rules is pure: it imports only the standard library and itself, and never reads a clock."""

import ast
import sys
from pathlib import Path

import pytest

RULES_DIR = Path(__file__).resolve().parents[3] / "lms" / "rules"
MODULES = sorted(RULES_DIR.rglob("*.py"))
ALLOWED_TOP_LEVEL = set(sys.stdlib_module_names) | {"__future__"}
CLOCK_CALLS = {("date", "today"), ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"),
               ("time", "time"), ("time", "monotonic"), ("time", "localtime"), ("time", "gmtime")}


def _imported_modules(tree: ast.Module) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level))
    return found


def _is_allowed(module: str, level: int, path: Path) -> bool:
    if level:
        # a relative import must stay inside lms/rules
        depth_inside = len(path.relative_to(RULES_DIR).parts) - 1
        return level <= depth_inside + 1
    if module == "lms.rules" or module.startswith("lms.rules."):
        return True
    return module.split(".")[0] in ALLOWED_TOP_LEVEL


def test_the_rules_package_has_modules():
    assert RULES_DIR / "__init__.py" in MODULES
    assert len(MODULES) > 5


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_imports_only_stdlib_and_lms_rules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    bad = [module for module, level in _imported_modules(tree) if not _is_allowed(module, level, path)]
    assert bad == [], f"{path.name} imports outside the standard library: {bad}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_has_no_dynamic_imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    attrs = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert "__import__" not in names
    assert "import_module" not in attrs | names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_never_reads_a_clock(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            calls.add((owner_name, node.func.attr))
    assert calls & CLOCK_CALLS == set()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_has_a_docstring_and_every_public_function_too(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{path.name} has no module docstring"
    missing = [
        node.name for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.ClassDef)
        and not node.name.startswith("_") and not ast.get_docstring(node)
    ]
    assert missing == [], f"{path.name}: public names without a docstring: {missing}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_stays_small(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) < 400


def test_the_import_check_catches_a_third_party_import():
    fake = RULES_DIR / "x.py"
    tree = ast.parse("import flask\nfrom sqlalchemy import select\nfrom lms.core import db\nfrom .. import web\n")
    bad = [module for module, level in _imported_modules(tree) if not _is_allowed(module, level, fake)]
    assert bad == ["flask", "sqlalchemy", "lms.core", ""]


def test_the_import_check_accepts_stdlib_and_rules_imports():
    fake = RULES_DIR / "x.py"
    tree = ast.parse("import datetime as dt\nfrom decimal import Decimal\nfrom lms.rules.policy import Policy\n"
                     "from . import vocab\nfrom __future__ import annotations\n")
    assert all(_is_allowed(module, level, fake) for module, level in _imported_modules(tree))
