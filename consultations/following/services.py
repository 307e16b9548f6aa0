"""Following and unfollowing; services flush, never commit."""
from __future__ import annotations

from sqlalchemy import delete, select

from app.extensions import db
from app.models import User
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
