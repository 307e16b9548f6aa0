"""When the shared rate-limit storage (Redis) does not answer, limits are counted in each
process's memory until it is back: visitors never get a 500 for it."""
from __future__ import annotations

import pytest

from tests.conftest import csrf_from


@pytest.fixture
def app_settings():
    # The discard port: nothing listens there.
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:9/0"}


def test_redis_down_counts_in_memory_instead_of_answering_500(client):
    token = csrf_from(client, "/auth/login")
    answers = [
        client.post("/auth/login", data={"email": "x@example.org", "password": "wrong-password-1",
                                         "csrf_token": token}).status_code
        for _ in range(21)
    ]
    assert 500 not in answers
    assert answers[0] == 401 and answers[20] == 429  # "20 per minute" on login
