"""Follow (a person × a consultation) and NotificationRun (the windows already notified)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import NOTIFICATION_MODES, User
from app.string_enums import one_of
from app.timeutil import UTCDateTime, utcnow
from consultations.models import Consultation



class Follow(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    consultation: Mapped[Consultation] = relationship()

    __table_args__ = (UniqueConstraint("user_id", "consultation_id", name="uq_follow_user_consultation"),)


class NotificationRun(db.Model):
    """One built batch of notifications for one mode: events in (window_start, window_end].
    The next run of the mode starts exactly where the last ended, so no event is told
    twice or skipped, however late or early the runs come."""

    id: Mapped[int] = mapped_column(primary_key=True)
    mode: Mapped[str] = mapped_column(String(10), index=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    messages: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("mode", "window_start", name="uq_notification_run_mode_start"),
        one_of("mode", NOTIFICATION_MODES),
    )
