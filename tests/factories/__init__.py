"""Factories: make_<thing>(...) creates a valid row with sensible defaults and flushes it."""
from tests.factories.auth import make_user  # noqa: F401
from tests.factories.geo import make_county, make_teaching_point, make_township, make_village  # noqa: F401
from tests.factories.learners import make_learner, next_id_number  # noqa: F401
from tests.factories.teaching import make_class, make_course, specialty_named  # noqa: F401
from tests.factories.certificates import (  # noqa: F401
    engine_decider, graduate_facts, completer_facts, make_certificate, withdraw,
)
