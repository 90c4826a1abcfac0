"""Pushing platform records: the online-hours import's own check and words, idempotent, all-or-nothing on request."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from lms.extensions import db
from lms.teaching.hours import learner_hour_totals
from lms.teaching.models import PlatformRecord
from tests.functional.api.conftest import record

URL = "/api/v1/platform-records"
ONLINE_HEADER = ("身份证号", "姓名", "平台", "课程名称", "学习时长（分钟）", "学习日期", "记录编号")


def _records() -> int:
    return db.session.scalar(select(func.count()).select_from(PlatformRecord))


def test_a_batch_is_written_and_credited_as_platform_hours(client, world, keys):
    before = learner_hour_totals(world.learner_a.id).platform
    batch = [record(world.learner_a, record_id=f"R-{n}", studied_on=f"2026-11-0{n}", minutes=60) for n in (2, 3, 4)]
    response = client.post(URL, json={"records": batch}, headers=keys.platform_a)
    assert response.status_code == 200
    assert response.json == {"received": 3, "written": 3, "unchanged": 0, "refused": 0, "atomic": False,
                             "errors": [], "warnings": []}
    # 60 clock minutes are 1⅓ 学时 of the default 45 minutes (80 sixtieths of a 学时), the clock minutes kept.
    assert learner_hour_totals(world.learner_a.id).platform == before + 3 * 80
    stored = db.session.scalar(select(PlatformRecord).where(PlatformRecord.record_ref == "R-2"))
    assert (stored.platform, stored.course_name, stored.minutes, stored.clock_minutes) == (
        "省社区教育学习平台", "种植技术入门", 80, 60)


def test_pushing_the_same_batch_twice_writes_nothing_the_second_time(client, world, keys):
    batch = {"records": [record(world.learner_a, record_id="R-1"), record(world.learner_a, record_id="R-2")]}
    first = client.post(URL, json=batch, headers=keys.platform_a).json
    count = _records()
    second = client.post(URL, json=batch, headers=keys.platform_a).json
    assert (first["written"], second["written"], second["unchanged"]) == (2, 0, 2)
    assert _records() == count


def test_refused_records_are_listed_and_the_others_written(client, world, keys):
    batch = [record(world.learner_a, record_id="OK-1"),
             record(world.learner_a, record_id="BAD-1", minutes=2000),
             record(world.learner_a, record_id="BAD-2", studied_on="2026-12-31")]
    response = client.post(URL, json={"records": batch}, headers=keys.platform_a).json
    assert response["written"] == 1 and response["refused"] == 2
    assert [(e["position"], e["record_id"], e["field"]) for e in response["errors"]] == [
        (2, "BAD-1", "minutes"), (3, "BAD-2", "studied_on")]
    assert "不能超过 1440" in response["errors"][0]["message"]


def test_an_atomic_batch_with_a_refused_record_writes_nothing(client, world, keys):
    batch = [record(world.learner_a, record_id="OK-1"), record(world.learner_a, record_id="BAD-1", minutes=-5)]
    count = _records()
    response = client.post(URL, json={"records": batch, "atomic": True}, headers=keys.platform_a)
    assert response.status_code == 409
    assert response.json["code"] == "batch_refused" and response.json["message"] == "有 1 条记录被拒绝，整批未写入"
    assert response.json["result"]["written"] == 0 and response.json["result"]["errors"][0]["position"] == 2
    assert _records() == count
    fixed = client.post(URL, json={"records": batch[:1], "atomic": True}, headers=keys.platform_a)
    assert fixed.status_code == 200 and fixed.json["written"] == 1


def test_the_daily_cap_counts_the_batch_on_top_of_what_is_stored(client, world, keys):
    day = {"studied_on": "2026-11-09"}
    client.post(URL, json={"records": [record(world.learner_a, record_id="D-1", minutes=300, **day)]},
                headers=keys.platform_a)
    response = client.post(URL, json={"records": [record(world.learner_a, record_id="D-2", minutes=200, **day)]},
                           headers=keys.platform_a).json
    assert response["written"] == 0 and response["errors"][0]["field"] == "minutes"
    assert "甲学员" in response["errors"][0]["message"]


def test_a_pushed_batch_is_judged_in_the_same_words_as_the_same_records_in_a_file(app, tmp_path, client, world,
                                                                                   keys):
    learner = world.learner_b
    batch = [record(learner, record_id="S-1"),
             record(learner, record_id="S-2", id_number="522327198506150099"),      # a bad check digit
             record(learner, record_id="S-3", minutes=1441),
             record(learner, record_id="S-4", studied_on="2026-13-01"),
             record(learner, record_id="S-5", studied_on="2027-01-05"),              # after the suite's today
             record(learner, record_id="S-6", platform=""),
             record(learner, record_id="S-7", minutes=200, studied_on="2026-11-10"),
             record(learner, record_id="S-8", minutes=200, studied_on="2026-11-10"),  # over the platform's day
             record(learner, record_id="S-9", name="别人")]                            # a warning, still written
    pushed = client.post(URL, json={"records": batch, "atomic": True}, headers=keys.platform_county).json["result"]
    path = tmp_path / "online.csv"
    rows = [",".join(str(item[f]) for f in ("id_number", "name", "platform", "course", "minutes", "studied_on",
                                             "record_id")) for item in batch]
    path.write_bytes(("\r\n".join([",".join(ONLINE_HEADER), *rows]) + "\r\n").encode("utf-8-sig"))
    result = app.test_cli_runner().invoke(args=["lms", "import", "online-hours", str(path), "--json", "--dry-run"])
    filed = json.loads(result.output.strip().splitlines()[-1])
    # A file's row n+1 (its header is row 1) is the batch's record n; the words are the same.
    assert [(e["position"] + 1, e["message"]) for e in pushed["errors"]] == [
        (e["row"], e["message"]) for e in filed["errors"]]
    assert [(w["position"] + 1, w["message"]) for w in pushed["warnings"]] == [
        (w["row"], w["message"]) for w in filed["warnings"]]
    assert len(pushed["errors"]) == 6 and len(pushed["warnings"]) == 1


def test_a_batch_that_is_not_shaped_as_documented_is_refused_whole(client, world, keys):
    for body in ({"records": []}, {"records": [{"id_number": "x"}]}, {"records": "no"}, {}):
        response = client.post(URL, json=body, headers=keys.platform_a)
        assert response.status_code == 422 and response.json["code"] == "invalid" and response.json["errors"]
    too_many = {"records": [record(world.learner_a, record_id=f"M-{n}") for n in range(1001)]}
    assert client.post(URL, json=too_many, headers=keys.platform_a).status_code == 422
