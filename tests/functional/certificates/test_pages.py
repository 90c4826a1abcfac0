"""The registrar's pages: building a batch through 验印 to issue, direct issuing, revocation, exports, seal."""
from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from lms.audit.models import AuditEvent
from lms.certificates.models import Certificate, GraduationBatch
from lms.extensions import db
from tests.factories import make_county, make_learner, make_township, make_user, make_village
from tests.factories.certificates import issued_diplomas, make_completer, make_graduate, withdraw


def test_registrar_goes_from_the_eligible_list_to_issued_diplomas(client, login_as, registrar, learners):
    graduates, still_studying = learners(2), learners(1, enrolled_on=date(2024, 3, 1))[0]
    for learner in graduates:
        make_graduate(learner)
    login_as(registrar)
    page = client.get("/certificates/batches/new?as_of=2025-07-01").get_data(as_text=True)
    assert all(learner.name in page for learner in graduates) and still_studying.name not in page
    response = client.post_form("/certificates/batches/new?as_of=2025-07-01", {
        "name": "2025年毕业批次", "as_of": "2025-07-01", "learner_id": [str(l.id) for l in graduates]})
    batch = db.session.scalar(select(GraduationBatch).where(GraduationBatch.name == "2025年毕业批次"))
    assert response.headers["Location"].endswith(f"/certificates/batches/{batch.id}")
    url = f"/certificates/batches/{batch.id}"
    client.post_form(f"{url}/submit", {"submitted_on": "2025-07-02", "print_without_photo": "y"})
    client.post_form(f"{url}/verification", {"verified_on": "2025-07-20", "verification_ref": "州教验〔2025〕8号"})
    confirmation = client.post_form(f"{url}/issue", {"issued_on": "2025-07-25"}).get_data(as_text=True)
    assert "将发放 2 份毕业证书，编号 520000250001 至 520000250002" in confirmation and batch.status == "verified"
    client.post_form(f"{url}/issue", {"issued_on": "2025-07-25", "confirmed": "1", "expected_first": "520000250001"})
    page = client.get(url).get_data(as_text=True)
    assert batch.status == "issued" and "520000250001" in page and "520000250002" in page and "批量打印" in page


def test_a_verification_without_reference_is_refused_in_chinese(client, login_as, registrar, learners):
    learner = learners()[0]
    make_graduate(learner)
    login_as(registrar)
    client.post_form("/certificates/batches/new", {"name": "B", "as_of": "2025-07-01", "learner_id": [str(learner.id)]})
    batch = db.session.scalar(select(GraduationBatch).where(GraduationBatch.name == "B"))
    client.post_form(f"/certificates/batches/{batch.id}/submit", {"submitted_on": "2025-07-02", "print_without_photo": "y"})
    response = client.post_form(f"/certificates/batches/{batch.id}/verification",
                                {"verified_on": "2025-07-20", "verification_ref": ""}, follow_redirects=True)
    assert "请填写验印文号或编号" in response.get_data(as_text=True) and batch.status == "submitted"


def test_completion_certificates_are_issued_directly_to_ticked_learners(client, login_as, registrar, learners):
    completers = learners(2)
    for learner in completers:
        make_completer(learner)
    login_as(registrar)
    assert completers[0].name in client.get("/certificates/issue/completion?as_of=2025-07-01").get_data(as_text=True)
    client.post_form("/certificates/issue/completion?as_of=2025-07-01",
                     {"issued_on": "2025-07-01", "learner_id": [str(completers[0].id)]})
    kinds = db.session.scalars(select(Certificate.kind).where(Certificate.learner_id.in_([l.id for l in completers])))
    assert list(kinds) == ["completion"]


def test_revoking_and_reissuing_through_the_page(client, login_as, registrar, learners):
    learner = withdraw(learners()[0], date(2024, 5, 10))
    login_as(registrar)
    client.post_form("/certificates/issue/study-record", {"issued_on": "2025-07-01", "learner_id": [str(learner.id)]})
    certificate = db.session.scalar(select(Certificate).where(Certificate.learner_id == learner.id))
    response = client.post_form(f"/certificates/{certificate.id}/revoke", {"reason": "", "revoked_on": "2025-08-01"},
                                follow_redirects=True)
    assert "请填写撤销原因" in response.get_data(as_text=True) and certificate.status == "valid"
    client.post_form(f"/certificates/{certificate.id}/revoke",
                     {"reason": "信息有误", "revoked_on": "2025-08-01", "confirmed": "1"})
    response = client.post_form(f"/certificates/{certificate.id}/reissue", {"reason": "信息更正", "issued_on": "2025-08-02"})
    new = db.session.scalar(select(Certificate).where(Certificate.replaces_id == certificate.id))
    assert response.headers["Location"].endswith(f"/certificates/{new.id}")
    assert "替代原证书" in client.get(f"/certificates/{new.id}").get_data(as_text=True)


def test_downloading_a_certificate_pdf_is_audited(client, login_as, registrar, learners):
    _batch, (certificate,) = issued_diplomas(registrar, learners(1), issued_on=date(2025, 7, 1))
    login_as(registrar)
    response = client.get(f"/certificates/{certificate.id}/pdf")
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.entity_id == str(certificate.id),
                                                             AuditEvent.action == "certificate.pdf"))


def test_list_pages_cost_a_fixed_number_of_queries(client, login_as, registrar, learners, count_queries):
    login_as(registrar)
    issued_diplomas(registrar, learners(2), issued_on=date(2025, 7, 1), name="小批次")
    with count_queries() as few:
        for url in ("/certificates/", "/certificates/batches", "/certificates/issue/study-record?as_of=2025-07-01"):
            assert client.get(url).status_code == 200
        batch_page = client.get(f"/certificates/batches/{db.session.scalar(select(GraduationBatch.id))}")
    issued_diplomas(registrar, learners(8), issued_on=date(2025, 7, 2), name="大批次")
    for learner in learners(6):
        withdraw(learner, date(2024, 5, 10))
    with count_queries() as many:
        for url in ("/certificates/", "/certificates/batches", "/certificates/issue/study-record?as_of=2025-07-01"):
            assert client.get(url).status_code == 200
        client.get(f"/certificates/batches/{db.session.scalar(select(GraduationBatch.id).order_by(GraduationBatch.id.desc()))}")
    assert batch_page.status_code == 200 and len(many) == len(few)


def test_the_police_list_and_funding_claim_are_scoped_to_the_township_and_audited(client, login_as, registrar):
    county = make_county()
    mine, other = make_township(county, "甲镇"), make_township(county, "乙镇")
    here, there = make_village(mine, "甲一村"), make_village(other, "乙一村")
    people = [make_learner(here, name="甲毕业", enrolled_on=date(2022, 3, 1)),
              make_learner(there, name="乙毕业", enrolled_on=date(2022, 3, 1))]
    issued_diplomas(registrar, people, issued_on=date(2025, 7, 1))
    login_as(make_user("township", divisions=[mine]))
    police = load_workbook(io.BytesIO(client.get("/certificates/exports/police.xlsx").data)).active
    rows = list(police.values)
    assert rows[1][:3] == ("序号", "姓名", "身份证号")
    assert [row[1] for row in rows[2:]] == ["甲毕业"]
    assert rows[2][2] == people[0].id_number and rows[2][7] == "中等职业教育" and rows[2][8] == "520000250001"
    funding = load_workbook(io.BytesIO(client.get("/certificates/exports/funding.xlsx?date_from=2025-01-01").data))
    summary = list(funding["经费汇总"].values)
    assert summary[2][:5] == ("甲镇", 1, 0, 1, "1,500") and "1,500 元" in summary[2][5]
    assert summary[-1][:5] == ("合计", 1, 0, 1, "1,500")
    exports = db.session.scalars(select(AuditEvent.summary).where(AuditEvent.action == "export.xlsx")).all()
    assert len(exports) == 2 and all("身份证号" in text for text in exports)


def test_the_admin_uploads_a_seal_and_a_non_png_is_refused(client, login_as):
    login_as("admin")
    jpeg, png = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (50, 50), "red").save(jpeg, format="JPEG")
    Image.new("RGBA", (300, 300), (200, 0, 0, 255)).save(png, format="PNG")
    refused = client.post_form("/settings/seal", {"seal": (io.BytesIO(jpeg.getvalue()), "seal.jpg"), "action": "upload"},
                               content_type="multipart/form-data")
    assert "应为 PNG 格式" in refused.get_data(as_text=True)
    client.post_form("/settings/seal", {"seal": (io.BytesIO(png.getvalue()), "seal.png"), "action": "upload"},
                     content_type="multipart/form-data")
    assert "当前印章" in client.get("/settings/seal").get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "settings.seal"))


def test_a_bad_number_pattern_is_refused_with_a_chinese_message(client, login_as):
    login_as("admin")
    from lms.settings.registry import SETTINGS
    from lms.settings.services import all_settings

    values = {**all_settings(), "certificate.number_pattern": "{school}{yy}"}
    page = client.post_form("/settings/", {key: values[key] for key in (s.key for s in SETTINGS)}).get_data(as_text=True)
    assert "证书编号规则必须有且只有一个顺序号" in page
