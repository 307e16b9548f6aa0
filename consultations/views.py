"""Front page and the list of consultations. A card's comment count comes from the
provider comments/ registers at start-up (comments/list_counts.py), so consultations/
never imports comments/."""
from __future__ import annotations

from typing import Callable

from flask import Blueprint, Flask, abort, current_app, render_template, request
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


def register_comment_counts(app: Flask, provider: Callable[[list[int]], dict[int, int]]) -> None:
    """`provider(ids)`: each consultation's visible comments, in one query for all."""
    app.extensions["kuulo.card_comment_counts"] = provider


def comment_counts(*lists: list[Consultation]) -> dict[int, int]:
    ids = sorted({c.id for consultations in lists for c in consultations})
    provider = current_app.extensions.get("kuulo.card_comment_counts")
    return provider(ids) if provider and ids else {}


@bp.get("/")
def index():
    lists = dict(
        open_consultations=_public_consultations("open"),
        upcoming=_public_consultations("upcoming"),
        recently_closed=_public_consultations("closed")[:5],
    )
    return render_template("consultations/index.html", comment_counts=comment_counts(*lists.values()), **lists)


@bp.get("/consultations/")
def listing():
    status = request.args.get("status") or None
    if status is not None and status not in STATUS_FILTERS:
        abort(400)
    consultations = _public_consultations(status)
    return render_template(
        "consultations/list.html",
        consultations=consultations,
        comment_counts=comment_counts(consultations),
        status=status,
        status_filters=STATUS_FILTERS,
    )
