"""What app/ holds about a person: the account, memberships, membership requests, login
attempts, password reset links and mails; and their erasure (the account row stays,
anonymized, so that statements and moderation history keep pointing at something)."""
from __future__ import annotations

import secrets

from sqlalchemy import delete, or_, select, update

from app.account.models import ErasureLog, PasswordResetToken
from app.extensions import db
from app.joining.models import MembershipRequest
from app.models import LoginAttempt, Membership, User
from app.outbox import OutboxMessage
from app.personal_data import ERASED_NAME, iso, register


def export_account(user: User) -> dict:
    return {
        "account": {
            "id": user.id, "email": user.email, "display_name": user.display_name, "locale": user.locale,
            "role": user.role, "created_at": iso(user.created_at),
            "notifications": getattr(user, "notification_mode", None),
        },
        "memberships": [
            {"organization": m.organization.name, "organization_slug": m.organization.slug, "role": m.role}
            for m in user.memberships
        ],
        "membership_requests": [
            {"kind": r.kind, "organization": r.organization_name, "message": r.message, "status": r.status,
             "decision_note": r.decision_note, "created_at": iso(r.created_at), "decided_at": iso(r.decided_at)}
            for r in db.session.scalars(select(MembershipRequest).where(MembershipRequest.user_id == user.id))
        ],
        "failed_logins": [
            {"at": iso(a.created_at)}
            for a in db.session.scalars(select(LoginAttempt).where(LoginAttempt.email == user.email.lower()))
        ],
        "password_reset_links": [
            {"created_at": iso(t.created_at), "used_at": iso(t.used_at)}
            for t in db.session.scalars(select(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
        ],
        "mails": [
            {"kind": m.kind, "subject": m.subject, "created_at": iso(m.created_at), "sent_at": iso(m.sent_at)}
            for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_email == user.email))
        ],
    }


def erase_account(user: User) -> None:
    email, name = user.email, user.display_name
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email.lower()))
    db.session.execute(delete(PasswordResetToken).where(PasswordResetToken.user_id == user.id))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.to_email == email))
    _scrub_mails_to_others(email, name)
    db.session.execute(
        update(MembershipRequest).where(MembershipRequest.user_id == user.id)
        .values(message="", org_name=None, status="declined")
        .where(MembershipRequest.status == "pending")
    )
    db.session.execute(
        update(MembershipRequest).where(MembershipRequest.user_id == user.id).values(message="")
    )
    for membership in list(user.memberships):
        db.session.delete(membership)
    user.email = f"erased-{user.id}@invalid"
    user.display_name = ERASED_NAME
    user.password_hash = "!erased-" + secrets.token_hex(8)  # no password can match
    user.role = "member"
    user.active = False
    user.session_version += 1
    db.session.add(ErasureLog(user_id=user.id))
    db.session.flush()


def _scrub_mails_to_others(email: str, name: str) -> None:
    """Mails to others that named the person (a request to join, sent to an organization's
    admins) keep their place in the outbox without the name or address."""
    needles = [n for n in {email, name} if n and len(n) >= 3]
    if not needles:
        return
    conditions = [OutboxMessage.body.contains(n) for n in needles] + [OutboxMessage.subject.contains(n) for n in needles]
    for message in db.session.scalars(select(OutboxMessage).where(or_(*conditions))):
        for needle in needles:
            message.body = message.body.replace(needle, ERASED_NAME)
            message.subject = message.subject.replace(needle, ERASED_NAME)[:200]


register("account", export_account, erase_account, order=1000)
