"""Factories: make_<thing>(...) creates a valid row with sensible defaults and flushes it."""
from tests.factories.assessment import (  # noqa: F401
    complete_everything,
    give_hours,
    make_completion,
    make_moral,
    make_plan,
    make_result,
    tiny_pdf,
    tiny_png,
)
from tests.factories.auth import make_user  # noqa: F401
from tests.factories.certificates import (  # noqa: F401
    make_certificate,
    make_completer,
    make_graduate,
    withdraw,
)
from tests.factories.geo import make_county, make_teaching_point, make_township, make_village  # noqa: F401
from tests.factories.learners import make_learner, make_roster_entry, make_visit, next_id_number  # noqa: F401
from tests.factories.teaching import (  # noqa: F401
    make_class,
    make_course,
    make_platform_record,
    make_self_study,
    make_session,
    mark_attendance,
    plan_course,
    specialty_named,
)
