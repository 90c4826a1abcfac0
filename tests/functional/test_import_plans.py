"""What an importer's check hands to its write is typed one way (lms.imports.pipeline.PlannedRow): rows of
small frozen dataclasses named in the importer's module and declared as the importer's type argument
(`Importer[NewRosterEntry | RosterEntryUpdate]`), never dicts; an update differs from an insert by its
type or an explicit field, never by the presence of a key."""
from __future__ import annotations

import ast
import dataclasses
import sys
import types
import typing
from pathlib import Path

import pytest

from lms.auth.scope import EVERYTHING
from lms.core.clock import today
from lms.imports.pipeline import Importer, PlannedRow, run_import
from lms.imports.registry import importer_classes
from tests.functional import test_summaries
from tests.support.spreadsheets import csv_bytes

place = test_summaries.place        # the fixture: a class of four learners whose files of every kind are good

LMS = Path(__file__).resolve().parents[2] / "lms"
IMPORTER_MODULES = sorted([*LMS.glob("*/importers.py"), *LMS.glob("*/importers/*.py"), LMS / "imports/pipeline.py"])


def declared_plan_types(cls: type) -> tuple[type, ...]:
    """The planned-row types an importer class names as its Importer[...] argument (a union gives several)."""
    for klass in cls.__mro__:
        for base in getattr(klass, "__orig_bases__", ()):
            origin = typing.get_origin(base)
            if not (isinstance(origin, type) and issubclass(origin, Importer)):
                continue
            (argument,) = typing.get_args(base)
            if isinstance(argument, typing.TypeVar):      # LearnerRowsImporter[PlanT]: the subclass names it
                continue
            return typing.get_args(argument) if isinstance(argument, types.UnionType) else (argument,)
    raise AssertionError(f"{cls.__name__} names no planned-row type: class {cls.__name__}(Importer[PlannedX])")


@pytest.mark.parametrize("kind", list(importer_classes()))
def test_each_kind_declares_frozen_slotted_dataclasses_of_its_own_module_as_its_plan(kind):
    cls = importer_classes()[kind]
    for plan_type in declared_plan_types(cls):
        assert dataclasses.is_dataclass(plan_type), plan_type
        assert plan_type.__dataclass_params__.frozen, f"{plan_type.__name__} is not frozen"
        assert "__slots__" in vars(plan_type), f"{plan_type.__name__} has no slots"
        assert plan_type.__module__ == cls.__module__, f"{plan_type.__name__} is not named in {cls.__module__}"


class Recorded:
    """The plan of the last check (the pipeline keeps it to itself)."""

    planned: list | None = None


def recording(cls: type[Importer]) -> type[Importer]:
    class Recording(cls):
        def check(self, rows):
            Recorded.planned = super().check(rows)
            return Recorded.planned

    return Recording


@pytest.mark.parametrize("kind", list(importer_classes()))
def test_the_check_of_every_kind_plans_instances_of_its_declared_types(place, kind):
    cls = importer_classes()[kind]
    rows = test_summaries.rows_of_every_kind(place)[kind]
    columns = [column for column in cls.columns if any(column.key in row for row in rows)]
    data = csv_bytes([column.label for column in columns], [[row.get(column.key, "") for column in columns]
                                                             for row in rows])
    Recorded.planned = None
    summary = run_import(recording(cls)(actor=None, scope=EVERYTHING, today=today()), data, f"{kind}.csv")
    assert (summary.fatal, summary.errors) == (None, []) and summary.written >= 1, summary
    assert isinstance(Recorded.planned, list) and Recorded.planned
    declared = declared_plan_types(cls)
    for item in Recorded.planned:
        assert isinstance(item, PlannedRow) and isinstance(item, declared), (kind, item)


def key_tests(path: Path) -> list[str]:
    """`"<key>" in x` / `"<key>" not in x` in a module: how a dict plan told an update from an insert."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)
                and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops)
                and ast.unparse(node.comparators[0]) != "self.chosen"):     # the options the user ticked, no plan
            found.append(f"{path.relative_to(LMS.parent)}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_importer_tells_rows_apart_by_the_presence_of_a_key():
    scanned = {path.resolve() for path in IMPORTER_MODULES}
    assert {Path(sys.modules[cls.__module__].__file__).resolve() for cls in importer_classes().values()} <= scanned
    assert [line for path in IMPORTER_MODULES for line in key_tests(path)] == []
