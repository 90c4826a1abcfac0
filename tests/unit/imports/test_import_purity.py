"""The parsing primitives stay pure: no web or database imports (a CLI and benchmarks use them)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import lms

PACKAGE = Path(lms.__file__).parent
MODULES = [
    "imports/cells.py",
    "imports/files.py",
    "imports/headers.py",
    "imports/workbook_guard.py",
    "learners/idnumbers.py",
    "core/privacy.py",
]
FORBIDDEN = {"flask", "flask_sqlalchemy", "sqlalchemy", "werkzeug", "wtforms"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("module", MODULES)
def test_parsing_modules_import_no_web_or_database_code(module):
    assert not imported_roots(PACKAGE / module) & FORBIDDEN
