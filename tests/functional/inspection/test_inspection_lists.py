"""The 督查 page: each list shows what it should for the period and area, and nothing else; a fixed number of
queries whatever the data; township staff see their townships only."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms.extensions import db
from lms.teaching.models import ClassSession
from lms.teaching.services.evidence import add_session_evidence
from lms.teaching.services.sessions import cancel_session
from tests.factories import make_platform_record, make_self_study, make_session, make_user, mark_attendance
from tests.factories.assessment import tiny_png
from tests.functional.inspection.conftest import PERIOD

SECTION_END = 'align-items-baseline justify-content-between gap-2 mt-4'


def _page(client, **args) -> str:
    response = client.get("/inspection/", query_string={**PERIOD, **args})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(page: str, key: str) -> str:
    """The part of the page under the list `key`'s heading."""
    return page.split(f'id="list-{key}"', 1)[1].split(SECTION_END, 1)[0]


def _sessions_listed(text: str) -> set[int]:
    return {int(part.split('"')[0]) for part in text.split('data-session="')[1:]}


def test_sessions_without_evidence_are_held_uncancelled_in_the_period_and_without_a_current_file(client, county):
    a = county.class_a
    bare = make_session(a, held_on=date(2026, 10, 10))
    backed = make_session(a, held_on=date(2026, 10, 11))
    add_session_evidence(actor=None, session=backed, kind="sign_in", content=tiny_png(), today=date(2026, 10, 11))
    cancel_session(actor=None, session=make_session(a, held_on=date(2026, 10, 12)), reason="下雨")
    cancelled = db.session.scalar(select(ClassSession).where(ClassSession.cancelled_at.is_not(None)))
    later = make_session(a, held_on=date(2026, 12, 20))          # in the period, not held yet
    before = make_session(a, held_on=date(2026, 8, 31))          # the day before the period
    other = make_session(county.class_b, held_on=date(2026, 10, 10))
    client.login(make_user("bureau").username)
    listed = _sessions_listed(section(_page(client), "missing"))
    assert listed == {bare.id, other.id}
    assert {backed.id, cancelled.id, later.id, before.id}.isdisjoint(listed)


def test_township_staff_see_their_townships_sessions_and_get_404_for_another_township(client, county):
    ours, theirs = make_session(county.class_a, held_on=date(2026, 10, 10)), make_session(
        county.class_b, held_on=date(2026, 10, 10))
    client.login(make_user("township", divisions=[county.township_a]).username)
    page = _page(client)
    assert _sessions_listed(section(page, "missing")) == {ours.id} and "甲镇" in page
    assert theirs.id not in _sessions_listed(section(page, "sample"))
    assert client.get("/inspection/", query_string={**PERIOD, "township": county.township_b.id}).status_code == 404
    assert client.get("/inspection/", query_string={**PERIOD, "class": county.class_b.id}).status_code == 404


def _platform(learner, *days_minutes):
    for day, minutes in days_minutes:
        make_platform_record(learner, minutes=minutes, studied_on=day)


def test_learners_reaching_360_hours_in_fewer_days_than_allowed(client, county):
    quick, exact, face, early = county.learners
    _platform(quick, (date(2026, 10, 1), 7200), (date(2026, 10, 20), 7200), (date(2026, 11, 28), 7200))   # 59 days
    _platform(exact, (date(2026, 10, 1), 7200), (date(2026, 10, 20), 7200), (date(2026, 11, 29), 7200))   # 60 days
    # Face-to-face hours do not count toward R6 (S+P+L): 336 counted 学时 are not 360, whatever the total.
    _platform(face, (date(2026, 10, 1), 10080), (date(2026, 10, 10), 10080))
    for day in (date(2026, 10, 17), date(2026, 10, 18), date(2026, 10, 19)):
        mark_attendance(make_session(county.class_a, held_on=day), face)
    _platform(early, (date(2025, 4, 1), 21600))                  # reached before the period
    _platform(county.learner_b, (date(2026, 11, 1), 21600))      # another township: one day
    client.login(make_user("bureau").username)
    fast = section(_page(client), "fast")
    assert "甲1" in fast and "59 天" in fast and "乙一" in fast and "1 天" in fast
    assert "甲2" not in fast and "甲3" not in fast and "甲4" not in fast
    assert "甲2" in section(_page(client, days=61), "fast") and "60 天" in section(_page(client, days=61), "fast")


def test_identical_self_study_texts_across_learners(client, county):
    one, two, three, four = county.learners
    shared = "今天学习了蔬菜大棚的温度管理和通风方法"
    make_self_study(one, minutes=60, studied_on=date(2026, 10, 3), content=shared)
    make_self_study(two, minutes=60, studied_on=date(2026, 10, 9), content=shared, status="pending")
    make_self_study(three, minutes=60, studied_on=date(2026, 10, 9), content=shared, status="rejected")
    for day in (date(2026, 10, 3), date(2026, 10, 4)):           # one learner repeating themself is not a copy
        make_self_study(one, minutes=60, studied_on=day, content="复习了普通话拼音声母韵母表第一课")
    for learner in (one, two):                                    # short titles are alike by nature
        make_self_study(learner, minutes=60, studied_on=date(2026, 10, 5), content="读写算练习册")
    make_self_study(one, minutes=60, studied_on=date(2026, 8, 1), content="学习电子商务网店开设流程和商品上架")
    make_self_study(two, minutes=60, studied_on=date(2026, 8, 2), content="学习电子商务网店开设流程和商品上架")
    client.login(make_user("registrar").username)
    texts = section(_page(client), "texts")
    assert shared in texts and "2 名学员" in texts and "甲1" in texts and "甲2" in texts and "甲3" not in texts
    assert "复习了普通话" not in texts and "读写算练习册" not in texts and "电子商务" not in texts   # before the period
    assert "读写算练习册" in section(_page(client, chars=5), "texts")


def test_a_text_shared_with_another_townships_learner_is_not_shown_to_township_staff(client, county):
    text = "学习电子商务网店开设流程和商品上架"
    make_self_study(county.learners[0], minutes=60, studied_on=date(2026, 10, 3), content=text)
    make_self_study(county.learner_b, minutes=60, studied_on=date(2026, 10, 3), content=text)
    client.login(make_user("township", divisions=[county.township_a]).username)
    page = _page(client)
    assert text not in section(page, "texts") and "乙一" not in page


def test_platform_records_on_the_day_of_a_credited_face_to_face_session(client, county):
    one, two, three, four = county.learners
    face = make_session(county.class_a, held_on=date(2026, 11, 7))
    mark_attendance(face, one)
    mark_attendance(face, two, status="absent")
    mark_attendance(face, three)
    live = make_session(county.class_a, held_on=date(2026, 11, 21), mode="live", hours=2)
    mark_attendance(live, four)
    cancelled = make_session(county.class_a, held_on=date(2026, 11, 14))
    mark_attendance(cancelled, four)
    cancel_session(actor=None, session=cancelled, reason="停电")
    _platform(one, (date(2026, 11, 7), 120), (date(2026, 11, 7), 60))
    _platform(two, (date(2026, 11, 7), 120))                      # absent that day
    _platform(three, (date(2026, 11, 8), 120))                    # the next day
    _platform(four, (date(2026, 11, 21), 120), (date(2026, 11, 14), 120))
    client.login(make_user("bureau").username)
    overlaps = section(_page(client), "overlaps")
    assert "甲1" in overlaps and "11 学时" in overlaps and "（2 条）" in overlaps
    assert "甲2" not in overlaps and "甲3" not in overlaps and "甲4" not in overlaps


def test_an_overlap_shows_the_clock_minutes_the_platform_reported(client, county):
    """A platform's 90 minutes at 45 a 学时 are 2 学时: the inspector sees both, to set against the day's clock;
    a day with a record imported before clock minutes were kept shows only the 学时."""
    one, two = county.learners[:2]
    face = make_session(county.class_a, held_on=date(2026, 11, 7))
    mark_attendance(face, one)
    mark_attendance(face, two)
    make_platform_record(one, minutes=120, clock_minutes=90, studied_on=date(2026, 11, 7))
    make_platform_record(one, minutes=60, clock_minutes=45, studied_on=date(2026, 11, 7))
    make_platform_record(two, minutes=120, clock_minutes=90, studied_on=date(2026, 11, 7))
    make_platform_record(two, minutes=60, studied_on=date(2026, 11, 7))
    client.login(make_user("bureau").username)
    overlaps = section(_page(client), "overlaps")
    assert "3 学时（2 条，平台记 135 分钟）" in overlaps
    assert overlaps.count("分钟") == 1


def test_the_sample_is_the_same_for_the_same_inputs_and_follows_its_size(client, county):
    sessions = [make_session(county.class_a, held_on=date(2026, 9, day)) for day in range(1, 25)]
    client.login(make_user("bureau").username)
    first = _sessions_listed(section(_page(client, sample=5), "sample"))
    assert len(first) == 5 and first <= {s.id for s in sessions}
    assert _sessions_listed(section(_page(client, sample=5), "sample")) == first
    assert _sessions_listed(section(_page(client, sample=5, start="2026-09-02"), "sample")) != first
    assert len(_sessions_listed(section(_page(client, sample=30), "sample"))) == 24


def test_the_page_costs_the_same_queries_whatever_the_data(client, county, count_queries):
    client.login(make_user("bureau").username)

    def add(n: int):
        for i in range(n):
            learner = county.learners[i % 4]
            session = make_session(county.class_a, held_on=date(2026, 10, 1 + i))
            mark_attendance(session, learner)
            make_platform_record(learner, minutes=7200, studied_on=date(2026, 10, 1 + i))
            make_self_study(learner, minutes=60, studied_on=date(2026, 10, 1 + i), content=f"相同的自学内容第{i % 2}段练习")

    add(4)          # every list has rows from the start: a list without rows may skip its second query
    _page(client)
    with count_queries() as few:
        page = _page(client)
    add(12)
    with count_queries() as many:
        more = _page(client)
    assert len(many) == len(few)
    assert section(more, "fast").count("<tr>") > section(page, "fast").count("<tr>")
    assert section(more, "overlaps").count("<tr>") > section(page, "overlaps").count("<tr>")
