"""MembershipRequest: a person asks to join an organization, or to register a new one."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import ORGANIZATION_KINDS, Organization, User
from app.string_enums import one_of
from app.timeutil import UTCDateTime, utcnow

REQUEST_KINDS = ("join", "register")
REQUEST_STATUSES = ("pending", "approved", "declined")


class MembershipRequest(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    # The organization to join; for "register" set when the new one is approved and created.
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"), index=True)
    # The organization to register, as the person gave it.
    org_name: Mapped[str | None] = mapped_column(String(200))
    org_business_id: Mapped[str | None] = mapped_column(String(9))
    org_kind: Mapped[str | None] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organization: Mapped[Organization | None] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (
        # One pending request per person and organization (a double click asks once).
        Index(
            "uq_membership_request_pending", "user_id", "organization_id", unique=True,
            sqlite_where=text("status = 'pending' AND organization_id IS NOT NULL"),
            postgresql_where=text("status = 'pending' AND organization_id IS NOT NULL"),
        ),
        one_of("kind", REQUEST_KINDS),
        one_of("org_kind", ORGANIZATION_KINDS),
        one_of("status", REQUEST_STATUSES),
    )

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"

    @property
    def organization_name(self) -> str:
        return self.organization.name if self.organization else (self.org_name or "")

    def can_decide(self, user) -> bool:
        """Site admins always; organization admins for joining their own organization."""
        if not (user and user.is_authenticated) or not self.is_pending:
            return False
        if user.is_admin:
            return True
        return self.kind == "join" and user.is_admin_of(self.organization)
