"""Contact persons, invited organizations and the change log of a consultation."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Organization, User
from app.timeutil import UTCDateTime, utcnow


class ContactPerson(db.Model):
    """Shown on the public page under "Lisätietoja antaa"."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    ordinal: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")


class Invitation(db.Model):
    """An organization asked to comment (lausunnonantaja). The stamps make the opening
    notice and the reminder go out once each, whoever runs `flask outbox send` how often."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opening_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship(lazy="selectin")

    __table_args__ = (
        UniqueConstraint("consultation_id", "organization_id", name="uq_invitation_consultation_org"),
    )


class ConsultationChange(db.Model):
    """Append-only: who changed which field of a consultation, when, from what to what."""

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship()

    TIME_FIELDS = ("opens_at", "closes_at", "publish_at")

    def _shown(self, value: str) -> str | datetime:
        """A time as a datetime (the page formats it in Helsinki time), anything else as stored."""
        if self.field in self.TIME_FIELDS and value:
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                return value
        return value

    @property
    def old_shown(self) -> str | datetime:
        return self._shown(self.old_value)

    @property
    def new_shown(self) -> str | datetime:
        return self._shown(self.new_value)
