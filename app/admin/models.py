"""AdminAction: the append-only log of what site admins did to users and organizations."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import User
from app.string_enums import one_of
from app.timeutil import UTCDateTime, utcnow

ACTIONS = (
    "user_role", "user_lock", "user_unlock", "membership_add", "membership_remove", "membership_role",
    "org_create", "org_edit", "org_verify", "org_unverify", "org_merge",
)


class AdminAction(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(20))
    # What was acted on, by id (names are read when shown: an erased user's goes with it).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(index=True)  # no FK: a merged one is gone
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor: Mapped[User] = relationship(foreign_keys=[actor_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    __table_args__ = (one_of("action", ACTIONS),)


@event.listens_for(AdminAction, "before_update")
@event.listens_for(AdminAction, "before_delete")
def _append_only(_mapper, _connection, _target):
    raise RuntimeError("the admin log is append-only")


def log_action(actor: User, action: str, *, user: User | None = None, organization_id: int | None = None,
               detail: str = "") -> AdminAction:
    entry = AdminAction(actor=actor, action=action, user=user, organization_id=organization_id, detail=detail[:2000])
    db.session.add(entry)
    return entry
