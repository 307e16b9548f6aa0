"""Reports (ilmiannot) and the moderation log.

Moderation events are append-only.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, event, text
from sqlalchemy.orm import Mapped, Session, backref, mapped_column, relationship

from app.extensions import db
from app.models import User
from app.string_enums import one_of
from app.timeutil import UTCDateTime, utcnow
from comments.models import REASONS, Comment, reason_label
from consultations.models import Consultation

REPORT_STATUSES = ("open", "upheld", "dismissed")
MODERATION_ACTIONS = {
    "report": _l("reported"),
    "hide": _l("hidden"),
    "restore": _l("restored"),
    "dismiss": _l("reports dismissed"),
    "auto_hide": _l("hidden automatically"),
    "appeal": _l("review requested"),
}


class Report(db.Model):
    """A report (ilmianto). One open report per reporter per comment, by a partial unique index."""

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id"), index=True)
    # "u:<user id>" for a signed-in reporter, "a:<salted hash of the IP address>" otherwise.
    reporter_key: Mapped[str] = mapped_column(String(80))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    # Also gives Comment its `reports`, oldest first: the discussion does not know of reports.
    comment: Mapped[Comment] = relationship(backref=backref("reports", order_by="Report.id"))
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])

    __table_args__ = (
        Index(
            "uq_report_open_per_reporter",
            "comment_id",
            "reporter_key",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        one_of("reason", REASONS),
        one_of("status", REPORT_STATUSES),
    )

    @property
    def reason_label(self):
        return reason_label(self.reason)


class ModerationEvent(db.Model):
    """Append-only audit log: who did what to which comment, when and why."""

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id"), index=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    comment: Mapped[Comment] = relationship()
    consultation: Mapped[Consultation] = relationship()
    actor: Mapped[User | None] = relationship()

    __table_args__ = (one_of("action", MODERATION_ACTIONS), one_of("reason", REASONS))

    @property
    def reason_label(self):
        return reason_label(self.reason) if self.reason else ""

    @property
    def action_label(self):
        return MODERATION_ACTIONS.get(self.action, self.action)


@event.listens_for(ModerationEvent, "before_update")
@event.listens_for(ModerationEvent, "before_delete")
def _append_only(_mapper, _connection, target):
    raise RuntimeError("moderation events are append-only")


@event.listens_for(Session, "do_orm_execute")
def _append_only_bulk(state):
    """Bulk UPDATE/DELETE statements run through a session skip the mapper events above."""
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) == ModerationEvent.__tablename__:
        raise RuntimeError("moderation events are append-only")
