"""The officials' dashboard (/manage/): their consultations grouped by status with the
counts of what waits for them. Counts that need the discussion (open reports, comments
without a response, organizations that answered) come from providers that comments/
registers at start-up, so consultations/ never imports comments/."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Membership, Organization, User
from app.timeutil import utcnow
from consultations.authoring.models import Invitation
from consultations.models import Consultation

GROUPS = ("draft", "upcoming", "open", "closed", "summarized")


@dataclass(frozen=True)
class DashboardCount:
    """One count shown next to a consultation: `count(ids) -> {consultation id: n}`, its
    words `label(n)` ("1 open report", "2 open reports": ngettext), and the page where the
    task waits, `url(consultation)`."""

    key: str
    label: Callable[[int], str]
    count: Callable[[list[int]], dict[int, int]]
    url: Callable[[Consultation], str]
    statuses: tuple[str, ...] = ("open", "closed", "summarized")


def register_count(app: Flask, count: DashboardCount) -> None:
    app.extensions.setdefault("kuulo.dashboard_counts", {})[count.key] = count


def register_answered_organizations(app: Flask, provider: Callable[[list[int]], dict[int, set[int]]]) -> None:
    """`provider(ids) -> {consultation id: ids of organizations that commented}`."""
    app.extensions["kuulo.answered_organizations"] = provider


def answered_organizations(consultation_ids: list[int]) -> dict[int, set[int]]:
    provider = current_app.extensions.get("kuulo.answered_organizations")
    return provider(consultation_ids) if provider and consultation_ids else {}


@dataclass
class Row:
    consultation: Consultation
    status: str
    invited: int = 0
    answered: int = 0
    counts: list = field(default_factory=list)  # (DashboardCount, n) with n > 0

    @property
    def days_left(self) -> int:
        return max(0, (self.consultation.closes_at - utcnow()).days)


def managed_organizations(user: User) -> list[Organization]:
    """The organizations whose consultations the user manages (all, for an admin)."""
    query = select(Organization)
    if not user.is_admin:
        query = query.join(Membership, Membership.organization_id == Organization.id).where(
            Membership.user_id == user.id)
    return db.session.scalars(query.order_by(Organization.name)).all()


def _consultations_of(user: User) -> list[Consultation]:
    query = select(Consultation).options(selectinload(Consultation.organizer))
    if not user.is_admin:
        mine = select(Membership.organization_id).where(Membership.user_id == user.id)
        query = query.where(Consultation.organizer_id.in_(mine))
    return db.session.scalars(query.order_by(Consultation.closes_at.desc(), Consultation.id.desc())).all()


def _invited_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(Invitation.consultation_id, func.count(Invitation.id))
        .where(Invitation.consultation_id.in_(ids)).group_by(Invitation.consultation_id)
    )
    return dict(rows.all())


def _invited_that_answered(ids: list[int]) -> dict[int, int]:
    answered = answered_organizations(ids)
    if not answered:
        return {}
    rows = db.session.execute(
        select(Invitation.consultation_id, Invitation.organization_id).where(Invitation.consultation_id.in_(ids))
    )
    result: dict[int, int] = {}
    for consultation_id, organization_id in rows:
        if organization_id in answered.get(consultation_id, ()):
            result[consultation_id] = result.get(consultation_id, 0) + 1
    return result


def dashboard(user: User, now: datetime | None = None) -> dict[str, list[Row]]:
    """Rows by status, in a fixed number of queries whatever the number of consultations."""
    now = now or utcnow()
    consultations = _consultations_of(user)
    ids = [c.id for c in consultations]
    invited, answered = _invited_counts(ids), _invited_that_answered(ids)
    providers = current_app.extensions.get("kuulo.dashboard_counts", {}).values()
    counted = [(provider, provider.count(ids) if ids else {}) for provider in providers]
    groups: dict[str, list[Row]] = {name: [] for name in GROUPS}
    for consultation in consultations:
        status = consultation.status_at(now)
        row = Row(consultation, status, invited.get(consultation.id, 0), answered.get(consultation.id, 0))
        row.counts = [(p, values.get(consultation.id, 0)) for p, values in counted
                      if status in p.statuses and values.get(consultation.id, 0)]
        groups[status].append(row)
    groups["upcoming"].reverse()  # soonest first
    groups["open"].reverse()
    return groups
