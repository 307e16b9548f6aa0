"""Administration: users, organizations and memberships (admins only)."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.auth.services import AuthError, add_membership
from app.extensions import db
from app.input_guard import database_id
from app.models import Membership, Organization, User

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.get("/users")
@admin_required
def users():
    all_users = db.session.scalars(
        select(User)
        .options(selectinload(User.memberships).selectinload(Membership.organization))
        .order_by(User.display_name)
    ).all()
    organizations = db.session.scalars(select(Organization).order_by(Organization.name)).all()
    return render_template("admin/users.html", users=all_users, organizations=organizations)


@bp.post("/memberships")
@admin_required
def add_member():
    user = db.session.get(User, database_id(request.form.get("user_id")) or 0)
    if user is None:
        abort(400)
    try:
        add_membership(user, request.form.get("organization", ""))
    except AuthError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("admin.users"), 303)
    db.session.commit()
    flash(_("Membership added."), "success")
    return redirect(url_for("admin.users"), 303)
