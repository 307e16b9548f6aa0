"""schemathesis against /api/v1/: no 5xx and no answer that breaks the OpenAPI document."""
from __future__ import annotations

import hypothesis
import pytest
import schemathesis

from comments.opendata.openapi import openapi_document
from tests.comments.responses.conftest import answer, publish

# Loaded from the module rather than over HTTP: the same dict the route serves
# (test_api.py checks that), and collection needs no application.
schema = schemathesis.openapi.from_dict(openapi_document())


@pytest.fixture
def published_world(app, world, client_as):
    """A summarized consultation, so that every operation has something to return."""
    official = client_as(world, "official")
    answer(official, world, world.comments[1], "partly", "Osittain.")
    publish(official, world, "Yhteenveto.")
    return world


@schema.parametrize()
@hypothesis.settings(max_examples=30, deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
def test_api_conforms_to_its_schema(case, app, published_world):
    case.call_and_validate(app=app)


def test_real_consultation_answers_conform(app, published_world):
    """Generated slugs rarely exist: check the answers about a real one the same way."""
    paths = openapi_document()["paths"]
    for path in [p for p in paths if "{slug}" in p]:
        names = {p["name"] for p in paths[path]["get"]["parameters"]}
        for query in ({}, {"page": 1, "per_page": 1}, {"page": 2, "per_page": 1}):
            case = schema[path]["GET"].Case(path_parameters={"slug": published_world.slug},
                                            query={k: v for k, v in query.items() if k in names})
            response = case.call_and_validate(app=app)
            assert response.status_code == 200, (path, query)
