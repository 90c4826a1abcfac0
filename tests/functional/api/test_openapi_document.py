"""The generated OpenAPI document holds: schemathesis sends generated requests (valid and invalid, a bounded
number, derandomized) to every operation and checks that no answer is a server error and every answer — status,
content type, body — is one the document describes."""
from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from lms.extensions import db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_the_document_is_openapi_3_1_and_served_with_its_page(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {"/api/v1/platform-records", "/api/v1/learners/{student_number}",
                                      "/api/v1/certificates", "/api/v1/verify/{token}"}
    assert document["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page and "https://" not in page


def _answers_as_documented(operation, headers: dict) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=20, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def answers(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    answers()


def test_every_operation_answers_as_its_document_says(app, world, keys):
    db.session.commit()     # the world and the keys, seen by the requests schemathesis makes
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 4
    for operation in operations:
        _answers_as_documented(operation, keys.platform_county if operation.path.endswith("/platform-records")
                               else keys.status_county)
    # Generated numbers and tokens find no one: the answers about a real learner and certificate are checked too.
    by_path = {operation.path: operation for operation in operations}
    for path, parameters in (("/api/v1/learners/{student_number}", {"student_number": world.learner_a.student_number}),
                             ("/api/v1/verify/{token}", {"token": world.certificate_a.token})):
        response = by_path[path].Case(path_parameters=parameters).call_and_validate(
            headers=keys.status_county, checks=CHECKS)
        assert response.status_code == 200
