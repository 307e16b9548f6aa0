"""Failed-login records live only as long as throttling needs them (privacy notice)."""
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import LoginAttempt
from app.timeutil import utcnow
from tests.conftest import login


def test_old_failed_logins_are_forgotten_on_the_next_failure(app, client, make_user):
    user = make_user()
    window = app.config["LOGIN_WINDOW_MINUTES"]
    db.session.add(LoginAttempt(email="old@example.org", ip="10.0.0.1", created_at=utcnow() - timedelta(minutes=window + 1)))
    db.session.commit()
    assert login(client, user, password="wrong-password-123").status_code == 401
    emails = db.session.scalars(select(LoginAttempt.email)).all()
    assert emails == [user.email.lower()]
    assert db.session.scalar(select(func.count(LoginAttempt.id))) == 1
