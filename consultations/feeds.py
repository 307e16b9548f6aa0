"""/feeds/consultations.atom: new and open consultations (?organizer=<slug> for one
organizer's), the newest first. Unpublished ones never appear."""
from __future__ import annotations

from flask import Blueprint, abort, request
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.feeds import FEED_ENTRIES, atom_response, tag_uri
from app.organizations import organization_by_slug
from app.timeutil import utcnow
from consultations.models import Consultation

bp = Blueprint("consultation_feeds", __name__)


@bp.get("/feeds/consultations.atom")
def consultations():
    query = (
        Consultation.public()
        .where(Consultation.closes_at > utcnow())  # upcoming and open
        .options(selectinload(Consultation.organizer))
        .order_by(Consultation.opens_at.desc(), Consultation.id.desc())
        .limit(FEED_ENTRIES)
    )
    organizer = None
    slug = request.args.get("organizer")
    if slug is not None:
        organizer = organization_by_slug(slug[:80])
        if organizer is None:
            abort(404)
        query = query.where(Consultation.organizer_id == organizer.id)
    entries = db.session.scalars(query).all()
    updated = max((c.opens_at for c in entries), default=None)
    return atom_response("feeds/consultations.xml", entries=entries, organizer=organizer, updated=updated,
                         feed_id=tag_uri("consultations", organizer.slug if organizer else "all"), tag_uri=tag_uri)
