"""Recognition of prior learning: the certificate table, applications with scans, the registrar's decision."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.extensions import db
from lms.recognition.models import CertificateKind, RecognitionApplication
from lms.recognition.services import save_certificate_kind
from tests.factories import make_user, tiny_pdf, tiny_png
from tests.support.hostile_files import jpeg_claiming, png


@pytest.fixture
def certificate(plan):
    return save_certificate_kind(actor=None, kind=None, name="家政服务员（五级）", evidence_type="职业技能等级证书",
                                 credits=Decimal(0), course_ids=[plan.skill.id])


def apply(client, learner, scan=None, **fields):
    data = {"evidence_type": "职业技能等级证书", "exemption": "exempt_study", "certificate_kind_id": "0",
            "certificate_name": "", **fields}
    data["scan"] = (io.BytesIO(scan if scan is not None else tiny_png()), "证书.png")
    return client.post_form(f"/learners/{learner.id}/recognition/new", data, content_type="multipart/form-data")


def test_a_teacher_files_a_certificate_application_and_the_registrar_approves_it(client, login_as, enrol, plan,
                                                                                 home_class, certificate):
    learner = enrol()
    login_as("teacher", classes=[home_class])
    response = apply(client, learner, certificate_kind_id=certificate.id, certificate_number="S123",
                     issuer="州人社局", course_ids=[plan.skill.id])
    assert response.status_code == 302, response.get_data(as_text=True)
    application = db.session.scalars(select(RecognitionApplication)).one()
    assert application.status == "pending" and application.scan_mime == "image/png"
    client.logout()
    registrar = login_as("registrar")
    queue = client.get("/recognition/").get_data(as_text=True)
    assert learner.name in queue and "免修《家政服务》" in queue
    scan = client.get(f"/recognition/{application.id}/scan")
    assert scan.status_code == 200 and scan.mimetype == "image/png"
    done = client.post_form(f"/recognition/{application.id}/decide", {"decision": "approve", "reason": ""})
    assert done.status_code == 302
    db.session.refresh(application)
    assert (application.status, application.decided_by_id) == ("approved", registrar.id)
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "recognition.decide")).one()
    account = client.get(f"/learners/{learner.id}/account").get_data(as_text=True)
    assert "免修" in account and "家政服务员（五级）" in account


def test_a_course_not_mapped_to_the_certificate_is_refused_with_the_engines_reason(client, login_as, enrol, plan,
                                                                                   certificate):
    learner = enrol()
    login_as("registrar")
    page = apply(client, learner, certificate_kind_id=certificate.id, course_ids=[plan.internship.id]
                 ).get_data(as_text=True)
    assert "证书只能申请专业技能课的免修免考" in page
    assert db.session.scalars(select(RecognitionApplication)).all() == []


def test_a_work_waiver_under_two_years_is_refused(client, login_as, enrol):
    learner = enrol()
    login_as("registrar")
    page = apply(client, learner, evidence_type="工作经历", work_post="某家政公司 保洁 2023—2025",
                 work_years="1.9").get_data(as_text=True)
    assert "对口岗位工作 1.9 年，不足 2 年，不能免除顶岗实习" in page
    ok = apply(client, learner, evidence_type="工作经历", work_post="某家政公司 保洁 2023—2025", work_years="2")
    assert ok.status_code == 302
    item = db.session.scalars(select(RecognitionApplication)).one().items[0]
    assert item.kind == "waived"


@pytest.mark.parametrize("content, message", [
    (b"not a scan at all", "证明材料只能是 PDF、JPG 或 PNG 文件"),
    (b"", "请上传证明材料扫描件"),
    (b"%PDF-1.4 broken", "PDF 文件不完整"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "证明材料只能是 PDF、JPG 或 PNG 文件"),
    (png(30000, 30000, pixels=False), "图片尺寸 30000×30000 过大，最大 4000 万像素，请缩小后重新上传"),
    (jpeg_claiming(12000, 9000), "图片尺寸 12000×9000 过大，最大 4000 万像素，请缩小后重新上传"),
], ids=["text", "empty", "broken-pdf", "svg", "huge-png", "huge-jpeg"])
def test_scans_are_checked_by_content(client, login_as, enrol, plan, certificate, content, message):
    learner = enrol()
    login_as("registrar")
    page = apply(client, learner, scan=content, certificate_kind_id=certificate.id,
                 course_ids=[plan.skill.id]).get_data(as_text=True)
    assert message in page
    assert db.session.scalars(select(RecognitionApplication)).all() == []


def test_a_pdf_scan_is_accepted_and_a_large_one_refused(app, client, login_as, enrol, plan, certificate):
    learner = enrol()
    login_as("registrar")
    assert apply(client, learner, scan=tiny_pdf(), certificate_kind_id=certificate.id,
                 course_ids=[plan.skill.id]).status_code == 302
    app.config["EVIDENCE_MAX_BYTES"] = 20
    try:
        page = apply(client, enrol(), certificate_kind_id=certificate.id, course_ids=[plan.skill.id])
    finally:
        app.config["EVIDENCE_MAX_BYTES"] = 5 * 1024 * 1024
    assert "证明材料超过" in page.get_data(as_text=True)


def test_a_second_exemption_of_the_same_course_is_refused(client, login_as, enrol, plan, certificate):
    learner = enrol()
    login_as("registrar")
    assert apply(client, learner, certificate_kind_id=certificate.id, course_ids=[plan.skill.id]).status_code == 302
    page = apply(client, learner, certificate_kind_id=certificate.id, course_ids=[plan.skill.id],
                 exemption="exempt_exam").get_data(as_text=True)
    assert "《家政服务》已有待审批的免修/免考申请" in page


def test_rejecting_needs_a_reason_and_a_rejected_application_never_counts(client, login_as, enrol, plan,
                                                                          certificate):
    from lms.assessment.audit import decide

    learner = enrol()
    login_as("registrar")
    apply(client, learner, certificate_kind_id=certificate.id, course_ids=[plan.skill.id])
    application = db.session.scalars(select(RecognitionApplication)).one()
    page = client.post_form(f"/recognition/{application.id}/decide", {"decision": "reject", "reason": ""})
    assert "不批准须写明理由" in page.get_data(as_text=True)
    client.post_form(f"/recognition/{application.id}/decide", {"decision": "reject", "reason": "证书为复印件，无法核实"})
    db.session.refresh(application)
    assert application.status == "rejected" and application.decision_reason == "证书为复印件，无法核实"
    standing = decide([learner.id], date.today())[learner.id].courses[1]
    assert standing.status != "exempt_study"
    again = client.post_form(f"/recognition/{application.id}/decide", {"decision": "approve"})
    assert "不能重复审批" in again.get_data(as_text=True)


def test_only_the_registrar_decides(client, login_as, world):
    login_as("teacher", classes=[world.class_a])
    assert client.post_form(f"/recognition/{world.application_a.id}/decide", {"decision": "approve"}
                            ).status_code == 403


def test_the_registrar_edits_the_certificate_table(client, login_as, plan):
    login_as("registrar")
    response = client.post_form("/recognition/table/new", {
        "name": "中式烹调师（五级）", "evidence_type": "职业资格证书", "course_ids": [plan.skill.id], "credits": "0",
        "active": "y"})
    assert response.status_code == 302
    kind = db.session.scalars(select(CertificateKind).where(CertificateKind.name == "中式烹调师（五级）")).one()
    assert kind.course_ids == {plan.skill.id}
    page = client.post_form(f"/recognition/table/{kind.id}/edit", {
        "name": "中式烹调师（五级）", "evidence_type": "职业资格证书", "credits": "0", "active": "y"})
    assert "职业资格证书/职业技能等级证书须对应至少一门课程" in page.get_data(as_text=True)
    client.post_form(f"/recognition/table/{kind.id}/edit", {
        "name": "中式烹调师（五级）", "evidence_type": "职业资格证书", "course_ids": [plan.literacy.id, plan.skill.id],
        "credits": "0", "active": "y"})
    db.session.refresh(kind)
    assert kind.course_ids == {plan.literacy.id, plan.skill.id}
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "certificate_kind")))
    assert actions == {"certificate_kind.create", "certificate_kind.update"}
    assert "中式烹调师（五级）" in client.get("/recognition/table").get_data(as_text=True)


def test_an_award_needs_credits_in_the_table(client, login_as):
    login_as("registrar")
    page = client.post_form("/recognition/table/new", {"name": "县技能大赛", "evidence_type": "竞赛获奖",
                                                       "credits": "0", "active": "y"})
    assert "竞赛获奖、发明创造和技术革新须写明给予的学分" in page.get_data(as_text=True)


def test_the_queue_costs_a_fixed_number_of_queries(client, login_as, enrol, plan, count_queries):
    from lms.recognition.services import Request, create_application

    registrar = make_user("registrar")
    login_as(registrar)

    def add():
        create_application(actor=registrar, learner=enrol(), evidence_type="竞赛获奖",
                           request=Request(None, (plan.skill.id,), Decimal("1")), certificate_name="县赛三等奖",
                           today=date(2025, 6, 1))

    add()
    with count_queries() as few:
        client.get("/recognition/?status=all")
    for _ in range(5):
        add()
    with count_queries() as many:
        client.get("/recognition/?status=all")
    assert len(many) == len(few)


def test_the_scan_of_another_townships_learner_is_404(client, world):
    client.login(world.users["township"].username)
    assert client.get(f"/recognition/{world.application_a.id}/scan").status_code == 200
    other = db.session.scalars(select(RecognitionApplication).where(
        RecognitionApplication.learner_id == world.learner_b.id)).one()
    assert client.get(f"/recognition/{other.id}/scan").status_code == 404
