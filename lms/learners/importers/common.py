"""What the roster and enrolment imports share: resolving township/village names within the user's
scope, checking ID-number cells, and set-based look-ups of rows already in the system."""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from lms.extensions import db
from lms.geo.models import Division
from lms.imports.cells import CellError, clean_text, closest_name, fold_width, parse_phone
from lms.imports.lookup import among, chunks
from lms.imports.pipeline import Importer, SourceRow
from lms.learners.idnumbers import IdNumber, IdNumberError, normalise_id_number
from lms.learners.lookup import id_hash_key


def name_key(value: object) -> str:
    """A division or place name as compared: cleaned, half-width, without spaces."""
    text = clean_text(value)
    return fold_width(text).replace(" ", "") if text else ""


class DivisionResolver:
    """Township and village names → village rows, limited to what the importing user may write.

    Loads every township and village once (two small queries). Unknown names get the closest
    in-scope name as a suggestion; names outside the scope are refused as such.
    """

    def __init__(self, scope):
        self.scope = scope
        township_rows = db.session.execute(
            select(Division.id, Division.name).where(Division.level == "township")).all()
        village_rows = db.session.execute(
            select(Division.id, Division.name, Division.code, Division.parent_id)
            .where(Division.level == "village")).all()
        self.townships: dict[str, list[tuple[int, str]]] = {}
        for township_id, name in township_rows:
            self.townships.setdefault(name_key(name), []).append((township_id, name))
        self.villages: dict[int, dict[str, tuple[int, str, str]]] = {}
        for village_id, name, code, parent_id in village_rows:
            self.villages.setdefault(parent_id, {})[name_key(name)] = (village_id, name, code)
        self._cache: dict[tuple, tuple[str, str] | tuple[int, str, str, str]] = {}

    def _township_allowed(self, township_id: int) -> bool:
        scope = self.scope
        if scope.everything or township_id in scope.township_ids:
            return True
        return any(v[0] in scope.village_ids for v in self.villages.get(township_id, {}).values())

    def _village_allowed(self, township_id: int, village_id: int) -> bool:
        scope = self.scope
        return scope.everything or township_id in scope.township_ids or village_id in scope.village_ids

    def resolve(self, importer: Importer, row: SourceRow, township_key: str = "township",
                village_key: str = "village") -> tuple[int, str, str, str] | None:
        """(village id, village name, village code, township name), or None after refusing the row."""
        raw = (row.get(township_key), row.get(village_key))     # cells repeat: look each pair up once
        found = self._cache.get(raw)
        if found is None:
            found = self._lookup(name_key(raw[0]), name_key(raw[1]))
            self._cache[raw] = found
        if len(found) == 2:
            importer.refuse(row, found[0], found[1])
            return None
        return found

    def _lookup(self, township_text: str, village_text: str):
        if not township_text:
            return ("township", "乡镇（街道）不能为空")
        matches = self.townships.get(township_text, [])
        if not matches:
            allowed = [name for entries in self.townships.values() for tid, name in entries
                       if self._township_allowed(tid)]
            suggestion = closest_name(township_text, allowed)
            hint = f"，是否为“{suggestion}”？" if suggestion else ""
            return ("township", f"没有名为“{township_text}”的乡镇（街道）{hint}")
        allowed_matches = [m for m in matches if self._township_allowed(m[0])]
        if not allowed_matches:
            return ("township", f"乡镇（街道）“{matches[0][1]}”不在您的管辖范围内")
        if len(allowed_matches) > 1:
            return ("township", f"有多个名为“{matches[0][1]}”的乡镇（街道），请联系系统管理员")
        township_id, township_name = allowed_matches[0]
        if not village_text:
            return ("village", "村（社区）不能为空")
        villages = self.villages.get(township_id, {})
        village = villages.get(village_text)
        if village is None:
            allowed = [name for vid, name, _ in villages.values() if self._village_allowed(township_id, vid)]
            suggestion = closest_name(village_text, allowed)
            hint = f"，是否为“{suggestion}”？" if suggestion else ""
            return ("village", f"{township_name}没有名为“{village_text}”的村（社区）{hint}")
        if not self._village_allowed(township_id, village[0]):
            return ("village", f"村（社区）“{village[1]}”不在您的管辖范围内")
        return (village[0], village[1], village[2], township_name)


class IdColumn:
    """Checks ID-number cells: normalises them (warnings kept), refuses bad ones and repeats in the file,
    and hashes them with the look-up key (read once per import, not per row)."""

    def __init__(self, importer: Importer, today: date):
        self.importer = importer
        self.today = today
        self.first_row: dict[str, int] = {}
        # The same keyed hash as lookup.hash_id; copying a keyed HMAC object skips the per-row key set-up.
        self._hmac = hmac.new(id_hash_key(), digestmod=hashlib.sha256)

    def parse(self, row: SourceRow, key: str = "id_number") -> IdNumber | None:
        """The row's valid ID number, or None after refusing the row."""
        try:
            number = normalise_id_number(row.get(key), today=self.today)
        except IdNumberError as error:
            self.importer.refuse(row, key, error.message)
            return None
        for warning in number.warnings:
            self.importer.warn(row, key, warning)
        first = self.first_row.setdefault(number.number, row.number)
        if first != row.number:
            self.importer.refuse(row, key, f"身份证号与第 {first} 行重复")
            return None
        return number

    def hash(self, number: str) -> str:
        """The keyed look-up hash of a normalised number (equal to lms.learners.lookup.hash_id(number))."""
        keyed = self._hmac.copy()
        keyed.update(number.encode("ascii"))
        return keyed.hexdigest()


def memoised(parse):
    """`parse(cell)` remembered per distinct cell value, errors included: a roster says 未上过学 or 男
    a hundred thousand times, and each distinct text needs parsing once."""
    results: dict = {}

    def parse_once(value):
        try:
            outcome = results[value]
        except KeyError:
            try:
                outcome = results[value] = (True, parse(value))
            except CellError as error:
                outcome = results[value] = (False, error)
        except TypeError:                     # an unhashable cell: parse it every time
            return parse(value)
        if outcome[0]:
            return outcome[1]
        raise outcome[1]

    return parse_once


def optional_phone(importer: Importer, row: SourceRow, key: str = "phone") -> str | None:
    """The row's phone as 11 digits, "" when blank, or None after refusing the row."""
    value = row.get(key)
    if value is None:
        return ""
    try:
        return parse_phone(value)
    except CellError as error:
        if not clean_text(value):          # spaces only: as good as blank
            return ""
        importer.refuse(row, key, error.message)
        return None


def required_name(importer: Importer, row: SourceRow, key: str = "name") -> str | None:
    """The row's person name (cleaned, at most 40 characters), or None after refusing the row."""
    name = clean_text(row.get(key))
    if not name:
        importer.refuse(row, key, "姓名不能为空")
        return None
    if len(name) > 40:
        importer.refuse(row, key, "姓名超过 40 个字")
        return None
    return name


def rows_by_hash(columns: Iterable, hash_column, hashes: Iterable[str]) -> dict[str, object]:
    """Existing rows (the given columns) whose `hash_column` is among `hashes`, keyed by hash.

    Chunked look-ups: a 100,000-row file costs 20 queries, whatever the table's size.
    """
    columns = list(columns)
    found: dict[str, object] = {}
    for chunk in chunks(list(dict.fromkeys(hashes))):
        for row in db.session.execute(select(hash_column, *columns).where(among(hash_column, chunk))):
            found[row[0]] = row
    return found
