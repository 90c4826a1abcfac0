"""我的学习: a new 学员证's QR code opens the learner's own page after their birth date; wrong dates are
counted and lock the card; a new card retires the old one; every view and refusal is audited; the page
never shows an ID number or a phone number."""
from __future__ import annotations

import itertools
import subprocess
from datetime import date

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from lms.assessment.account import learning_account
from lms.audit.models import AuditEvent
from lms.core.privacy import mask_id_number, mask_phone
from lms.extensions import db
from lms.learners.models import LearnerCard
from lms.rules import format_hours
from tests.factories import make_learner, make_session, mark_attendance
from tests.factories.certificates import make_certificate
from tests.functional.teaching.conftest import build_class

BIRTH = date(1985, 6, 15)
_addresses = itertools.count(1)


@pytest.fixture
def learner_client(app):
    """An anonymous phone of its own address (the per-address rate limit counts each test apart)."""
    phone = app.test_client()
    phone.environ_base["REMOTE_ADDR"] = f"10.77.{next(_addresses) % 250}.{next(_addresses) % 250}"
    return phone


@pytest.fixture
def setup(app):
    setup = build_class(2)
    learner = make_learner(setup.village, teaching_class=setup.teaching_class, name="王德才", birth_on=BIRTH)
    learner.phone = "13812345678"
    db.session.flush()
    setup.learners.append(learner)
    return setup


def _card_pdf(client, setup, tmp_path, name="card"):
    """Print a new card as the class teacher; the PDF's QR text."""
    client.login(setup.teacher.username)
    response = client.post_form(f"/learners/{setup.learners[-1].id}/card")
    client.logout()
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(response.data)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(path), str(tmp_path / name)], check=True)
    codes = [code.text for code in zxingcpp.read_barcodes(Image.open(tmp_path / f"{name}.png").convert("RGB"))]
    assert len(codes) == 1
    return codes[0], path


def _token(qr_text: str) -> str:
    return qr_text.split("/my/", 1)[1].split("#", 1)[0]


def _birth(day: date) -> dict:
    return {"year": day.year, "month": day.month, "day": day.day}


def _actions(learner_id) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "learner", AuditEvent.entity_id == str(learner_id)).order_by(AuditEvent.id)))


def test_the_card_qr_opens_my_learning_after_the_right_birth_date(client, learner_client, setup, tmp_path):
    learner = setup.learners[-1]
    session = make_session(setup.teaching_class, held_on=date(2026, 12, 2), hours=4)
    mark_attendance(session, learner)
    make_certificate(learner)
    qr, path = _card_pdf(client, setup, tmp_path)
    # One QR code serves both: a phone opens the link, the attendance sheet reads the number after "#".
    assert "/my/" in qr and qr.endswith("#" + learner.student_number)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "看我的学习" in text and "王德才" in text

    url = "/my/" + _token(qr)
    asked = learner_client.get(url).get_data(as_text=True)
    assert "出生日期" in asked and "王" not in asked.split("<main", 1)[1]     # nothing of the learner yet
    opened = learner_client.post_form(url, _birth(BIRTH))
    assert opened.status_code == 302
    html = learner_client.get(url).get_data(as_text=True)
    account = learning_account(learner, date(2026, 12, 7))
    required = account.evaluation.hours.numbers["required_minutes"]
    shortfall = format_hours(required - account.decision.hours_360, round_up=True)
    assert f"还差 {shortfall} 学时" in html
    assert "王*才" in html and 'id="name-full" hidden>王德才' in html          # masked until they ask
    assert "本月上课 <strong>1</strong> 天" in html
    assert "读写算" in html and "/v/" in html and "读给我听" in html
    assert _actions(learner.id)[-3:] == ["learner.card_issue", "learner.self_login", "learner.self_view"]
    learner_client.get(url)
    assert _actions(learner.id).count("learner.self_view") == 2                # every view is on record


def test_the_page_never_shows_an_id_number_or_a_phone(client, learner_client, setup, tmp_path):
    learner = setup.learners[-1]
    url = "/my/" + _token(_card_pdf(client, setup, tmp_path)[0])
    learner_client.post_form(url, _birth(BIRTH))
    html = learner_client.get(url).get_data(as_text=True)
    assert "我的学习" in html and "还差" in html
    for secret in (learner.id_number, mask_id_number(learner.id_number), learner.id_number[-6:], learner.phone,
                   mask_phone(learner.phone), learner.phone[-4:], learner.student_number):
        assert secret not in html


def test_a_wrong_birth_date_is_refused_counted_and_locks_the_card_after_five(client, learner_client, setup,
                                                                             tmp_path, app):
    learner = setup.learners[-1]
    url = "/my/" + _token(_card_pdf(client, setup, tmp_path)[0])
    limit = app.config["MY_LEARNING_MAX_FAILURES"]
    for tries in range(1, limit):
        refused = learner_client.post_form(url, _birth(date(1985, 6, 16)))
        assert refused.status_code == 200
        assert f"出生日期不对，请再选一次。还可以试 {limit - tries} 次。" in refused.get_data(as_text=True)
    card = db.session.scalar(select(LearnerCard).where(LearnerCard.learner_id == learner.id))
    assert card.failed_attempts == limit - 1
    last = learner_client.post_form(url, _birth(date(1986, 6, 15))).get_data(as_text=True)
    assert "输错次数太多" in last
    locked = learner_client.post_form(url, _birth(BIRTH)).get_data(as_text=True)   # even the right date waits
    assert "分钟后再试" in locked and "王*才" not in locked
    assert learner_client.get(url).get_data(as_text=True).count("还差") == 0
    assert _actions(learner.id).count("learner.self_view_refused") == limit + 1
    assert "learner.self_login" not in _actions(learner.id)


def test_an_impossible_day_is_refused_without_counting(client, learner_client, setup, tmp_path):
    url = "/my/" + _token(_card_pdf(client, setup, tmp_path)[0])
    html = learner_client.post_form(url, {"year": 1985, "month": 2, "day": 30}).get_data(as_text=True)
    assert "2月没有30日" in html
    card = db.session.scalar(select(LearnerCard).where(LearnerCard.learner_id == setup.learners[-1].id))
    assert card.failed_attempts == 0


def test_a_new_card_retires_the_old_one(client, learner_client, setup, tmp_path):
    old = "/my/" + _token(_card_pdf(client, setup, tmp_path, "old")[0])
    learner_client.post_form(old, _birth(BIRTH))
    assert "还差" in learner_client.get(old).get_data(as_text=True)
    new = "/my/" + _token(_card_pdf(client, setup, tmp_path, "new")[0])
    gone = learner_client.get(old)
    assert gone.status_code == 404 and "已经不能用了" in gone.get_data(as_text=True)   # even while opened
    assert learner_client.post_form(old, _birth(BIRTH)).status_code == 404
    assert "还差" not in learner_client.get(new).get_data(as_text=True)               # the new card asks again
    learner_client.post_form(new, _birth(BIRTH))
    assert "还差" in learner_client.get(new).get_data(as_text=True)
    cards = db.session.scalars(select(LearnerCard).where(LearnerCard.learner_id == setup.learners[-1].id)
                               .order_by(LearnerCard.id)).all()
    assert [card.revoked for card in cards] == [True, False]


def test_an_unknown_token_or_the_student_number_opens_nothing(learner_client, setup):
    assert learner_client.get("/my/not-a-card-token-at-all").status_code == 404
    assert learner_client.get("/my/" + setup.learners[-1].student_number).status_code == 404
    assert learner_client.get("/my/" + setup.learners[-1].id_number).status_code == 404


def test_leaving_closes_the_page_and_an_opened_card_opens_no_other(client, learner_client, setup, tmp_path):
    mine = "/my/" + _token(_card_pdf(client, setup, tmp_path, "mine")[0])
    setup.learners.append(setup.learners[0])      # print the first learner's card next
    other = "/my/" + _token(_card_pdf(client, setup, tmp_path, "other")[0])
    learner_client.post_form(mine, _birth(BIRTH))
    assert "还差" in learner_client.get(mine).get_data(as_text=True)
    assert "还差" not in learner_client.get(other).get_data(as_text=True)
    learner_client.post_form(mine + "/logout")
    assert "还差" not in learner_client.get(mine).get_data(as_text=True)


def test_too_many_requests_from_one_address_get_429(app, learner_client, setup):
    limit = int(app.config["MY_LEARNING_RATE_LIMIT"].split()[0])
    statuses = {learner_client.get("/my/some-token").status_code for _ in range(limit)}
    assert statuses == {404}
    assert learner_client.get("/my/some-token").status_code == 429


def test_only_the_roles_that_print_cards_may_print_a_new_one(client, setup):
    from tests.factories import make_user

    enroller = make_user("enroller", divisions=[setup.village])
    client.login(enroller.username)
    assert client.post_form(f"/learners/{setup.learners[-1].id}/card").status_code == 403
    assert db.session.scalar(select(LearnerCard)) is None


def test_a_whole_class_gets_new_cards_whose_codes_sign_in_and_open_my_learning(client, learner_client, setup,
                                                                              tmp_path):
    client.login(setup.teacher.username)
    response = client.post_form(f"/classes/{setup.teaching_class.id}/new-cards.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    path = tmp_path / "class.pdf"
    path.write_bytes(response.data)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", str(path), str(tmp_path / "class")], check=True)
    codes = {code.text for code in zxingcpp.read_barcodes(Image.open(tmp_path / "class.png").convert("RGB"))}
    assert {code.rsplit("#", 1)[1] for code in codes} == {learner.student_number for learner in setup.learners}
    mine = next(code for code in codes if code.endswith("#" + setup.learners[-1].student_number))
    url = "/my/" + _token(mine)
    learner_client.post_form(url, _birth(BIRTH))
    assert "还差" in learner_client.get(url).get_data(as_text=True)
    # The plain class sheet still prints the bare student numbers, and leaves the new cards working.
    plain = client.get(f"/classes/{setup.teaching_class.id}/cards.pdf")
    assert plain.status_code == 200
    assert "还差" in learner_client.get(url).get_data(as_text=True)
    assert len(db.session.scalars(select(LearnerCard).where(LearnerCard.revoked_at.is_(None))).all()) == 3


def test_the_learner_page_says_whether_a_card_with_my_learning_was_printed(client, setup, tmp_path):
    page = f"/learners/{setup.learners[-1].id}"
    client.login(setup.teacher.username)
    assert "还没有打印过带“我的学习”二维码的学员证" in client.get(page).get_data(as_text=True)
    client.logout()
    _card_pdf(client, setup, tmp_path)
    client.login(setup.teacher.username)
    html = client.get(page).get_data(as_text=True)
    assert "现用学员证 2026年12月7日" in html and "打印新学员证" in html
