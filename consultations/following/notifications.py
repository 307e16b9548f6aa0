"""Building the followers' mails: one per person and run, immediate or a daily digest,
each covering exactly the window since the previous run of its mode.

A run reads the events (2 queries), the followers of the consultations with news
(1 query), and writes every mail in one INSERT, so its number of queries does not grow
with followers or events (bench/follow_digest.py). The run's window is claimed first by
a unique (mode, window_start): two runs at once cannot both tell the same window."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import insert, select

from app.extensions import db
from app.i18n import format_moment
from app.models import User
from app.outbox import OutboxMessage
from app.public_links import public_url
from app.timeutil import utcnow
from consultations.following.events import ConsultationNews, Event, events_between
from consultations.following.models import Follow, NotificationRun
from consultations.following.unsubscribe import unsubscribe_token


def _interval(mode: str) -> timedelta:
    if mode == "daily":
        return timedelta(hours=current_app.config["DIGEST_INTERVAL_HOURS"])
    return timedelta(0)


def due_window(mode: str, now: datetime) -> tuple[datetime, datetime] | None:
    """(start, end] of the next run of `mode`, or None when it is not due yet. The first
    run of a mode looks back one digest interval."""
    last_end = db.session.scalar(
        select(NotificationRun.window_end).where(NotificationRun.mode == mode)
        .order_by(NotificationRun.window_end.desc()).limit(1)
    )
    if last_end is None:
        return now - timedelta(hours=current_app.config["DIGEST_INTERVAL_HOURS"]), now
    if now <= last_end or now - last_end < _interval(mode):
        return None
    return last_end, now


def build_notifications(mode: str, now: datetime | None = None) -> int:
    """Queue the mails of one due run of `mode`; the number of mails (0 when not due)."""
    now = now or utcnow()
    window = due_window(mode, now)
    if window is None:
        return 0
    start, end = window
    run = NotificationRun(mode=mode, window_start=start, window_end=end)
    db.session.add(run)
    db.session.flush()  # claims the window (unique mode + window_start)
    reminder = timedelta(days=current_app.config["FOLLOW_REMINDER_DAYS"])
    news = events_between(start, end, reminder)
    if not news:
        return 0
    followers = db.session.execute(
        select(Follow.consultation_id, User.id, User.email, User.locale)
        .join(User, User.id == Follow.user_id)
        .where(Follow.consultation_id.in_(list(news)), User.notification_mode == mode, User.active.is_(True))
        .order_by(User.id, Follow.consultation_id)
    ).all()
    by_user: dict[tuple[int, str, str], list[int]] = defaultdict(list)
    for consultation_id, user_id, email, locale in followers:
        by_user[(user_id, email, locale or "fi")].append(consultation_id)
    rows = _messages(mode, news, by_user, now)
    if rows:
        db.session.execute(insert(OutboxMessage), rows)
    run.messages = len(rows)
    db.session.flush()
    return len(rows)


def build_due_notifications() -> int:
    """Both modes, each when due: what `flask outbox send` runs before sending."""
    return sum(build_notifications(mode) for mode in ("immediate", "daily"))


def _messages(mode, news: dict[int, ConsultationNews], by_user, now) -> list[dict]:
    blocks: dict[tuple[str, int], str] = {}  # each consultation's text once per language
    texts: dict[str, tuple[str, str, str]] = {}
    rows = []
    for (user_id, email, locale), consultation_ids in by_user.items():
        with force_locale(locale):
            if locale not in texts:
                texts[locale] = (
                    _("Kuulo: news of the consultations you follow") if mode == "daily"
                    else _("Kuulo: news of a consultation you follow"),
                    _("Stop all these messages with one click: %(url)s", url="{unsubscribe}"),
                    _("Choose between immediate messages and a daily digest: %(url)s",
                      url=public_url("account.index")),
                )
            subject, stop, choose = texts[locale]
            parts = []
            for cid in consultation_ids:
                key = (locale, cid)
                if key not in blocks:
                    blocks[key] = _block(news[cid])
                parts.append(blocks[key])
            link = public_url("following.unsubscribe", token=unsubscribe_token(user_id))
            body = "\n\n".join(parts) + "\n\n-- \n" + stop.replace("{unsubscribe}", link) + "\n" + choose
        rows.append({"to_email": email, "subject": subject, "body": body, "kind": f"follow_{mode}",
                     "created_at": now})
    return rows


def _block(item: ConsultationNews) -> str:
    lines = [item.title]
    lines += ["  - " + _event_line(event, item) for event in item.events]
    lines.append("  " + public_url("comments.consultation", slug=item.slug))
    return "\n".join(lines)


def _event_line(event: Event, item: ConsultationNews) -> str:
    when = format_moment(event.at)
    if event.kind == "opened":
        return _("%(when)s: opened for comments, open until %(until)s", when=when, until=format_moment(item.closes_at))
    if event.kind == "new_version":
        return _("%(when)s: version %(number)d of the draft was published", when=when, number=event.version)
    if event.kind == "closing_soon":
        return _("closes %(until)s: comment before then", until=format_moment(item.closes_at))
    if event.kind == "closed":
        return _("%(when)s: closed", when=when)
    return _("%(when)s: the summary and responses were published", when=when)
