"""Invited organizations (lausunnonantajat): choosing them, and the opening notice and
the reminder before the deadline that `flask outbox send` queues once each."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from app.extensions import db
from app.i18n import format_moment
from app.public_links import public_url
from app.models import Membership, Organization, User
from app.outbox import add_producer, notify
from app.timeutil import utcnow
from consultations.authoring.dashboard import answered_organizations
from consultations.authoring.models import Invitation
from consultations.authoring.services import log_change, publish_due
from consultations.following.services import follow_for_members
from consultations.models import Consultation
from consultations.services import ConsultationError

SEARCH_LIMIT = 30


def search_organizations(query: str, exclude: set[int]) -> list[Organization]:
    """By a part of the name or the business id (Y-tunnus)."""
    query = " ".join((query or "").split())[:100]
    if len(query) < 2:
        return []
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    found = db.session.scalars(
        select(Organization)
        .where(or_(Organization.name.ilike(pattern, escape="\\"), Organization.business_id.ilike(pattern, escape="\\")))
        .order_by(Organization.name).limit(SEARCH_LIMIT + len(exclude))
    ).all()
    return [o for o in found if o.id not in exclude][:SEARCH_LIMIT]


def invite(consultation: Consultation, organization: Organization, user: User) -> Invitation:
    if consultation.status in ("closed", "summarized"):
        raise ConsultationError(_l("The consultation has closed."))
    if organization.id == consultation.organizer_id:
        raise ConsultationError(_l("The organizer cannot be invited to comment on its own consultation."))
    existing = next((i for i in consultation.invitations if i.organization_id == organization.id), None)
    if existing is not None:
        return existing
    invitation = Invitation(consultation_id=consultation.id, organization_id=organization.id)
    db.session.add(invitation)
    log_change(consultation, user, "invited", "", organization.name)
    db.session.flush()
    follow_for_members(organization.id, consultation)  # invited organizations follow (issue 17 §5)
    db.session.expire(consultation, ["invitations"])
    return invitation


def uninvite(consultation: Consultation, invitation: Invitation, user: User) -> None:
    if consultation.status in ("closed", "summarized"):
        raise ConsultationError(_l("The consultation has closed."))
    log_change(consultation, user, "invited", invitation.organization.name, "")
    db.session.delete(invitation)
    db.session.flush()
    db.session.expire(consultation, ["invitations"])


# --- Notifications, queued by `flask outbox send` -------------------------------------------


def _link(consultation: Consultation) -> str:
    return public_url("comments.consultation", slug=consultation.slug)


def _members(organization_ids: set[int]) -> dict[int, list[User]]:
    if not organization_ids:
        return {}
    rows = db.session.execute(
        select(Membership.organization_id, User).join(User, User.id == Membership.user_id)
        .where(Membership.organization_id.in_(organization_ids), User.active.is_(True)).order_by(User.id)
    )
    members: dict[int, list[User]] = {}
    for organization_id, user in rows:
        members.setdefault(organization_id, []).append(user)
    return members


def _claim(invitation_ids: list[int], stamp: str, now: datetime) -> set[int]:
    """Set the stamp on those of the invitations that have none yet, in one statement, and
    return their ids: what another run stamped first is not queued again."""
    if not invitation_ids:
        return set()
    column = getattr(Invitation, stamp)
    claimed = db.session.execute(
        update(Invitation).where(Invitation.id.in_(invitation_ids), column.is_(None)).values({stamp: now})
        .returning(Invitation.id).execution_options(synchronize_session=False)
    )
    return set(claimed.scalars())


def _due(stamp: str, now: datetime, remind_days: int):
    query = (
        select(Invitation, Consultation).join(Consultation, Consultation.id == Invitation.consultation_id)
        .where(Consultation.published.is_(True), Consultation.opens_at <= now, Consultation.closes_at > now,
               getattr(Invitation, stamp).is_(None))
    )
    if stamp == "reminded_at":
        query = query.where(Consultation.closes_at <= now + timedelta(days=remind_days))
    return db.session.execute(query.order_by(Invitation.id)).all()


def queue_invitation_notices(now: datetime | None = None) -> int:
    """Publish what is due, then queue opening notices and reminders. Returns the number of
    messages queued; a second run at once queues none."""
    now = now or utcnow()
    publish_due(now)
    remind_days = current_app.config.get("INVITATION_REMINDER_DAYS", 3)
    opening, reminders = _due("opening_notified_at", now, remind_days), _due("reminded_at", now, remind_days)
    members = _members({i.organization_id for i, _c in opening + reminders})
    answered = answered_organizations(list({c.id for _i, c in reminders}))
    queued = 0
    claimed = _claim([i.id for i, _c in opening], "opening_notified_at", now)
    for invitation, consultation in opening:
        if invitation.id in claimed:
            queued += _notify_members(members.get(invitation.organization_id, []), consultation, "invitation_opened")
    claimed = _claim([i.id for i, _c in reminders], "reminded_at", now)
    for invitation, consultation in reminders:
        if invitation.id in claimed and invitation.organization_id not in answered.get(consultation.id, ()):
            queued += _notify_members(members.get(invitation.organization_id, []), consultation, "invitation_reminder")
    db.session.flush()
    db.session.expire_all()  # the stamps were set behind the identity map's back
    return queued


def _notify_members(users: list[User], consultation: Consultation, kind: str) -> int:
    title, link, closes = consultation.title, _link(consultation), consultation.closes_at
    if kind == "invitation_opened":
        subject = lambda: _("Statement requested: %(title)s", title=title)  # noqa: E731
        body = lambda: _("Your organization has been asked to comment on \"%(title)s\". The consultation is open "  # noqa: E731
                         "until %(closes)s.\n\n%(link)s", title=title, closes=format_moment(closes), link=link)
    else:
        subject = lambda: _("Reminder: statement requested: %(title)s", title=title)  # noqa: E731
        body = lambda: _("Your organization has been asked to comment on \"%(title)s\" and has not commented yet. "  # noqa: E731
                         "The consultation closes %(closes)s.\n\n%(link)s", title=title, closes=format_moment(closes),
                         link=link)
    for user in users:
        notify(user, kind, subject, body)
    return len(users)


def register(app: Flask) -> None:
    add_producer(queue_invitation_notices)
