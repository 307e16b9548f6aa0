"""Following and unfollowing; services flush, never commit."""
from __future__ import annotations

from sqlalchemy import delete, select

from app.extensions import db
from app.models import Membership, User
from consultations.following.models import NOTIFICATION_MODES, Follow
from consultations.models import Consultation


def is_following(user, consultation: Consultation) -> bool:
    if not (user and user.is_authenticated):
        return False
    return db.session.scalar(select(Follow.id).where(
        Follow.user_id == user.id, Follow.consultation_id == consultation.id)) is not None


def follow(user: User, consultation: Consultation) -> Follow:
    existing = db.session.scalar(select(Follow).where(
        Follow.user_id == user.id, Follow.consultation_id == consultation.id))
    if existing is not None:
        return existing
    followed = Follow(user_id=user.id, consultation_id=consultation.id)
    db.session.add(followed)
    db.session.flush()
    return followed


def follow_for_members(organization_id: int, consultation: Consultation) -> int:
    """Invited organizations follow automatically: each current member of the organization
    who does not follow the consultation yet starts to (and may stop like anyone)."""
    members = set(db.session.scalars(select(Membership.user_id).where(Membership.organization_id == organization_id)))
    already = set(db.session.scalars(select(Follow.user_id).where(
        Follow.consultation_id == consultation.id, Follow.user_id.in_(members))))
    for user_id in sorted(members - already):
        db.session.add(Follow(user_id=user_id, consultation_id=consultation.id))
    db.session.flush()
    return len(members - already)


def unfollow(user: User, consultation: Consultation) -> None:
    db.session.execute(delete(Follow).where(Follow.user_id == user.id, Follow.consultation_id == consultation.id))


def unfollow_all(user_id: int) -> None:
    db.session.execute(delete(Follow).where(Follow.user_id == user_id))


def followed_by(user: User) -> list[Follow]:
    return list(db.session.scalars(
        select(Follow).join(Consultation, Consultation.id == Follow.consultation_id)
        .where(Follow.user_id == user.id, Consultation.published.is_(True))
        .order_by(Consultation.closes_at.desc())
    ))


def set_notification_mode(user: User, mode: str) -> None:
    if mode not in NOTIFICATION_MODES:
        raise ValueError(mode)
    user.notification_mode = mode
