"""Imports: assignments, results (R7), moral, exemptions (R9), status-events — bad rows named, reruns add nothing."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from lms.assessment.models import AssessmentResult, MoralEvaluation
from lms.extensions import db
from lms.learners.models import StatusEvent
from lms.recognition.models import RecognitionApplication
from lms.recognition.services import save_certificate_kind
from tests.factories import make_user


def write_csv(tmp_path, name, header, rows):
    path = tmp_path / name
    path.write_text("\n".join([",".join(header)] + [",".join(map(str, r)) for r in rows]) + "\n", encoding="utf-8-sig")
    return path


def run(app, kind, path, *extra):
    result = app.test_cli_runner().invoke(args=["lms", "import", kind, str(path), "--json", *extra])
    return result.exit_code, json.loads(result.stdout.splitlines()[-1])


def test_assignments_then_results_with_r7(app, tmp_path, enrol, plan):
    ready, partial = enrol(), enrol()
    assignments = write_csv(tmp_path, "作业.csv", ["身份证号", "课程", "作业", "完成日期"], [
        [ready.id_number, "家政服务", "作业1", "2025-05-01"],
        [ready.id_number, "家政服务", "2", "2025/5/8"],
        [partial.id_number, "家政服务", "第1次作业", "2025年5月1日"],
        [partial.id_number, "家政服务", "作业3", "2025-05-01"],
        [partial.id_number, "烹饪", "作业1", "2025-05-01"],
    ])
    code, summary = run(app, "assignments", assignments)
    assert code == 1 and summary["written"] == 3
    messages = {(e["row"], e["column"]): e["message"] for e in summary["errors"]}
    assert messages[(5, "作业")] == "《家政服务》没有“作业3”，规定作业是：作业1、作业2"
    assert messages[(6, "课程")].startswith("课程“烹饪”不在该学员专业的教学计划中")
    assert run(app, "assignments", assignments)[1]["written"] == 0, "importing the same file again adds nothing"

    results = write_csv(tmp_path, "成绩.csv", ["身份证号", "课程", "成绩", "考核日期"], [
        [ready.id_number, "家政服务", "48", "2025-06-01"],
        [ready.id_number, "家政服务", "72", "2025-07-01"],
        [partial.id_number, "家政服务", "80", "2025-06-01"],
        [ready.id_number, "家政服务", "80", "2025-05-05"],
        [ready.id_number, "读写算", "一百", "2025-06-01"],
        [ready.id_number, "读写算", "88", "2099-01-01"],
    ])
    code, summary = run(app, "results", results)
    messages = {(e["row"], e["column"]): e["message"] for e in summary["errors"]}
    assert summary["written"] == 2
    assert messages[(4, "成绩")] == "还需完成：作业2（考核日期前），才能录入《家政服务》的成绩"
    assert messages[(5, "成绩")] == "还需完成：作业2（考核日期前），才能录入《家政服务》的成绩"
    assert messages[(6, "成绩")] == "成绩“一百”不是数字"
    assert "不能晚于" in messages[(7, "考核日期")]
    scores = db.session.scalars(select(AssessmentResult.score).where(AssessmentResult.learner_id == ready.id)
                                .order_by(AssessmentResult.sat_on)).all()
    assert scores == [48, 72]
    assert run(app, "results", results)[1]["written"] == 0


def test_a_teacher_imports_only_courses_they_may_record(app, tmp_path, enrol, home_class, plan):
    from lms.assessment.importers import ResultImporter
    from lms.auth.scope import Scope
    from lms.imports.pipeline import run_import

    teacher = make_user("teacher", classes=[home_class])
    learner = enrol()
    data = ("身份证号,课程,成绩,考核日期\n"
            f"{learner.id_number},读写算,70,2025-06-01\n{learner.id_number},家政顶岗实习,70,2025-06-01\n").encode()
    with app.test_request_context():
        importer = ResultImporter(actor=teacher, scope=Scope(class_ids=frozenset({home_class.id})),
                                  today=date(2025, 7, 1))
        summary = run_import(importer, data, "成绩.csv")
    assert summary.written == 1
    assert "顶岗实习：本班班主任、本班该课程的任课教师和教务可以录入" in summary.errors[0].message
    outsider = ResultImporter(actor=teacher, scope=Scope(class_ids=frozenset({-1})), today=date(2025, 7, 1))
    with app.test_request_context():
        assert "不在您的管辖范围内" in run_import(outsider, data, "成绩.csv", write=False).errors[0].message


def test_moral_import(app, tmp_path, enrol):
    learner = enrol()
    path = write_csv(tmp_path, "德育.csv", ["身份证号", "结论", "评价日期"], [
        [learner.id_number, "合格", "2025-06-01"], [learner.id_number, "优秀", "2025-06-01"]])
    code, summary = run(app, "moral", path)
    assert summary["written"] == 1
    assert summary["errors"][0]["message"] == "结论“优秀”无法识别，只能填：合格、不合格"
    assert db.session.scalars(select(MoralEvaluation.passed).where(MoralEvaluation.learner_id == learner.id)).all() \
        == [True]


def test_exemptions_import_refuses_rows_that_break_r9(app, tmp_path, enrol, plan):
    save_certificate_kind(actor=None, kind=None, name="家政服务员（五级）", evidence_type="职业技能等级证书",
                          credits=Decimal(0), course_ids=[plan.skill.id])
    first, second, third = enrol(), enrol(), enrol()
    path = write_csv(tmp_path, "免修.csv", ["身份证号", "课程", "类型", "依据", "证明材料", "工作年限", "审批结论"], [
        [first.id_number, "家政服务", "免修", "职业技能等级证书", "家政服务员（五级）", "", "已批准"],
        [first.id_number, "家政顶岗实习", "实习免除", "工作经历", "某家政公司保洁员", "2", "已批准"],
        [second.id_number, "家政顶岗实习", "实习免除", "工作经历", "某家政公司保洁员", "1.9", "已批准"],
        [second.id_number, "读写算", "免考", "职业资格证书", "家政服务员（五级）", "", "待审批"],
        [third.id_number, "家政服务", "免修", "职业技能等级证书", "家政服务员五级", "", "待审批"],
        [third.id_number, "读写算", "", "竞赛获奖", "县赛三等奖", "", "已批准"],
    ])
    code, summary = run(app, "exemptions", path)
    messages = {e["row"]: e["message"] for e in summary["errors"]}
    assert code == 1 and summary["written"] == 2
    assert messages[4] == "对口岗位工作 1.9 年，不足 2 年，不能免除顶岗实习"
    assert messages[5] == "证书只能申请专业技能课的免修免考，课程《读写算》是文化课"
    assert messages[6] == "证书“家政服务员五级”不在学校的证书对应表中，是不是“家政服务员（五级）”？"
    assert messages[7] == "竞赛获奖未填写给予的学分"
    approved = db.session.scalars(select(RecognitionApplication).where(RecognitionApplication.learner_id == first.id)
                                  ).all()
    assert {(a.status, a.items[0].kind) for a in approved} == {("approved", "exempt_study"), ("approved", "waived")}
    assert run(app, "exemptions", path)[1]["written"] == 0


def test_status_events_import_applies_rows_in_date_order(app, tmp_path, enrol):
    from tests.factories import specialty_named

    learner, mover, gone = enrol(), enrol(), enrol()
    path = write_csv(tmp_path, "异动.csv", ["身份证号", "类型", "日期", "原因", "新专业"], [
        [learner.id_number, "复学", "2024-09-01", "返乡", ""],
        [learner.id_number, "休学", "2024-03-01", "外出务工", ""],
        [mover.id_number, "转专业", "2024-05-01", "个人意愿", "餐饮"],
        [gone.id_number, "退学", "2024-05-01", "本人申请", ""],
        [gone.id_number, "复学", "2024-06-01", "想回来", ""],
        [mover.id_number, "毕业", "2024-06-01", "x", ""],
    ])
    code, summary = run(app, "status-events", path)
    messages = {e["row"]: e["message"] for e in summary["errors"]}
    assert summary["written"] == 4
    assert messages[6] == "学员此时状态为退学，不能办理复学"
    assert messages[7].startswith("类型“毕业”无法识别")
    db.session.expire_all()
    assert learner.status == "studying" and learner.period_end_on == date(2026, 2, 28) + (date(2024, 9, 1) -
                                                                                          date(2024, 3, 1))
    assert mover.specialty_id == specialty_named("餐饮").id and mover.class_id is None
    assert gone.status == "withdrawn"
    kinds = db.session.scalars(select(StatusEvent.kind).where(StatusEvent.learner_id == learner.id)
                               .order_by(StatusEvent.occurred_on)).all()
    assert kinds == ["suspend", "resume"]
    assert run(app, "status-events", path)[1]["written"] == 0


def test_status_events_import_takes_transfers_cancel_and_death(app, tmp_path, enrol):
    """转出/转入 need the other school and the transfer document (the row and column are named); a revoked
    event does not stop the same event from being imported again."""
    from lms.learners.services.status import revoke_status_event

    leaving, arriving, cancelled, dead, careless = enrol(), enrol(), enrol(), enrol(), enrol()
    path = write_csv(tmp_path, "异动.csv", ["身份证号", "类型", "日期", "原因", "对方学校或地区", "转学证明编号"], [
        [leaving.id_number, "转出", "2024-05-01", "随家人迁居", "邻县职业技术学校", "ZX-2024-07"],
        [arriving.id_number, "转入", "2024-04-01", "随家人迁入", "外县职校", "ZR-2024-02"],
        [cancelled.id_number, "注销", "2024-05-02", "重复注册", "", ""],
        [dead.id_number, "死亡", "2024-05-03", "病故", "", ""],
        [careless.id_number, "转出", "2024-05-04", "迁居", "邻县职业技术学校", ""],
        [careless.id_number, "转入", "2024-05-04", "迁入", "", "ZR-1"],
    ])
    code, summary = run(app, "status-events", path)
    errors = {(e["row"], e["column"]): e["message"] for e in summary["errors"]}
    assert summary["written"] == 4
    assert errors == {(6, "转学证明编号"): "转出须填写转学证明编号", (7, "对方学校或地区"): "转入须填写对方学校或地区"}
    db.session.expire_all()
    assert [p.status for p in (leaving, arriving, cancelled, dead, careless)] == [
        "transferred", "studying", "cancelled", "deceased", "studying"]
    moved = db.session.scalar(select(StatusEvent).where(StatusEvent.learner_id == leaving.id))
    assert (moved.other_school, moved.document_number) == ("邻县职业技术学校", "ZX-2024-07")
    revoke_status_event(actor=None, event=moved, reason="录错学员")
    db.session.commit()
    assert run(app, "status-events", path)[1]["written"] == 1           # only the revoked 转出 again
    db.session.expire_all()
    assert leaving.status == "transferred"


def test_status_event_service_refuses_out_of_order_and_wrong_status(enrol):
    import pytest

    from lms.core.errors import DomainError
    from lms.learners.services.status import record_status_event

    learner = enrol()
    with pytest.raises(DomainError, match="学员当前状态为在读，不能办理复学"):
        record_status_event(actor=None, learner=learner, kind="resume", occurred_on=date(2024, 1, 1), reason="x",
                            today=date(2025, 1, 1))
    record_status_event(actor=None, learner=learner, kind="suspend", occurred_on=date(2024, 6, 1), reason="务工",
                        today=date(2025, 1, 1))
    with pytest.raises(DomainError, match="异动日期早于上一次异动"):
        record_status_event(actor=None, learner=learner, kind="resume", occurred_on=date(2024, 5, 1), reason="x",
                            today=date(2025, 1, 1))
    with pytest.raises(DomainError, match="请填写异动原因"):
        record_status_event(actor=None, learner=learner, kind="withdraw", occurred_on=date(2024, 7, 1), reason=" ",
                            today=date(2025, 1, 1))


def _waiver_file(tmp_path, learner, decided_on, approver="王主任", status="已批准"):
    return write_csv(tmp_path, "台账.csv", ["身份证号", "课程", "类型", "依据", "证明材料", "工作年限", "审批结论",
                                           "审批日期", "审批人"], [
        [learner.id_number, "家政顶岗实习", "实习免除", "工作经历", "某家政公司保洁员", "3", status, decided_on,
         approver]])


def test_a_migrated_exemption_keeps_its_approval_day_and_the_audit_counts_it_from_then(app, tmp_path, enrol, plan):
    from lms.assessment.account import learning_account

    learner = enrol()
    code, summary = run(app, "exemptions", _waiver_file(tmp_path, learner, "2025-03-10"))
    assert (code, summary["written"]) == (0, 1)
    application = db.session.scalars(select(RecognitionApplication)
                                     .where(RecognitionApplication.learner_id == learner.id)).one()
    assert application.decided_on == date(2025, 3, 10)
    assert application.decision_reason == "导入时已批准（审批人：王主任）"

    def waived(day):
        line = next(c for c in learning_account(learner, day).courses if c.course.name == "家政顶岗实习")
        return [(t.what, t.on) for t in line.recognitions]

    assert waived(date(2025, 3, 9)) == []
    assert waived(date(2025, 3, 10)) == [("实习免除", date(2025, 3, 10))]


def test_an_exemption_without_approval_day_is_dated_today(app, tmp_path, enrol, plan):
    learner = enrol()
    assert run(app, "exemptions", _waiver_file(tmp_path, learner, "", approver=""))[1]["written"] == 1
    application = db.session.scalars(select(RecognitionApplication)
                                     .where(RecognitionApplication.learner_id == learner.id)).one()
    assert (application.decided_on, application.decision_reason) == (date(2026, 12, 7), "导入时已批准")


def test_approval_days_in_the_future_before_enrolment_or_on_pending_rows_are_refused(app, tmp_path, enrol, plan):
    early, late, pending = enrol(), enrol(), enrol()
    day_before = early.enrolled_on.replace(day=1) if early.enrolled_on.day > 1 else None
    before = (day_before or early.enrolled_on.replace(year=early.enrolled_on.year - 1)).isoformat()
    path = write_csv(tmp_path, "台账.csv", ["身份证号", "课程", "类型", "依据", "证明材料", "工作年限", "审批结论",
                                           "审批日期", "审批人"], [
        [early.id_number, "家政顶岗实习", "实习免除", "工作经历", "保洁员", "3", "已批准", before, ""],
        [late.id_number, "家政顶岗实习", "实习免除", "工作经历", "保洁员", "3", "已批准", "2026-12-08", ""],
        [pending.id_number, "家政顶岗实习", "实习免除", "工作经历", "保洁员", "3", "待审批", "2025-03-10", ""],
    ])
    code, summary = run(app, "exemptions", path, "--dry-run")
    messages = {(e["row"], e["column"]): e["message"] for e in summary["errors"]}
    assert summary["dry_run"] and summary["would_write"] == 0
    assert messages[(2, "审批日期")].startswith("日期 ") and "不能早于" in messages[(2, "审批日期")]
    assert messages[(3, "审批日期")] == "日期 2026年12月8日 不能晚于 2026年12月7日"
    assert messages[(4, "审批日期")] == "待审批的申请不能填写审批日期或审批人"
    assert run(app, "exemptions", path)[1]["written"] == 0
    assert db.session.scalar(select(RecognitionApplication.id)) is None


def test_the_import_preview_names_a_future_approval_day_and_the_template_offers_the_columns(
        client, login_as, tmp_path, enrol, plan):
    import io

    learner = enrol()
    login_as("registrar")
    upload = _waiver_file(tmp_path, learner, "2027-01-01").read_bytes()
    page = client.post_form("/imports/exemptions/", {"file": (io.BytesIO(upload), "台账.csv")},
                            content_type="multipart/form-data").get_data(as_text=True)
    assert "日期 2027年1月1日 不能晚于 2026年12月7日" in page and "审批日期" in page
    assert db.session.scalar(select(RecognitionApplication.id)) is None
