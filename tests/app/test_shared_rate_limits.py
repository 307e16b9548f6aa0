"""Rate limits hold across workers when they are kept in Redis: two application instances
on one Redis count one limit together.

Flask-Limiter keeps one storage per process, made anew by each init_app: the second app
here starts, as another worker process would, with empty memory:// counters, and only a
shared storage carries the first app's count over."""
from __future__ import annotations

import pytest

from tests.conftest import csrf_from, login

POSTING_LIMIT = 30  # per minute, comments/views.py


@pytest.fixture
def app_settings(redis_limits):
    return {"RATELIMIT_ENABLED": True, **redis_limits}


def post(client, slug, org, n):
    token = csrf_from(client, f"/consultations/{slug}/")
    data = {"body": f"Kommentti numero {n}.", "paragraph": "", "organization": org, "csrf_token": token}
    return client.post(f"/consultations/{slug}/comments/", data=data).status_code


def test_two_instances_on_redis_share_one_posting_limit(app, app_settings, make_app, make_org, make_user, make_consultation):
    org = make_org()
    user = make_user(orgs=[org])
    slug = make_consultation(status="open").slug
    worker_a = app.test_client()
    assert login(worker_a, user).status_code == 302
    assert [post(worker_a, slug, org.slug, n) for n in range(20)] == [302] * 20

    # Another instance on the same database and the same rate-limit storage.
    second = make_app(database=app.config["SQLALCHEMY_DATABASE_URI"], **app_settings)
    worker_b = second.test_client()
    assert login(worker_b, user).status_code == 302
    allowed = POSTING_LIMIT - 20
    assert [post(worker_b, slug, org.slug, 20 + n) for n in range(allowed)] == [302] * allowed
    assert post(worker_b, slug, org.slug, 31) == 429
    assert post(worker_a, slug, org.slug, 32) == 429

