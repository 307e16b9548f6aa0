"""What site admins do to users, memberships and organizations; each act is logged
(app/admin/models.py). Services flush, never commit."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.admin.models import log_action
from app.auth.services import end_all_sessions
from app.extensions import db
from app.models import MEMBERSHIP_ROLES, ORGANIZATION_KINDS, ROLES, Membership, Organization, User, valid_business_id
from app.organizations import OrganizationError, create_organization, valid_slug


class AdminError(ValueError):
    """An act the rules refuse; the message is shown to the admin."""


def _not_self(actor: User, user: User) -> None:
    if actor.id == user.id:
        raise AdminError(_l("You cannot change your own role or lock yourself out."))


def set_role(actor: User, user: User, role: str) -> None:
    if role not in ROLES:
        raise AdminError(_l("Unknown role."))
    _not_self(actor, user)
    if user.role != role:
        log_action(actor, "user_role", user=user, detail=f"{user.role} -> {role}")
        user.role = role
        end_all_sessions(user)  # a new role takes effect at the next login
    db.session.flush()


def set_locked(actor: User, user: User, locked: bool) -> None:
    _not_self(actor, user)
    if user.active == (not locked):
        return
    user.active = not locked
    if locked:
        end_all_sessions(user)
    log_action(actor, "user_lock" if locked else "user_unlock", user=user)
    db.session.flush()


def membership_of(user: User, organization: Organization) -> Membership | None:
    return db.session.scalar(select(Membership).where(
        Membership.user_id == user.id, Membership.organization_id == organization.id))


def add_member(actor: User, user: User, organization: Organization, role: str = "member") -> Membership:
    if role not in MEMBERSHIP_ROLES:
        raise AdminError(_l("Unknown membership role."))
    membership = membership_of(user, organization)
    if membership is None:
        membership = Membership(user=user, organization=organization, role=role)
        db.session.add(membership)
        log_action(actor, "membership_add", user=user, organization_id=organization.id, detail=role)
    elif membership.role != role:
        set_membership_role(actor, membership, role)
    db.session.flush()
    return membership


def set_membership_role(actor: User, membership: Membership, role: str) -> None:
    if role not in MEMBERSHIP_ROLES:
        raise AdminError(_l("Unknown membership role."))
    if membership.role != role:
        log_action(actor, "membership_role", user=membership.user, organization_id=membership.organization_id,
                   detail=f"{membership.role} -> {role}")
        membership.role = role
    db.session.flush()


def remove_member(actor: User, membership: Membership) -> None:
    log_action(actor, "membership_remove", user=membership.user, organization_id=membership.organization_id)
    db.session.delete(membership)
    db.session.flush()


def create_org(actor: User, name: str, slug: str, business_id: str | None, kind: str, verified: bool) -> Organization:
    try:
        organization = create_organization(name, slug, business_id or None, kind)
    except OrganizationError as error:
        raise AdminError(str(error)) from None
    organization.verified = verified
    log_action(actor, "org_create", organization_id=organization.id, detail=organization.slug)
    db.session.flush()
    return organization


def edit_org(actor: User, organization: Organization, name: str, slug: str, business_id: str | None, kind: str,
             verified: bool) -> None:
    name, business_id = (name or "").strip(), (business_id or "").strip() or None
    if not name or len(name) > 200:
        raise AdminError(_l("The name is required."))
    if not valid_slug(slug):
        raise AdminError(_l("The slug may contain only a-z, 0-9 and hyphens."))
    if kind not in ORGANIZATION_KINDS:
        raise AdminError(_l("Unknown kind of organization."))
    if business_id and not valid_business_id(business_id):
        raise AdminError(_l("Invalid business ID (Y-tunnus): %(value)s", value=business_id))
    clash = db.session.scalar(select(Organization.id).where(
        Organization.id != organization.id,
        (Organization.slug == slug) | ((Organization.business_id == business_id) if business_id else False)))
    if clash:
        raise AdminError(_l("Another organization already has this slug or business ID."))
    changes = [f"{field}: {getattr(organization, field)!r} -> {value!r}"
               for field, value in (("name", name), ("slug", slug), ("business_id", business_id), ("kind", kind))
               if getattr(organization, field) != value]
    if changes:
        organization.name, organization.slug, organization.business_id, organization.kind = name, slug, business_id, kind
        log_action(actor, "org_edit", organization_id=organization.id, detail="; ".join(changes))
    if organization.verified != verified:
        organization.verified = verified
        log_action(actor, "org_verify" if verified else "org_unverify", organization_id=organization.id)
    db.session.flush()


def merge_orgs(actor: User, duplicate: Organization, keeper: Organization) -> None:
    """Move everything that points at `duplicate` to `keeper` — comments, consultations,
    requests and whatever else a package keys by organization — then remove the duplicate.
    Objects are moved through the ORM, one mapped class at a time, so that every package's
    own hooks (the search index) see the change. Memberships in both keep the higher role."""
    if duplicate.id == keeper.id:
        raise AdminError(_l("Choose another organization to merge into."))
    for membership in list(duplicate.memberships):
        existing = membership_of(membership.user, keeper)
        if existing is None:
            membership.organization = keeper
        else:
            if membership.role == "admin":
                existing.role = "admin"
            db.session.delete(membership)
    db.session.flush()
    moved = 0
    for mapper in db.Model.registry.mappers:
        cls = mapper.class_
        if cls in (Membership, Organization):
            continue
        for column in mapper.columns:
            if any(fk.column.table.name == "organization" for fk in column.foreign_keys):
                attribute = mapper.get_property_by_column(column).key
                for obj in db.session.scalars(select(cls).where(column == duplicate.id)):
                    setattr(obj, attribute, keeper.id)
                    moved += 1
    db.session.flush()
    business_id = duplicate.business_id
    detail = f"{duplicate.slug} ({duplicate.name}, id {duplicate.id}) -> {keeper.slug}; {moved} rows moved"
    db.session.expire(keeper, ["memberships"])
    db.session.delete(duplicate)
    db.session.flush()
    if business_id and not keeper.business_id:
        keeper.business_id = business_id
    log_action(actor, "org_merge", organization_id=keeper.id, detail=detail)
    db.session.flush()
