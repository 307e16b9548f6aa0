"""Front page and the list of consultations."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.timeutil import utcnow
from consultations.models import Consultation

bp = Blueprint("consultations", __name__)

STATUS_FILTERS = {
    "open": _l("Open"),
    "upcoming": _l("Upcoming"),
    "closed": _l("Closed"),
    "summarized": _l("Summarized"),
}


def _public_consultations(status: str | None):
    now = utcnow()
    query = Consultation.public().options(selectinload(Consultation.organizer))
    if status == "open":
        query = query.where(Consultation.opens_at <= now, Consultation.closes_at > now)
        query = query.order_by(Consultation.closes_at)
    elif status == "upcoming":
        query = query.where(Consultation.opens_at > now).order_by(Consultation.opens_at)
    elif status == "closed":  # summarized ones are closed too
        query = query.where(Consultation.closes_at <= now).order_by(Consultation.closes_at.desc())
    elif status == "summarized":
        query = query.where(Consultation.summary_published_at.is_not(None))
        query = query.order_by(Consultation.summary_published_at.desc())
    else:
        query = query.order_by(Consultation.closes_at.desc())
    return db.session.scalars(query).all()


@bp.get("/")
def index():
    return render_template(
        "consultations/index.html",
        open_consultations=_public_consultations("open"),
        upcoming=_public_consultations("upcoming"),
        recently_closed=_public_consultations("closed")[:5],
    )


@bp.get("/consultations/")
def listing():
    status = request.args.get("status") or None
    if status is not None and status not in STATUS_FILTERS:
        abort(400)
    return render_template(
        "consultations/list.html",
        consultations=_public_consultations(status),
        status=status,
        status_filters=STATUS_FILTERS,
    )
