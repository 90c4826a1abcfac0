"""The recognition tests use the assessment tests' small plan, class and learners."""
from tests.functional.assessment.conftest import enrol, home_class, make_ready, place, plan  # noqa: F401
