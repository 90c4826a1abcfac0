"""Every domain is built from the same kit, so a reader knows where to look (docs/DEVELOPING.md, "The kit").

lms/<domain>/ holds models.py, forms.py, queries.py, and for each of views, services and importers either one
module or — once the domain outgrows a file — a package of that name: views/__init__.py holds the blueprint named
after the domain, views/<module>.py one blueprint named after the module; services/ and importers/ likewise.
These tests fail when a new file or function strays from the kit.
"""
from __future__ import annotations

import ast
import inspect
import sys
from pathlib import Path

from lms.imports.pipeline import Importer
from lms.imports.registry import importer_classes

ROOT = Path(__file__).resolve().parents[2]
LMS = ROOT / "lms"
KIT = ("views", "services", "importers")

# Modules that write but are not a domain's services: the request/transaction machinery and the summaries
# (lms/summaries.py owns them; tests/functional/test_summaries.py checks only it calls their writers).
NOT_DOMAIN_SERVICES = {
    "lms/summaries.py": "the one keeper of summary tables",
    "lms/teaching/hours.py": "learner_hours summary, written only through lms/summaries.py",
    "lms/reports/standings.py": "R4 standings summary, written only through lms/summaries.py",
    "lms/reports/tallies.py": "learner tallies summary, written only through lms/summaries.py",
    "lms/imports/pipeline.py": "the import machinery: audits each import it runs",
    "lms/backup/archive.py": "backup and restore of the whole database (a CLI, no domain)",
}
WRITE_METHODS = {"add", "add_all", "flush", "delete", "merge"}
WRITE_FUNCTIONS = {"record", "bulk_insert", "insert", "update", "delete", "record_save"}


def _module_path(name: str) -> str:
    return str(Path(sys.modules[name].__file__).relative_to(ROOT))


def _kit_part(path: str) -> str | None:
    """'views', 'services' or 'importers' when the file is (in) that part of its domain, else None."""
    parts = Path(path).parts            # ("lms", domain, "views.py") or ("lms", domain, "views", "x.py")
    if len(parts) >= 3 and parts[0] == "lms":
        name = parts[2].removesuffix(".py")
        return name if name in KIT else None
    return None


def test_no_file_spells_a_kit_part_another_way():
    strays = [str(path.relative_to(ROOT)) for path in LMS.rglob("*.py")
              if any(part in path.stem and path.stem != part for part in KIT)]
    assert strays == [], "use views/, services/, importers/ packages instead of *_views.py, hour_importers.py …"


def test_every_blueprint_is_named_after_its_package_or_module(app):
    ours = [blueprint for blueprint in app.blueprints.values() if blueprint.import_name.startswith("lms.")]
    wrong = []
    for blueprint in ours:
        parts = blueprint.import_name.split(".")       # lms.<domain>.views or lms.<domain>.views.<module>
        expected = {3: parts[1], 4: parts[-1]}.get(len(parts)) if parts[2:3] == ["views"] else None
        if blueprint.name != expected:
            wrong.append(f"{blueprint.name} in {blueprint.import_name}")
    assert len(ours) >= 20 and wrong == []


def test_every_view_function_lives_in_its_domains_views(app):
    modules = {endpoint: inspect.unwrap(view).__module__ for endpoint, view in app.view_functions.items()}
    wrong = sorted(f"{endpoint} → {module}" for endpoint, module in modules.items()
                   if module.startswith("lms") and module.split(".")[2:3] != ["views"])
    assert len(modules) > 100
    assert wrong == []


def test_every_import_kind_lives_in_its_domains_importers():
    classes = importer_classes()
    wrong = [f"{kind}: {cls.__module__}" for kind, cls in classes.items()
             if not issubclass(cls, Importer) or _kit_part(_module_path(cls.__module__)) != "importers"]
    assert len(classes) >= 12 and wrong == []


def _writes(function: ast.FunctionDef) -> str | None:
    for node in ast.walk(function):
        if not isinstance(node, ast.Call):
            continue
        called = node.func
        if isinstance(called, ast.Attribute) and called.attr in WRITE_METHODS and "session" in ast.unparse(called.value):
            return ast.unparse(called)
        if isinstance(called, ast.Name) and called.id in WRITE_FUNCTIONS:
            return called.id
        if isinstance(called, ast.Attribute) and called.attr == "execute" and node.args:
            statement = ast.unparse(node.args[0])
            if statement.startswith(("insert(", "update(", "delete(")):
                return f"execute({statement[:20]}…)"
    return None


def test_public_functions_that_write_live_in_services_or_importers():
    """A domain's writes (rows added, flushed, updated, deleted, or audited) are its services' public functions."""
    strays = []
    for path in sorted(LMS.glob("*/**/*.py")):
        relative = str(path.relative_to(ROOT))
        if relative.startswith("lms/core/") or relative in NOT_DOMAIN_SERVICES:
            continue
        if _kit_part(relative) in ("services", "importers") or path.stem in ("cli", "demo"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                write = _writes(node)
                if write and _kit_part(relative) != "views":
                    strays.append(f"{relative}:{node.lineno} {node.name} ({write})")
    assert strays == [], "move these into the domain's services (lms/<domain>/services…)"


def test_the_scan_sees_writes():
    """The scan above would notice a stray writer (it is not vacuous)."""
    tree = ast.parse("def f():\n    db.session.add(x)\ndef g():\n    record(a, 'x', 'y', 1)\ndef h():\n    return 1\n")
    assert [_writes(fn) is not None for fn in tree.body] == [True, True, False]
