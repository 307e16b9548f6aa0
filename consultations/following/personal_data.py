"""What consultations/following holds about a person: the consultations they follow."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.personal_data import iso, register
from consultations.following.models import Follow
from consultations.following.services import unfollow_all


def export_follows(user) -> list[dict]:
    return [
        {"consultation": f.consultation.slug, "title": f.consultation.title, "since": iso(f.created_at)}
        for f in db.session.scalars(select(Follow).where(Follow.user_id == user.id).order_by(Follow.id))
    ]


def erase_follows(user) -> None:
    unfollow_all(user.id)


register("follows", export_follows, erase_follows, order=50)
