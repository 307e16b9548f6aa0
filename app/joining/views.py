"""Your organizations: search and ask to join, register a new one; deciding requests
(organization admins for their organization, site admins for all)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from app.extensions import db, limiter
from app.input_guard import database_id
from app.joining.forms import KIND_LABELS, DecisionForm, JoinForm, RegisterOrganizationForm
from app.joining.models import MembershipRequest
from app.joining.services import (
    JoinError, decide, request_registration, request_to_join, requests_for_decider, requests_of, search_organizations,
)
from app.organizations import organization_by_slug

bp = Blueprint("joining", __name__, url_prefix="/account/organizations")
REQUEST_LIMIT = "20 per hour"


def _render_mine(status=200, join_form=None):
    query = request.args.get("q", "")[:200]
    results = search_organizations(query)
    mine = requests_of(current_user)
    pending_ids = {r.organization_id for r in mine if r.is_pending}
    return render_template(
        "joining/mine.html", query=query, results=results, requests=mine, pending_ids=pending_ids,
        join_form=join_form or JoinForm(), kind_labels=KIND_LABELS,
    ), status


@bp.get("/")
@login_required
def mine():
    return _render_mine()


@bp.post("/join")
@limiter.limit(REQUEST_LIMIT)
@login_required
def join():
    form = JoinForm()
    if not form.validate_on_submit():
        return _render_mine(400, form)
    organization = organization_by_slug(form.organization.data)
    if organization is None:
        abort(404)
    try:
        request_to_join(current_user, organization, form.message.data)
        db.session.commit()
    except JoinError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _render_mine(409, form)
    except IntegrityError:  # the same request sent twice at once: one is stored
        db.session.rollback()
    flash(_("Your request to join %(name)s has been sent.", name=organization.name), "success")
    return redirect(url_for("joining.mine"), 303)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(REQUEST_LIMIT, methods=["POST"])
@login_required
def register():
    form = RegisterOrganizationForm()
    status = 200
    if form.validate_on_submit():
        try:
            request_registration(current_user, form.name.data, form.business_id.data, form.kind.data, form.message.data)
        except JoinError as error:
            db.session.rollback()
            form[error.field if error.field in form else "name"].errors = [str(error)]
            status = 400
        else:
            db.session.commit()
            flash(_("Your request to register %(name)s has been sent to the administrators.", name=form.name.data), "success")
            return redirect(url_for("joining.mine"), 303)
    elif request.method == "POST":
        status = 400
    return render_template("joining/register.html", form=form), status


@bp.get("/requests")
@login_required
def requests():
    pending = requests_for_decider(current_user)
    if not pending and not (current_user.is_admin or any(m.role == "admin" for m in current_user.memberships)):
        abort(403)
    return render_template("joining/requests.html", pending=pending, form=DecisionForm(), kind_labels=KIND_LABELS)


@bp.post("/requests/<request_id>")
@login_required
def decide_request(request_id):
    membership_request = db.session.get(MembershipRequest, database_id(request_id) or 0)
    if membership_request is None:
        abort(404)
    if not (current_user.is_admin or current_user.is_admin_of(membership_request.organization)):
        abort(403)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        decide(membership_request, current_user, form.decision.data == "approve", form.note.data)
        db.session.commit()
    except (JoinError, IntegrityError) as error:
        db.session.rollback()
        flash(str(error) if isinstance(error, JoinError) else _("This request has already been decided."), "error")
        return redirect(url_for("joining.requests"), 303)
    flash(_("The decision has been saved and the person told."), "success")
    return redirect(url_for("joining.requests"), 303)
