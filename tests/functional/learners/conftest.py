"""Shared set-up for registry tests: a small county, spreadsheets in memory, and import runners."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import pytest

from lms.auth.scope import EVERYTHING, Scope
from lms.imports.pipeline import run_import
from lms.imports.registry import importer_classes
from tests.factories import make_county, make_teaching_point, make_township, make_village

TODAY = date(2025, 9, 1)


@dataclass
class Area:
    """Two townships: 甲镇 (甲一村, 甲二村, a teaching point in 甲一村) and 乙镇 (乙一村)."""

    county: object
    township_a: object
    township_b: object
    village_a: object
    village_a2: object
    village_b: object
    point_a: object


@pytest.fixture
def area() -> Area:
    county = make_county("样本县")
    township_a, township_b = make_township(county, "甲镇"), make_township(county, "乙镇")
    village_a, village_a2 = make_village(township_a, "甲一村"), make_village(township_a, "甲二村")
    village_b = make_village(township_b, "乙一村")
    return Area(county, township_a, township_b, village_a, village_a2, village_b,
                make_teaching_point(village_a, "甲一村讲习所"))


@pytest.fixture
def import_file(app):
    """import_file(kind, data, filename=..., scope=EVERYTHING, write=True) → ImportSummary (no commit)."""

    def run(kind, data, filename="file.csv", *, scope: Scope = EVERYTHING, actor=None, write=True, strict=False,
            today=TODAY):
        importer = importer_classes()[kind](actor=actor, scope=scope, today=today)
        return run_import(importer, data, filename, write=write, strict=strict)

    return run


@pytest.fixture
def cli_import(app, tmp_path):
    """cli_import(kind, data, *args, name=...) → (exit code, JSON summary) through `flask lms import`."""

    def run(kind, data, *args, name="file.csv"):
        path = tmp_path / name
        path.write_bytes(data)
        result = app.test_cli_runner().invoke(args=["lms", "import", kind, str(path), "--json", *args])
        return result.exit_code, json.loads(result.output.strip().splitlines()[-1])

    return run
