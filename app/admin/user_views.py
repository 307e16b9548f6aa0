"""/admin/users: roles, lock / unlock, memberships and their roles; /admin/log."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.admin import admin_required, bp
from app.admin.models import AdminAction
from app.admin.services import AdminError, add_member, remove_member, set_locked, set_membership_role, set_role
from app.extensions import db
from app.input_guard import database_id
from app.models import ROLES, Membership, Organization, User
from app.organizations import organization_by_slug

PER_PAGE = 100


def _user_or_400() -> User:
    user = db.session.get(User, database_id(request.form.get("user_id")) or 0)
    if user is None:
        abort(400)
    return user


def _done(message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(request.form.get("back") if request.form.get("back", "").startswith("/admin/")
                    else url_for("admin.users"), 303)


def _refused(error: AdminError):
    db.session.rollback()
    flash(str(error), "error")
    return redirect(url_for("admin.users"), 303)


@bp.get("/users")
@admin_required
def users():
    query = request.args.get("q", "")[:200].strip()
    statement = (select(User).options(selectinload(User.memberships).selectinload(Membership.organization))
                 .order_by(User.display_name).limit(PER_PAGE))
    if query:
        pattern = "%" + query.lower().replace("%", "").replace("_", "") + "%"
        statement = statement.where(or_(func.lower(User.display_name).like(pattern), func.lower(User.email).like(pattern)))
    organizations = db.session.scalars(select(Organization).order_by(Organization.name)).all()
    return render_template("admin/users.html", users=db.session.scalars(statement).all(), organizations=organizations,
                           roles=ROLES, query=query)


@bp.post("/users/role")
@admin_required
def user_role():
    try:
        set_role(current_user, _user_or_400(), request.form.get("role", ""))
    except AdminError as error:
        return _refused(error)
    return _done(_("The role has been changed."))


@bp.post("/users/lock")
@admin_required
def user_lock():
    locked = request.form.get("locked") == "1"
    try:
        set_locked(current_user, _user_or_400(), locked)
    except AdminError as error:
        return _refused(error)
    return _done(_("The account has been locked.") if locked else _("The account has been unlocked."))


@bp.post("/memberships", endpoint="add_member")
@admin_required
def add_member_view():
    user = _user_or_400()
    organization = organization_by_slug(request.form.get("organization", ""))
    if organization is None:
        flash(_("Unknown organization."), "error")
        return redirect(url_for("admin.users"), 303)
    try:
        add_member(current_user, user, organization, request.form.get("membership_role") or "member")
    except AdminError as error:
        return _refused(error)
    return _done(_("Membership added."))


def _membership_or_404() -> Membership:
    membership = db.session.get(Membership, database_id(request.form.get("membership_id")) or 0)
    if membership is None:
        abort(404)
    return membership


@bp.post("/memberships/role")
@admin_required
def membership_role():
    try:
        set_membership_role(current_user, _membership_or_404(), request.form.get("membership_role", ""))
    except AdminError as error:
        return _refused(error)
    return _done(_("The membership role has been changed."))


@bp.post("/memberships/remove")
@admin_required
def membership_remove():
    remove_member(current_user, _membership_or_404())
    return _done(_("The membership has been removed."))


@bp.get("/log")
@admin_required
def log():
    entries = db.session.scalars(
        select(AdminAction).options(selectinload(AdminAction.actor), selectinload(AdminAction.user))
        .order_by(AdminAction.id.desc()).limit(200)
    ).all()
    names = dict(db.session.execute(select(Organization.id, Organization.name).where(
        Organization.id.in_({e.organization_id for e in entries if e.organization_id}))).all())
    return render_template("admin/log.html", entries=entries, org_names=names)
