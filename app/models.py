"""Models shared by every domain: users, organizations, memberships, login attempts."""
from __future__ import annotations

import re
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, false, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.string_enums import one_of
from app.timeutil import UTCDateTime, utcnow

ROLES = ("member", "official", "admin")
ORGANIZATION_KINDS = ("authority", "association", "foundation", "company", "other")
# A membership's role: an organization's admins decide who may join it (app/joining/).
MEMBERSHIP_ROLES = ("member", "admin")
# The interface languages a person can choose (config LANGUAGES).
LOCALES = ("fi", "sv", "en")
# Notices of followed consultations (consultations/following/).
NOTIFICATION_MODES = ("immediate", "daily")
_BUSINESS_ID = re.compile(r"^(\d{7})-(\d)$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def valid_slug(value: str) -> bool:
    return bool(SLUG.match(value or "")) and len(value) <= 80


def valid_business_id(value: str) -> bool:
    """Finnish Y-tunnus: seven digits, a hyphen and a mod-11 check digit."""
    match = _BUSINESS_ID.match(value or "")
    if not match:
        return False
    weights = (7, 9, 10, 5, 8, 4, 2)
    remainder = sum(int(d) * w for d, w in zip(match.group(1), weights)) % 11
    if remainder == 1:
        return False
    check = 0 if remainder == 0 else 11 - remainder
    return check == int(match.group(2))


class Organization(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    business_id: Mapped[str | None] = mapped_column(String(9), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="association")
    # Checked by a site admin (that the organization exists and is who it says).
    verified: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="organization")

    __table_args__ = (one_of("kind", ORGANIZATION_KINDS),)

    def __repr__(self) -> str:
        return f"<Organization {self.slug}>"


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    locale: Mapped[str] = mapped_column(String(5), default="fi")
    role: Mapped[str] = mapped_column(String(10), default="member")
    session_version: Mapped[int] = mapped_column(default=1)
    # Notices of followed consultations: "immediate" or "daily" (a digest).
    notification_mode: Mapped[str] = mapped_column(String(10), default="daily", server_default="daily")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("uq_user_email_lower", func.lower(email), unique=True),
        one_of("locale", LOCALES),
        one_of("role", ROLES),
        one_of("notification_mode", NOTIFICATION_MODES),
    )

    @validates("email")
    def _normalize_email(self, _key, value: str) -> str:
        """Stored lowercased (Python's Unicode lower): SQLite's lower() folds ASCII only,
        so Äijä@… stored as typed was never found again by by_email."""
        return (value or "").strip().lower()

    # Flask-Login: the session holds "<id>:<session_version>", so bumping the version
    # invalidates every cookie issued before (logout, password change).
    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_official(self) -> bool:
        return self.role in ("official", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def organizations(self) -> list[Organization]:
        return sorted((m.organization for m in self.memberships), key=lambda o: o.name)

    def is_admin_of(self, organization: Organization | None) -> bool:
        """An organization admin (a membership role), who decides who may join."""
        return organization is not None and any(
            m.organization_id == organization.id and m.role == "admin" for m in self.memberships
        )

    def is_member_of(self, organization: Organization | None) -> bool:
        return organization is not None and any(
            m.organization_id == organization.id for m in self.memberships
        )

    @staticmethod
    def by_email(email: str) -> User | None:
        return db.session.scalar(
            select(User).where(func.lower(User.email) == (email or "").strip().lower())
        )


class Membership(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    role: Mapped[str] = mapped_column(String(10), default="member", server_default="member")

    user: Mapped[User] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship(back_populates="memberships")

    __table_args__ = (
        UniqueConstraint("user_id", "organization_id", name="uq_membership_user_org"),
        one_of("role", MEMBERSHIP_ROLES),
    )


class LoginAttempt(db.Model):
    """Failed logins, kept in the database so throttling survives restarts and workers."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
