"""Helpers for the reporting and auto-hide tests: visitors as test clients (anonymous with
an address and a User-Agent, or signed in), posting a report, and reading back what the
requests stored."""
from __future__ import annotations

import html

from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.extensions import db
from app.outbox import OutboxMessage
from comments.models import Comment
from comments.moderation.models import ModerationEvent, Report
from tests.conftest import csrf_from, login


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def t(app, message: str, locale: str | None = None, **variables) -> str:
    """A message as the interface shows it (by default in Finnish), from the same catalog."""
    with app.test_request_context(), force_locale(locale or app.config["BABEL_DEFAULT_LOCALE"]):
        return gettext(message, **variables)


def anonymous(app, user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0", ip="203.0.113.10"):
    client = app.test_client()
    client.environ_base.update(REMOTE_ADDR=ip, HTTP_USER_AGENT=user_agent)
    return client


def signed_in(app, user, ip="198.51.100.20"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    response = login(client, user)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def post_report(client, comment_id, reason="spam", details="", with_token=True):
    data = {"details": details}
    if reason is not None:
        data["reason"] = reason
    if with_token:
        data["csrf_token"] = csrf_from(client, f"/comments/{comment_id}/report")
    return client.post(f"/comments/{comment_id}/report", data=data)


def reports_of(comment_id):
    db.session.expire_all()
    return db.session.scalars(select(Report).where(Report.comment_id == comment_id).order_by(Report.id)).all()


def events_of(comment_id, action=None):
    db.session.expire_all()
    query = select(ModerationEvent).where(ModerationEvent.comment_id == comment_id)
    if action:
        query = query.where(ModerationEvent.action == action)
    return db.session.scalars(query.order_by(ModerationEvent.id)).all()


def fresh_comment(comment_id) -> Comment:
    db.session.expire_all()
    return db.session.get(Comment, comment_id)


def outbox(kind=None):
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return db.session.scalars(query).all()
