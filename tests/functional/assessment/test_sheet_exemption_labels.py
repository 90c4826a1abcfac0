"""The assessment sheet names an excused course by the vocabulary's word (免修, 免考, 实习免除)."""
from __future__ import annotations

import re
from datetime import date

from lms.extensions import db
from lms.recognition.models import RecognitionApplication, RecognitionItem
from tests.factories import make_user


def excuse(learner, course, kind: str) -> None:
    application = RecognitionApplication(learner_id=learner.id, evidence_type="工作经历", basis="work_experience",
                                         status="approved", decided_on=date(2024, 1, 1))
    db.session.add(application)
    db.session.flush()
    db.session.add(RecognitionItem(application_id=application.id, course_id=course.id, kind=kind))
    db.session.flush()


def test_each_excused_learner_shows_how(client, login_as, enrol, home_class, plan):
    learners = {kind: enrol(name=name) for kind, name in (("exempt_study", "王德才"), ("exempt_exam", "罗春花"),
                                                          ("waived", "韦小梅"))}
    for kind, learner in learners.items():
        excuse(learner, plan.skill, kind)
    login_as(make_user("registrar"))
    page = client.get(f"/assessment/classes/{home_class.id}/courses/{plan.skill.id}").get_data(as_text=True)
    badges = re.findall(r'<span class="badge bg-info text-dark">([^<]*)</span>', page)
    assert sorted(badges) == sorted(["免修", "免考", "实习免除"])
