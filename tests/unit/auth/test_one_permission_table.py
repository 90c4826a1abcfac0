"""Who may do what is decided in one table, lms/auth/permissions.py: no other module lists roles or asks the
logged-in user's role (pages use `@requires`, templates `can(…)`, importers their `capability`)."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import lms
from lms.auth.models import ROLES

PACKAGE = Path(lms.__file__).parent
TEMPLATES = PACKAGE.parent / "templates"
# Where role names may be listed: the roles themselves, and the table.
ROLE_MODULES = {"auth/models.py", "auth/permissions.py"}
# Where the logged-in user's role may be read: the home page picks its panel by role (what a role sees first,
# not what it may do).
ROLE_READERS = {"home/views.py"}
TEMPLATE_ROLE = re.compile(r"current_user\.role\b(?!_)|\.role\s+(?:==|!=|in\b|not\s+in\b)")
ROLE_NAMES = "|".join(ROLES)
TEMPLATE_ROLE_TUPLE = re.compile(rf"[(\[]\s*[\"']({ROLE_NAMES})[\"']\s*[,)\]]")


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _is_role_list(node) -> bool:
    return (isinstance(node, (ast.Tuple, ast.List, ast.Set)) and node.elts
            and all(isinstance(e, ast.Constant) and e.value in ROLES for e in node.elts))


def test_no_module_but_the_table_lists_roles():
    found = [f"{name}:{node.lineno}" for name, tree in _modules() if name not in ROLE_MODULES
             for node in ast.walk(tree) if _is_role_list(node)]
    assert not found, f"role tuples outside lms/auth/permissions.py: {found}"


def test_no_view_decides_by_the_users_role():
    found = [f"{name}:{node.lineno}" for name, tree in _modules() if name not in ROLE_READERS
             for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr == "role"
             and isinstance(node.value, ast.Name) and node.value.id == "current_user"]
    assert not found, f"current_user.role outside the table (use can(…)): {found}"


def test_pages_are_guarded_by_capabilities_only():
    found = [f"{name}:{node.lineno}" for name, tree in _modules() for node in ast.walk(tree)
             if isinstance(node, ast.Name) and node.id in ("roles_required", "any_role")]
    assert not found, f"role decorators (use @requires(capability)): {found}"


def test_no_template_decides_by_role():
    found = [f"{path.relative_to(TEMPLATES)}:{text[:match.start()].count(chr(10)) + 1}"
             for path in sorted(TEMPLATES.rglob("*.html")) for text in [path.read_text(encoding="utf-8")]
             for pattern in (TEMPLATE_ROLE, TEMPLATE_ROLE_TUPLE) for match in pattern.finditer(text)]
    assert not found, f"role checks in templates (use can(…)): {found}"
