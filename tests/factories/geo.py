"""Divisions and teaching points."""
from __future__ import annotations

import itertools

from lms.extensions import db
from lms.geo.models import Division, TeachingPoint

_county_seq = itertools.count(10)
_child_seq = itertools.count(1)


def make_county(name: str = "测试县", code: str | None = None) -> Division:
    # Codes wrap around so they stay 12 digits however many tests run (each test rolls back its rows).
    code = code or f"5223{next(_county_seq) % 90 + 10:02d}000000"
    county = Division(code=code, name=name, level="county")
    db.session.add(county)
    db.session.flush()
    return county


def make_township(county: Division, name: str | None = None) -> Division:
    n = next(_child_seq)
    township = Division(code=f"{county.code[:6]}{100 + n % 900:03d}000", name=name or f"测试镇{n}", level="township",
                        parent=county)
    db.session.add(township)
    db.session.flush()
    return township


def make_village(township: Division, name: str | None = None) -> Division:
    n = next(_child_seq)
    village = Division(code=f"{township.code[:9]}{n % 1000:03d}", name=name or f"测试村{n}", level="village",
                       parent=township)
    db.session.add(village)
    db.session.flush()
    return village


def make_teaching_point(village: Division, name: str | None = None) -> TeachingPoint:
    point = TeachingPoint(name=name or f"{village.name}教学点", kind="新时代农民讲习所", village=village)
    db.session.add(point)
    db.session.flush()
    return point
