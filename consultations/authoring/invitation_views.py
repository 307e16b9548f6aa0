"""The invited organizations of a consultation: search by name or Y-tunnus, invite,
remove, and who has answered."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.organizations import organization_by_slug
from consultations.access import managed_consultation
from consultations.authoring.dashboard import answered_organizations
from consultations.authoring.forms import InviteForm
from consultations.authoring.invitations import invite, search_organizations, uninvite
from consultations.models import Consultation
from consultations.services import ConsultationError

bp = Blueprint("invitations", __name__, url_prefix="/consultations/<slug>/manage/invitations")


@bp.get("/")
@managed_consultation
def index(consultation: Consultation):
    query = request.args.get("q", "")[:100]
    invited = {i.organization_id for i in consultation.invitations}
    answered = answered_organizations([consultation.id]).get(consultation.id, set())
    return render_template(
        "authoring/invitations.html", consultation=consultation, query=query,
        found=search_organizations(query, invited | {consultation.organizer_id}),
        answered=answered, answered_count=len(invited & answered),
    )


@bp.post("/")
@managed_consultation
def add(consultation: Consultation):
    form = InviteForm()
    organization = organization_by_slug(form.organization.data or "") if form.validate_on_submit() else None
    if organization is None:
        flash(_("Choose an organization."), "error")
        return redirect(url_for("invitations.index", slug=consultation.slug), 303)
    try:
        invite(consultation, organization, current_user)
    except ConsultationError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("%(name)s was invited.", name=organization.name), "success")
    return redirect(url_for("invitations.index", slug=consultation.slug, q=request.form.get("q", "")[:100] or None), 303)


@bp.post("/<int:invitation_id>/remove")
@managed_consultation
def remove(consultation: Consultation, invitation_id: int):
    invitation = next((i for i in consultation.invitations if i.id == invitation_id), None)
    if invitation is None:
        abort(404)
    try:
        uninvite(consultation, invitation, current_user)
    except ConsultationError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("The invitation was removed."), "success")
    return redirect(url_for("invitations.index", slug=consultation.slug), 303)
