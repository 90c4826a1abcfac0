"""The certificate pages name kinds, outcomes and verification channels in words, from the one vocabulary."""
from __future__ import annotations

import re
from datetime import date

from flask import current_app

from lms.certificates.models import VerificationLog
from lms.certificates.rendering import document_html, page_context
from lms.certificates.signing import load_private_key
from lms.extensions import db
from tests.factories.certificates import issued_study_records, withdraw


def test_the_issue_pages_say_whom_the_engine_admits(client, login_as, registrar):
    login_as(registrar)
    assert "学校直接发放；引擎判定为结业的学员才能领取" in client.get("/certificates/issue/completion").get_data(as_text=True)
    assert "学校直接发放；引擎判定为退学的学员才能领取" in client.get("/certificates/issue/study-record").get_data(
        as_text=True)


def test_a_study_record_names_each_course_kind_and_its_page_the_look_up_channels(client, login_as, registrar,
                                                                                   learners):
    learner = withdraw(learners()[0], date(2024, 5, 10))
    certificate = issued_study_records(registrar, [learner], issued_on=date(2025, 7, 2)).members[0].certificate
    html = document_html([page_context(certificate, base_url="https://lms.example.cn",
                                       private_key=load_private_key(current_app.config["DATA_DIR"]))])
    kinds = re.findall(r'<td class="name">[^<]*</td><td>([^<]*)</td>', html)
    assert set(kinds) == {"文化课", "专业技能课", "顶岗实习"}
    db.session.add_all([VerificationLog(certificate_id=certificate.id, channel="online", remote_addr="10.0.0.1"),
                        VerificationLog(certificate_id=certificate.id, channel="offline-cli")])
    db.session.flush()
    login_as(registrar)
    page = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert " · 在线 · 10.0.0.1" in page and " · 命令行 · " in page
