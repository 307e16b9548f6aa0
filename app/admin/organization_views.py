"""/admin/organizations: create, edit, verify and merge duplicates (keeping their
comments, consultations, memberships and roles)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app.admin import admin_required, bp
from app.admin.services import AdminError, create_org, edit_org, merge_orgs
from app.extensions import db
from app.input_guard import database_id
from app.joining.forms import KIND_LABELS
from app.models import ORGANIZATION_KINDS, Membership, Organization
from app.organizations import organization_by_slug


def _org_or_404(org_id) -> Organization:
    organization = db.session.get(Organization, database_id(org_id) or 0)
    if organization is None:
        abort(404)
    return organization


def _fields() -> dict:
    form = request.form
    return {"name": form.get("name", "")[:200], "slug": form.get("slug", "").strip()[:80],
            "business_id": form.get("business_id", "").strip()[:20], "kind": form.get("kind", ""),
            "verified": form.get("verified") == "1"}


@bp.get("/organizations")
@admin_required
def organizations():
    members = dict(db.session.execute(
        select(Membership.organization_id, func.count(Membership.id)).group_by(Membership.organization_id)).all())
    all_orgs = db.session.scalars(select(Organization).order_by(Organization.name)).all()
    return render_template("admin/organizations.html", organizations=all_orgs, members=members,
                           kinds=ORGANIZATION_KINDS, kind_labels=KIND_LABELS, typed={})


@bp.post("/organizations")
@admin_required
def organization_create():
    fields = _fields()
    try:
        create_org(current_user, **fields)
    except AdminError as error:
        db.session.rollback()
        flash(str(error), "error")
        all_orgs = db.session.scalars(select(Organization).order_by(Organization.name)).all()
        return render_template("admin/organizations.html", organizations=all_orgs, members={},
                               kinds=ORGANIZATION_KINDS, kind_labels=KIND_LABELS, typed=fields), 400
    db.session.commit()
    flash(_("The organization has been created."), "success")
    return redirect(url_for("admin.organizations"), 303)


@bp.route("/organizations/<org_id>", methods=["GET", "POST"])
@admin_required
def organization_edit(org_id):
    organization = _org_or_404(org_id)
    status, typed = 200, None
    if request.method == "POST":
        typed = _fields()
        try:
            edit_org(current_user, organization, **typed)
        except AdminError as error:
            db.session.rollback()
            flash(str(error), "error")
            status = 400
        else:
            db.session.commit()
            flash(_("The organization has been saved."), "success")
            return redirect(url_for("admin.organization_edit", org_id=organization.id), 303)
    others = db.session.scalars(select(Organization).where(Organization.id != organization.id)
                                .order_by(Organization.name)).all()
    return render_template("admin/organization_edit.html", organization=organization, kinds=ORGANIZATION_KINDS, kind_labels=KIND_LABELS,
                           typed=typed, others=others), status


@bp.post("/organizations/<org_id>/merge")
@admin_required
def organization_merge(org_id):
    duplicate = _org_or_404(org_id)
    keeper = organization_by_slug(request.form.get("into", ""))
    if keeper is None:
        abort(400)
    try:
        merge_orgs(current_user, duplicate, keeper)
    except AdminError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("admin.organization_edit", org_id=duplicate.id), 303)
    db.session.commit()
    flash(_("The organizations have been merged into %(name)s.", name=keeper.name), "success")
    return redirect(url_for("admin.organization_edit", org_id=keeper.id), 303)
