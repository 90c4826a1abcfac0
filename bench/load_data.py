"""Data for the load test (bench/load.py): a small county where teachers take attendance and staff download.

    .venv/bin/python bench/load_data.py --url sqlite:////tmp/load/lms.sqlite3 --data-dir /tmp/load/data --out plan.json

Builds the schema with the migrations (as `flask db upgrade` does), then: 8 classes (--classes) of 30 learners
(--class-size), each with its own teacher and 12 past 8-hour sessions (face-to-face; with --live, every other
class's sessions are live-online, hours that count toward R6 and so move the dashboard's hours bands); 40
withdrawn learners with issued study records (--certificates: certificates to download and verify); 4 registrars. Writes a JSON plan (who logs in, which sessions,
learners and certificates) for the load command. Every user's password is `test-pass-123`.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CLASSES, CLASS_SIZE, SESSIONS, CERTIFICATES, REGISTRARS = 8, 30, 12, 40, 4


def app_for(url: str, data_dir: str):
    """The application as the load test's gunicorn runs it (production settings, this database)."""
    os.environ.update({"LMS_ENV": "production", "LMS_DATABASE_URL": url, "LMS_DATA_DIR": data_dir,
                       "LMS_SECRET_KEY": os.environ.get("LMS_SECRET_KEY", "load-test-secret-key")})
    os.environ.setdefault("LMS_PUBLIC_BASE_URL", "http://127.0.0.1")      # production requires one (QR codes)
    from lms import create_app

    return create_app("production")


def generate(url: str, data_dir: str, classes_wanted: int = CLASSES, class_size: int = CLASS_SIZE, *,
             certificates_wanted: int = CERTIFICATES, live: bool = False) -> dict:
    """Build the database and return the plan (one class, and teacher, per teaching user of the load)."""
    from flask_migrate import upgrade

    from lms.core import clock
    from lms.extensions import db
    from tests.factories import (
        make_class,
        make_county,
        make_learner,
        make_session,
        make_teaching_point,
        make_township,
        make_user,
        make_village,
    )
    from tests.factories.certificates import issued_study_records, withdraw
    from tests.support.client import TEST_PASSWORD

    app = app_for(url, data_dir)
    with app.app_context():
        upgrade()
        county = make_county("压测县")
        townships = [make_township(county, name) for name in ("清水镇", "石桥乡")]
        today = clock.today()
        classes = []
        for index in range(classes_wanted):
            village = make_village(townships[index % 2], f"第{index + 1}村")
            teaching_class = make_class(make_teaching_point(village), code=f"YC-{index + 1:02d}")
            teacher = make_user("teacher", classes=[teaching_class], username=f"teacher{index + 1}")
            learners = [make_learner(village, teaching_class=teaching_class, name=f"学员{index + 1}-{n + 1:02d}",
                                     enrolled_on=date(2025, 3, 1), birth_on=date(1975 + n % 25, 1 + n % 12, 1 + index))
                        for n in range(class_size)]
            mode = "live" if live and index % 2 else "face"
            sessions = [make_session(teaching_class, held_on=today - timedelta(days=2 + 3 * k), hours=8, mode=mode)
                        for k in range(SESSIONS)]
            classes.append({"teacher": teacher.username, "sessions": [s.id for s in sessions],
                            "minutes": sessions[0].minutes, "mode": mode, "learners": [l.id for l in learners]})
        registrars = [make_user("registrar", username=f"registrar{n + 1}") for n in range(REGISTRARS)]
        village = make_village(townships[0], "结业村")
        people = [withdraw(make_learner(village, name=f"退学{n + 1:02d}", enrolled_on=date(2022, 3, 1),
                                        birth_on=date(1970 + n % 30, 1 + n % 12, 15)), date(2024, 5, 10))
                  for n in range(certificates_wanted)]
        certificates = []
        if people:
            batch = issued_study_records(registrars[0], people, issued_on=date(2025, 7, 1))
            certificates = [{"id": m.certificate.id, "token": m.certificate.token} for m in batch.members]
        db.session.commit()
        return {"password": TEST_PASSWORD, "classes": classes, "registrars": [r.username for r in registrars],
                "certificates": certificates}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of a new, empty database")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--out", required=True, type=Path, help="the plan (JSON)")
    parser.add_argument("--classes", type=int, default=CLASSES, help="classes, each with its own teacher")
    parser.add_argument("--class-size", type=int, default=CLASS_SIZE, help="learners per class")
    parser.add_argument("--certificates", type=int, default=CERTIFICATES, help="withdrawn learners with study records")
    parser.add_argument("--live", action="store_true", help="every other class holds live-online sessions")
    args = parser.parse_args()
    plan = generate(args.url, args.data_dir, args.classes, args.class_size, certificates_wanted=args.certificates,
                    live=args.live)
    args.out.write_text(json.dumps(plan, ensure_ascii=False, indent=1))
    print(f"{len(plan['classes'])} 个班级、{len(plan['certificates'])} 份证书 → {args.out}")


if __name__ == "__main__":
    main()
