"""The class's assessment sheet for one course: check-offs and scores in one request, R7 per learner,
who may record which course kind, voiding a mistaken result."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lms import summaries
from lms.assessment.models import AssessmentResult, AssignmentCompletion
from lms.audit.models import AuditEvent
from lms.core.clock import today
from lms.extensions import db
from lms.teaching.models import ClassSession
from tests.factories import make_result, make_user


def sheet_url(teaching_class, course):
    return f"/assessment/classes/{teaching_class.id}/courses/{course.id}"


def teach(teacher, teaching_class, course):
    db.session.add(ClassSession(class_id=teaching_class.id, course_id=course.id, teacher_id=teacher.id,
                                held_on=date(2025, 4, 1), minutes=480))
    db.session.flush()
    summaries.sessions_changed([teaching_class.id])


def results_of(learner):
    return db.session.scalars(select(AssessmentResult).where(AssessmentResult.learner_id == learner.id)
                              .order_by(AssessmentResult.id)).all()


def test_a_course_teacher_saves_check_offs_and_scores_in_one_request(client, login_as, enrol, home_class, plan):
    teacher = login_as("teacher", classes=[home_class])
    teach(teacher, home_class, plan.skill)
    first, second = enrol(), enrol()
    day = today().isoformat()
    response = client.post_form(sheet_url(home_class, plan.skill), {
        "on": day, "learner": [first.id, second.id],
        f"a-{first.id}": ["作业1", "作业2"], f"s-{first.id}": "86",
        f"a-{second.id}": ["作业1"], f"s-{second.id}": "90"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "还需完成：作业2，才能录入成绩" in page and "R7" not in page
    assert [r.score for r in results_of(first)] == [86]
    assert results_of(second) == [], "R7 refused the second learner's score"
    done = db.session.scalars(select(AssignmentCompletion.title).where(AssignmentCompletion.learner_id == second.id))
    assert list(done) == ["作业1"], "the check-off itself was saved"
    assert 'value="90"' in page, "the refused score stays in the box"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "assessment.sheet")).one()
    assert event.user_id == teacher.id


def test_saving_the_same_sheet_twice_adds_nothing_and_a_retake_is_a_new_attempt(client, login_as, enrol,
                                                                                 home_class, plan):
    login_as("registrar")
    learner = enrol()
    data = {"on": "2025-06-01", "learner": [learner.id], f"s-{learner.id}": "45"}
    assert client.post_form(sheet_url(home_class, plan.literacy), data).status_code == 302
    assert client.post_form(sheet_url(home_class, plan.literacy), data).status_code == 302
    assert [r.score for r in results_of(learner)] == [45]
    client.post_form(sheet_url(home_class, plan.literacy), {**data, "on": "2025-07-01", f"s-{learner.id}": "70"})
    assert [r.score for r in results_of(learner)] == [45, 70]
    page = client.get(sheet_url(home_class, plan.literacy)).get_data(as_text=True)
    assert "补考通过 70 分" in page


def test_unticking_an_assignment_voids_it_and_keeps_the_row(client, login_as, enrol, home_class, plan):
    login_as("registrar")
    learner = enrol()
    client.post_form(sheet_url(home_class, plan.skill), {"on": "2025-06-01", "learner": [learner.id],
                                                         f"a-{learner.id}": ["作业1"]})
    client.post_form(sheet_url(home_class, plan.skill), {"on": "2025-06-02", "learner": [learner.id],
                                                         f"had-{learner.id}": ["作业1"]})
    row = db.session.scalars(select(AssignmentCompletion).where(AssignmentCompletion.learner_id == learner.id)).one()
    assert row.voided_at is not None


def test_a_stale_sheet_does_not_undo_a_check_off_saved_meanwhile(client, login_as, enrol, home_class, plan):
    login_as("registrar")
    learner = enrol()
    stale = {"on": "2025-06-02", "learner": [learner.id]}          # opened before 作业1 was ticked elsewhere
    client.post_form(sheet_url(home_class, plan.skill), {"on": "2025-06-01", "learner": [learner.id],
                                                         f"a-{learner.id}": ["作业1"]})
    client.post_form(sheet_url(home_class, plan.skill), stale)
    row = db.session.scalars(select(AssignmentCompletion).where(AssignmentCompletion.learner_id == learner.id)).one()
    assert row.voided_at is None


def test_invalid_scores_are_refused_with_a_reason(client, login_as, enrol, home_class, plan):
    login_as("registrar")
    learners = [enrol() for _ in range(3)]
    response = client.post_form(sheet_url(home_class, plan.literacy), {
        "on": "2025-06-01", "learner": [x.id for x in learners],
        f"s-{learners[0].id}": "101", f"s-{learners[1].id}": "七十", f"s-{learners[2].id}": "60.25"})
    page = response.get_data(as_text=True)
    assert "成绩必须在 0–100 之间（收到 101）" in page
    assert "成绩“七十”不是数字" in page
    assert "成绩 60.25 最多保留一位小数" in page
    assert all(results_of(x) == [] for x in learners)


def test_a_future_date_is_refused(client, login_as, enrol, home_class, plan):
    login_as("registrar")
    learner = enrol()
    response = client.post_form(sheet_url(home_class, plan.literacy), {
        "on": "2999-01-01", "learner": [learner.id], f"s-{learner.id}": "80"})
    assert "晚于今天" in response.get_data(as_text=True)
    assert results_of(learner) == []


def test_class_teachers_may_record_cultural_courses_but_not_skills_they_did_not_teach(client, login_as, enrol,
                                                                                       home_class, plan):
    login_as("teacher", classes=[home_class])
    learner = enrol()
    ok = client.post_form(sheet_url(home_class, plan.literacy),
                          {"on": "2025-06-01", "learner": [learner.id], f"s-{learner.id}": "80"})
    assert ok.status_code == 302
    page = client.get(sheet_url(home_class, plan.skill)).get_data(as_text=True)
    assert "只有本班上过该课程的任课教师和教务可以录入" in page and "本页只能查看" in page
    refused = client.post_form(sheet_url(home_class, plan.skill),
                               {"on": "2025-06-01", "learner": [learner.id], f"s-{learner.id}": "80"})
    assert refused.status_code == 403
    assert [r.course_id for r in results_of(learner)] == [plan.literacy.id]


def test_a_session_teacher_of_another_course_may_not_record_this_skill(client, login_as, enrol, home_class, plan):
    teacher = login_as("teacher", classes=[home_class])
    teach(teacher, home_class, plan.literacy)
    learner = enrol()
    assert client.post_form(sheet_url(home_class, plan.skill), {"on": "2025-06-01", "learner": [learner.id]}
                            ).status_code == 403


def test_only_the_class_head_records_the_internship(client, login_as, enrol, home_class, plan):
    teacher = login_as("teacher", classes=[home_class])
    learner = enrol()
    data = {"on": "2025-06-01", "learner": [learner.id], f"s-{learner.id}": "80"}
    assert client.post_form(sheet_url(home_class, plan.internship), data).status_code == 403
    home_class.head_teacher_id = teacher.id
    db.session.flush()
    assert client.post_form(sheet_url(home_class, plan.internship), data).status_code == 302


def test_a_teacher_of_another_class_gets_404(client, login_as, enrol, home_class, plan, place):
    from tests.factories import make_class, make_teaching_point

    other = make_class(make_teaching_point(place, "另一个教学点"), specialty=plan.specialty)
    login_as("teacher", classes=[other])
    assert client.get(sheet_url(home_class, plan.literacy)).status_code == 404


def test_a_course_of_another_specialty_is_not_on_the_class_sheet(client, login_as, home_class):
    from tests.factories import make_course, specialty_named

    login_as("registrar")
    foreign = make_course(specialty_named("刺绣"), name="刺绣针法")
    assert client.get(sheet_url(home_class, foreign)).status_code == 404


def test_voiding_a_result_needs_a_reason_and_keeps_it_in_the_history(client, login_as, enrol, home_class, plan):
    login_as("registrar")
    learner = enrol()
    result = make_result(learner, plan.literacy, 55)
    url = f"/assessment/results/{result.id}/void"
    assert "请写明作废原因" in client.post_form(url, {"reason": ""}).get_data(as_text=True)
    response = client.post_form(url, {"reason": "看错了行，应为 75 分"})
    assert response.status_code == 302
    db.session.refresh(result)
    assert result.voided_at is not None and result.void_reason == "看错了行，应为 75 分"
    page = client.get(sheet_url(home_class, plan.literacy)).get_data(as_text=True)
    assert "已作废：看错了行，应为 75 分" in page
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "assessment_result.void")).one()


def test_a_teacher_may_not_void_a_skill_result_they_cannot_record(client, login_as, enrol, home_class, plan):
    login_as("teacher", classes=[home_class])
    result = make_result(enrol(), plan.skill, 55)
    assert client.post_form(f"/assessment/results/{result.id}/void", {"reason": "录错了"}).status_code == 403


def test_the_sheet_costs_a_fixed_number_of_queries(client, login_as, enrol, home_class, plan, count_queries):
    login_as("registrar")
    learner = enrol()
    make_result(learner, plan.skill, 50)
    with count_queries() as few:
        client.get(sheet_url(home_class, plan.skill))
    for _ in range(6):
        make_result(enrol(), plan.skill, 70)
    with count_queries() as many:
        client.get(sheet_url(home_class, plan.skill))
    assert len(many) == len(few)


def test_moral_evaluation_by_the_class_head_only(client, login_as, enrol, home_class):
    teacher = login_as("teacher", classes=[home_class])
    learner = enrol()
    url = f"/assessment/classes/{home_class.id}/moral"
    data = {"on": "2025-06-01", "learner": [learner.id], f"m-{learner.id}": "fail", f"c-{learner.id}": "多次缺课"}
    assert client.post_form(url, data).status_code == 403
    home_class.head_teacher_id = teacher.id
    db.session.flush()
    assert client.post_form(url, data).status_code == 302
    assert client.post_form(url, data).status_code == 302, "saving the same again changes nothing"
    assert client.post_form(url, {**data, "on": "2025-07-01", f"m-{learner.id}": "pass", f"c-{learner.id}": ""}
                            ).status_code == 302
    from lms.assessment.models import MoralEvaluation

    rows = db.session.scalars(select(MoralEvaluation).where(MoralEvaluation.learner_id == learner.id)
                              .order_by(MoralEvaluation.id)).all()
    assert [(r.passed, r.evaluator_id) for r in rows] == [(False, teacher.id), (True, teacher.id)]
    page = client.get(url).get_data(as_text=True)
    assert "合格" in page and teacher.display_name in page


def test_the_registrar_may_evaluate_any_class(client, login_as, enrol, home_class):
    registrar = make_user("registrar")
    login_as(registrar)
    learner = enrol()
    response = client.post_form(f"/assessment/classes/{home_class.id}/moral",
                                {"on": "2025-06-01", "learner": [learner.id], f"m-{learner.id}": "pass"})
    assert response.status_code == 302
