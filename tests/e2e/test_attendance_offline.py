"""Attendance on a phone with no signal (issue 15): the sheet is kept on the phone at once, survives a reload
and a closed browser, and arrives once when the signal returns; a sheet changed on the server meanwhile is
chosen learner by learner; a learner graduated meanwhile is 需处理 with the reason.

"No signal" is Playwright's offline mode for the pages plus aborting what the service worker itself sends:
`context.set_offline` does not reach a service worker's own fetches (microsoft/playwright#2311).
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.audit.models import AuditEvent
from lms.auth.scope import scope_for
from lms.core.clock import today
from lms.extensions import db
from lms.teaching.models import Attendance, ClassSession
from lms.teaching.services.sessions import Mark, save_attendance
from tests.factories import make_session, make_user
from tests.functional.teaching.conftest import build_class
from tests.functional.teaching.test_not_studying import end_status
from tests.support.client import TEST_PASSWORD

SHOTS = Path(__file__).parent / "screenshots"
WAIT = 45_000           # the phone retries every 15 s when the `online` event does not come


class Phone:
    """A phone's browser with its storage on disk: it can be closed and opened again, and lose its signal."""

    def __init__(self, browser_type, launch_args, context_args, profile, base, **extra):
        self.args = (browser_type, {**launch_args, **context_args, **extra}, str(profile))
        self.base, self.offline, self.external = base, False, []
        self.uploads_fail = False       # the signal is back but uploads do not get through (yet)
        self.open()

    def open(self):
        browser_type, args, profile = self.args
        self.context = browser_type.launch_persistent_context(profile, **args)
        self.context.route("**/*", self._route)
        self.context.set_offline(self.offline)
        self.page = self.context.pages[0] if self.context.pages else self.context.new_page()

    def _route(self, route):
        request = route.request
        if not request.url.startswith(self.base):
            self.external.append(request.url)
            route.abort()
        elif self.offline and request.service_worker:
            route.abort("internetdisconnected")
        elif self.uploads_fail and "/offline/sync" in request.url:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    def signal(self, on: bool):
        self.offline = not on
        self.context.set_offline(not on)

    def close(self):
        self.context.close()

    def log_in(self, username: str):
        self.page.goto(f"{self.base}/login")
        self.page.get_by_label("用户名").fill(username)
        self.page.get_by_label("密码").fill(TEST_PASSWORD)
        self.page.get_by_role("button", name="登录").click()
        self.page.wait_for_url(f"{self.base}/")

    def my_sessions(self):
        """Open 我的课 online and wait until the service worker runs it and the phone holds the teacher's data."""
        self.page.goto(f"{self.base}/offline")
        self.page.wait_for_function("() => navigator.serviceWorker.controller !== null")
        self.page.wait_for_selector("[data-session-key]")

    def shot(self, name: str):
        SHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def phone(browser_type, browser_type_launch_args, browser_context_args, live_server, tmp_path):
    phones = []

    def make(**extra):
        phones.append(Phone(browser_type, browser_type_launch_args, browser_context_args,
                            tmp_path / f"profile-{len(phones)}", live_server, **extra))
        return phones[-1]

    yield make
    for each in phones:
        each.close()
        assert each.external == [], f"pages requested external resources: {each.external}"


def mark(page, learner, status: str):
    page.get_by_label(f"{learner.name}的考勤").get_by_text(status).click()


def stored(session_id) -> dict:
    db.session.rollback()       # end the read transaction: see what the live server committed
    return dict(db.session.execute(select(Attendance.learner_id, Attendance.status)
                                   .where(Attendance.session_id == session_id)).all())


def test_a_whole_class_marked_without_signal_arrives_once_when_it_returns(committed, phone):
    setup = committed(build_class, 5)
    session = committed(make_session, setup.teaching_class, held_on=today(), hours=8)
    first, second, *_ = setup.learners
    teacher = phone()
    teacher.log_in(setup.teacher.username)
    teacher.my_sessions()
    page = teacher.page

    teacher.signal(False)
    # A session of the week, marked with no signal.
    page.locator(f'[data-session-key="s:{session.id}"]').click()
    # The phone's sheet reads as the server's: 出勤 迟到 请假 缺勤, everyone present to start with.
    assert page.get_by_label(f"{first.name}的考勤").locator("label").all_inner_texts() == ["出勤", "迟到", "请假", "缺勤"]
    assert page.locator('[data-count="present"] span').inner_text() == "5"
    mark(page, first, "缺勤")
    page.get_by_role("button", name="保存考勤（5 人）").click()
    page.wait_for_selector('.kept-sheet[data-state="pending"]')
    # A new session started on the phone for the class, marked as today.
    page.get_by_role("link", name="今天新开课次").click()
    page.get_by_label("学时").fill("4")
    page.get_by_role("button", name="开始点名").click()
    mark(page, second, "请假")
    page.get_by_role("button", name="保存考勤（5 人）").click()
    page.wait_for_selector('.kept-sheet[data-state="pending"] >> nth=1')
    assert page.locator("#offline-badge").inner_text().startswith("未上传 2 份考勤")

    page.reload()                               # still no signal: 我的课 comes from the phone
    page.wait_for_selector('.kept-sheet[data-state="pending"] >> nth=1')
    assert "没有网络" in page.locator("#net-status").inner_text()
    teacher.close()                             # the browser closed, the phone put away ...
    teacher.open()                              # ... and opened again, still with no signal
    teacher.page.goto(f"{teacher.base}/offline")
    page = teacher.page
    page.wait_for_selector('.kept-sheet[data-state="pending"] >> nth=1')
    assert page.locator("#offline-badge").is_visible()
    assert "未上传 2 份考勤" in page.locator("#offline-badge").inner_text()
    teacher.shot("offline-badge-phone")
    assert stored(session.id) == {}

    teacher.signal(True)
    page.locator('.kept-sheet[data-state="saved"] >> nth=1').wait_for(timeout=WAIT)
    assert not page.locator("#offline-badge").is_visible()
    assert "已上传" in page.locator("#kept").inner_text()
    teacher.shot("offline-sync-result-phone")

    assert stored(session.id) == {learner.id: "absent" if learner is first else "present" for learner in setup.learners}
    made = db.session.scalar(select(ClassSession).where(ClassSession.class_id == setup.teaching_class.id,
                                                        ClassSession.id != session.id))
    assert made.client_id and made.minutes == 240 and made.held_on == today()
    assert stored(made.id)[second.id] == "leave"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "attendance.save")) == 2

    # The answer lost on the way back: the phone sends the same sheet again — stored once.
    page.evaluate("""() => LmsOffline.sheets().then(list => Promise.all(list.map(entry => {
        entry.state = 'pending'; return LmsOffline.store.put('sheet:' + entry.key, entry); })))
        .then(() => LmsOffline.changed())""")
    page.get_by_role("button", name="立即上传").first.click()
    page.locator('.kept-sheet[data-state="saved"] >> nth=1').wait_for(timeout=WAIT)
    assert db.session.get(ClassSession, session.id).version == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "attendance.save")) == 2
    assert db.session.scalar(select(func.count()).select_from(ClassSession)
                             .where(ClassSession.class_id == setup.teaching_class.id)) == 2


def test_a_sheet_saved_by_another_teacher_meanwhile_is_chosen_learner_by_learner(committed, phone, app):
    setup = committed(build_class, 4)
    session = committed(make_session, setup.teaching_class, held_on=today(), hours=8)
    colleague = committed(make_user, "teacher", classes=[setup.teaching_class])
    first, second, *_ = setup.learners
    teacher = phone()
    teacher.log_in(setup.teacher.username)
    teacher.my_sessions()
    page = teacher.page
    teacher.signal(False)
    page.locator(f'[data-session-key="s:{session.id}"]').click()
    mark(page, first, "缺勤")
    page.get_by_role("button", name="保存考勤（4 人）").click()
    page.wait_for_selector('.kept-sheet[data-state="pending"]')

    # Meanwhile the colleague saves the same sheet online: the second learner came late.
    db.session.rollback()
    marks = {learner.id: Mark("late", 360) if learner is second else Mark("present", 480) for learner in setup.learners}
    committed(save_attendance, actor=colleague, session=db.session.get(ClassSession, session.id), expected_version=0,
              marks=marks, today=today(), scope=scope_for(colleague))

    teacher.signal(True)
    page.locator('.kept-sheet[data-state="conflict"]').wait_for(timeout=WAIT)
    assert "需处理" in page.locator("#kept").inner_text()
    page.get_by_role("link", name="逐人选择保留哪一份").click()
    rows = page.locator(".conflict-row")
    assert rows.first.get_attribute("data-learner") in (str(first.id), str(second.id))   # the differing first
    own = page.locator(f'.conflict-row[data-learner="{first.id}"]')
    assert "缺勤" in own.inner_text() and "出勤" in own.inner_text() and colleague.display_name in own.inner_text()
    teacher.shot("offline-conflict-phone")
    page.get_by_role("button", name="按所选保存并上传").click()           # nothing chosen yet for the two
    assert "请为每位学员选择" in page.locator("#conflict-message").inner_text()
    own.get_by_text("我的手机").click()
    page.locator(f'.conflict-row[data-learner="{second.id}"]').get_by_text("服务器上").click()
    page.get_by_role("button", name="按所选保存并上传").click()
    page.locator('.kept-sheet[data-state="saved"]').wait_for(timeout=WAIT)
    assert stored(session.id)[first.id] == "absent" and stored(session.id)[second.id] == "late"
    assert db.session.get(ClassSession, session.id).version == 2


def test_a_learner_graduated_meanwhile_needs_handling_with_the_reason(committed, phone):
    setup = committed(build_class, 3)
    session = committed(make_session, setup.teaching_class, held_on=today(), hours=8)
    graduate = setup.learners[0]
    teacher = phone()
    teacher.log_in(setup.teacher.username)
    teacher.my_sessions()
    page = teacher.page
    teacher.signal(False)
    page.locator(f'[data-session-key="s:{session.id}"]').click()
    page.get_by_role("button", name="保存考勤（3 人）").click()
    page.wait_for_selector('.kept-sheet[data-state="pending"]')
    db.session.rollback()       # a fresh transaction: the live server wrote since this one read
    committed(end_status, graduate, "graduated", today() - timedelta(days=1))

    teacher.signal(True)
    page.locator('.kept-sheet[data-state="refused"]').wait_for(timeout=WAIT)
    text = page.locator("#kept").inner_text()
    assert "需处理" in text and graduate.name in text and "已毕业" in text
    teacher.shot("offline-needs-handling-phone")
    assert stored(session.id) == {}
    page.get_by_role("button", name="去掉这些学员后重新上传").click()
    page.locator('.kept-sheet[data-state="saved"]').wait_for(timeout=WAIT)
    assert set(stored(session.id)) == {learner.id for learner in setup.learners[1:]}



def test_logging_out_offers_to_upload_first_then_clears_the_phone(committed, phone):
    setup = committed(build_class, 3)
    session = committed(make_session, setup.teaching_class, held_on=today(), hours=8)
    teacher = phone()
    teacher.log_in(setup.teacher.username)
    teacher.my_sessions()
    page = teacher.page
    teacher.signal(False)
    page.locator(f'[data-session-key="s:{session.id}"]').click()
    mark(page, setup.learners[0], "迟到")
    page.get_by_role("button", name="保存考勤（3 人）").click()
    page.wait_for_selector('.kept-sheet[data-state="pending"]')
    # Back online, but the phone's own uploads (on `online` and every 15 s) do not get through until the
    # teacher answers the logout question: otherwise the sheet may already be up and nothing is asked.
    teacher.uploads_fail = True
    teacher.signal(True)

    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        teacher.uploads_fail = False
        dialog.accept()

    page.on("dialog", answer)
    page.get_by_role("button", name="展开菜单").click()
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login**")
    assert asked == ["手机上还有 1 份考勤未上传。先上传再退出吗？"]          # uploaded, so no second question
    assert stored(session.id)[setup.learners[0].id] == "late"
    assert page.evaluate("""() => new Promise(done => {
        const open = indexedDB.open("lms-offline", 1);
        open.onupgradeneeded = () => open.result.createObjectStore("kv");
        open.onsuccess = () => { const all = open.result.transaction("kv").objectStore("kv").getAllKeys();
                                 all.onsuccess = () => done(all.result); };
    })""") == []
    # The kept pages (我的课 names the teacher) are gone; the login page may refill the shell (CSS, JS, icons).
    assert "lms-pages" not in page.evaluate("() => caches.keys()")


def test_without_a_service_worker_the_sheet_is_still_kept_and_retried(committed, phone):
    setup = committed(build_class, 3)
    session = committed(make_session, setup.teaching_class, held_on=today(), hours=8)
    teacher = phone(service_workers="block")
    teacher.log_in(setup.teacher.username)
    teacher.page.goto(f"{teacher.base}/offline")
    page = teacher.page
    page.wait_for_selector("[data-session-key]")
    teacher.signal(False)
    page.locator(f'[data-session-key="s:{session.id}"]').click()
    mark(page, setup.learners[1], "缺勤")
    page.get_by_role("button", name="保存考勤（3 人）").click()
    page.wait_for_selector('.kept-sheet[data-state="pending"]')
    assert "未上传 1 份考勤" in page.locator("#offline-badge").inner_text()
    assert stored(session.id) == {}
    teacher.signal(True)
    page.locator('.kept-sheet[data-state="saved"]').wait_for(timeout=WAIT)
    assert stored(session.id)[setup.learners[1].id] == "absent"


def test_the_offline_copy_warns_before_it_expires_and_is_then_deleted(committed, phone):
    setup = committed(build_class, 2)
    committed(make_session, setup.teaching_class, held_on=today(), hours=8)
    teacher = phone()
    teacher.log_in(setup.teacher.username)
    teacher.my_sessions()
    page = teacher.page
    teacher.signal(False)          # no signal: the copy is not refreshed on opening the page

    def age(days: float):
        page.evaluate("""days => LmsOffline.store.get("bundle").then(bundle => {
            bundle.fetched_at = Date.now() - days * 24 * 3600 * 1000; return LmsOffline.store.put("bundle", bundle); })""",
                      days)
        page.reload()
        page.wait_for_selector("#net-status:not(:empty)")

    age(13)
    assert page.locator("#offline-warning").inner_text() == "手机上保存的班级和名单将在 1 天后过期，请联网打开“我的课”更新。"
    age(15)
    assert "已超过 14 天未更新，已删除" in page.locator("#offline-warning").inner_text()
    assert page.evaluate('() => LmsOffline.store.get("bundle")') is None
    assert "手机上还没有保存您的课次和名单" in page.locator("#session-list").inner_text()


@pytest.mark.parametrize("reloaded", [False, True], ids=["page-knows-it-is-offline", "link-drops-unnoticed"])
def test_the_server_sheet_saved_without_signal_is_kept_instead_of_the_browsers_error_page(committed, phone, reloaded):
    """The page knows it is offline: its script keeps the sheet. Or it believes it is online (a weak signal; a
    page reloaded in Playwright's offline mode): the post fails and the service worker keeps the sheet."""
    setup = committed(build_class, 3)
    session = committed(make_session, setup.teaching_class, held_on=today(), hours=8)
    teacher = phone()
    teacher.log_in(setup.teacher.username)
    teacher.my_sessions()                       # the phone holds the teacher's data and the service worker runs
    page = teacher.page
    page.goto(f"{teacher.base}/sessions/{session.id}/attendance")
    teacher.signal(False)
    if reloaded:
        page.reload()                           # from the service worker's copy of the page
        assert page.evaluate("() => navigator.onLine")
    mark(page, setup.learners[2], "请假")
    page.get_by_role("button", name="保存考勤（3 人）").click()
    page.wait_for_url("**/offline#kept")
    page.wait_for_selector('.kept-sheet[data-state="pending"]')
    assert stored(session.id) == {}
    teacher.signal(True)
    page.locator('.kept-sheet[data-state="saved"]').wait_for(timeout=WAIT)
    assert stored(session.id)[setup.learners[2].id] == "leave"
