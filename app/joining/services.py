"""Asking to join or register an organization, and deciding. Services flush, never commit;
every outcome is told to the person by mail, every new request to those who decide."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app.extensions import db
from app.joining.models import MembershipRequest
from app.public_links import public_url
from app.models import ORGANIZATION_KINDS, Membership, Organization, User, valid_business_id
from app.organizations import OrganizationError, create_organization, unique_slug
from app.outbox import notify
from app.timeutil import utcnow

MESSAGE_MAX, NOTE_MAX = 1000, 1000


class JoinError(ValueError):
    """A request that cannot be made or decided; the message is shown to the user, next to
    `field` when it names a form field."""

    def __init__(self, message, field: str = "form") -> None:
        super().__init__(message)
        self.field = field


def search_organizations(query: str, limit: int = 20) -> list[Organization]:
    """By a part of the name, or by the business id (Y-tunnus)."""
    query = (query or "").strip()[:200]
    if not query:
        return []
    pattern = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return list(db.session.scalars(
        select(Organization)
        .where(or_(func.lower(Organization.name).like(pattern, escape="\\"), Organization.business_id == query))
        .order_by(Organization.name)
        .limit(limit)
    ))


def pending_request(user: User, organization: Organization) -> MembershipRequest | None:
    return db.session.scalar(select(MembershipRequest).where(
        MembershipRequest.user_id == user.id, MembershipRequest.organization_id == organization.id,
        MembershipRequest.status == "pending",
    ))


def request_to_join(user: User, organization: Organization, message: str = "") -> MembershipRequest:
    if user.is_member_of(organization):
        raise JoinError(_l("You are already a member of %(name)s.", name=organization.name))
    existing = pending_request(user, organization)
    if existing is not None:
        return existing
    request = MembershipRequest(user=user, kind="join", organization=organization, message=_clip(message, MESSAGE_MAX))
    db.session.add(request)
    db.session.flush()
    _tell_deciders(request)
    return request


def business_id_taken(business_id: str) -> bool:
    in_use = db.session.scalar(select(Organization.id).where(Organization.business_id == business_id))
    asked = db.session.scalar(select(MembershipRequest.id).where(
        MembershipRequest.org_business_id == business_id, MembershipRequest.status == "pending"))
    return bool(in_use or asked)


def request_registration(user: User, name: str, business_id: str, kind: str, message: str = "") -> MembershipRequest:
    name = (name or "").strip()
    business_id = (business_id or "").strip()
    if not name or len(name) > 200:
        raise JoinError(_l("Give the organization's name (at most 200 characters)."), "name")
    if kind not in ORGANIZATION_KINDS:
        raise JoinError(_l("Unknown kind of organization."), "kind")
    if business_id:
        if not valid_business_id(business_id):
            raise JoinError(_l("Invalid business ID (Y-tunnus): %(value)s", value=business_id), "business_id")
        if business_id_taken(business_id):
            raise JoinError(_l(
                "An organization with the business ID %(value)s is already registered or waiting "
                "for approval. Search for it and ask to join it instead.", value=business_id), "business_id")
    request = MembershipRequest(
        user=user, kind="register", org_name=name, org_business_id=business_id or None, org_kind=kind,
        message=_clip(message, MESSAGE_MAX),
    )
    db.session.add(request)
    db.session.flush()
    _tell_deciders(request)
    return request


def requests_for_decider(user: User) -> list[MembershipRequest]:
    """Pending requests this person may decide, oldest first."""
    query = select(MembershipRequest).where(MembershipRequest.status == "pending").order_by(MembershipRequest.id)
    if not user.is_admin:
        admin_of = [m.organization_id for m in user.memberships if m.role == "admin"]
        if not admin_of:
            return []
        query = query.where(MembershipRequest.kind == "join", MembershipRequest.organization_id.in_(admin_of))
    return list(db.session.scalars(query))


def requests_of(user: User) -> list[MembershipRequest]:
    return list(db.session.scalars(
        select(MembershipRequest).where(MembershipRequest.user_id == user.id).order_by(MembershipRequest.id.desc())
    ))


def decide(request: MembershipRequest, decider: User, approve: bool, note: str = "") -> MembershipRequest:
    if not request.can_decide(decider):
        raise JoinError(_l("This request has already been decided."))
    request.decision_note = _clip(note, NOTE_MAX)
    request.decided_by = decider
    request.decided_at = utcnow()
    if approve:
        if request.kind == "register":
            try:
                request.organization = create_organization(
                    request.org_name, unique_slug(request.org_name), request.org_business_id, request.org_kind)
            except OrganizationError as error:
                raise JoinError(str(error)) from None
            _add_member(request.user, request.organization, role="admin")
        else:
            _add_member(request.user, request.organization, role="member")
    request.status = "approved" if approve else "declined"
    db.session.flush()
    _tell_person(request)
    return request


def _add_member(user: User, organization: Organization, role: str) -> None:
    if not user.is_member_of(organization):
        db.session.add(Membership(user=user, organization=organization, role=role))


def deciders(request: MembershipRequest) -> list[User]:
    """The organization's admins for joining it; site admins when it has none or is new."""
    if request.kind == "join" and request.organization is not None:
        admins = list(db.session.scalars(
            select(User).join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id == request.organization_id, Membership.role == "admin",
                   User.active.is_(True))
        ))
        if admins:
            return admins
    return list(db.session.scalars(select(User).where(User.role == "admin", User.active.is_(True))))


def _tell_deciders(request: MembershipRequest) -> None:
    link = public_url("joining.requests")
    name, org = request.user.display_name, request.organization_name
    for decider in deciders(request):
        if request.kind == "join":
            notify(decider, "membership_request", lambda: _("Request to join %(org)s", org=org),
                   lambda: _("%(name)s asks to join %(org)s. Approve or decline the request at %(url)s",
                             name=name, org=org, url=link))
        else:
            notify(decider, "membership_request", lambda: _("Request to register %(org)s", org=org),
                   lambda: _("%(name)s asks to register the organization %(org)s. Approve or decline "
                             "the request at %(url)s", name=name, org=org, url=link))


def _tell_person(request: MembershipRequest) -> None:
    org, note = request.organization_name, request.decision_note
    link = public_url("joining.mine")
    if request.status == "approved":
        subject = lambda: _("You are now a member of %(org)s", org=org)  # noqa: E731
        body = lambda: _("Your request concerning %(org)s was approved. You can now comment on its "  # noqa: E731
                         "behalf.\n\n%(note)s\n\nYour organizations: %(url)s", org=org, note=note, url=link)
    else:
        subject = lambda: _("Your request concerning %(org)s was declined", org=org)  # noqa: E731
        body = lambda: _("Your request concerning %(org)s was declined.\n\n%(note)s\n\nYour "  # noqa: E731
                         "organizations: %(url)s", org=org, note=note, url=link)
    notify(request.user, "membership_decision", subject, body)


def _clip(text: str | None, limit: int) -> str:
    return (text or "").strip()[:limit]
