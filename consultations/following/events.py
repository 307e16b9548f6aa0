"""What followers are told about, read from the data itself rather than from a log:
a consultation opened, got a new version, is about to close, closed, or had its summary
published, inside a window (start, end]. Two queries whatever the number of consultations;
unpublished consultations and versions never appear."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from app.extensions import db
from consultations.models import Consultation, Document, DocumentVersion

EVENT_KINDS = ("opened", "new_version", "closing_soon", "closed", "summary")


@dataclass(frozen=True)
class Event:
    kind: str
    at: datetime
    version: int | None = None


@dataclass
class ConsultationNews:
    consultation_id: int
    slug: str
    title: str
    closes_at: datetime
    events: list[Event]


def _inside(column, start: datetime, end: datetime):
    return and_(column > start, column <= end)


def events_between(start: datetime, end: datetime, reminder: timedelta) -> dict[int, ConsultationNews]:
    """News by consultation id for events in (start, end], each list in time order."""
    news: dict[int, ConsultationNews] = {}
    found = defaultdict(list)
    rows = db.session.execute(
        select(Consultation.id, Consultation.slug, Consultation.title, Consultation.opens_at,
               Consultation.closes_at, Consultation.summary_published_at)
        .where(Consultation.published.is_(True), or_(
            _inside(Consultation.opens_at, start, end),
            _inside(Consultation.closes_at, start, end),
            _inside(Consultation.closes_at, start + reminder, end + reminder),
            _inside(Consultation.summary_published_at, start, end),
        ))
    ).all()
    for cid, slug, title, opens_at, closes_at, summary_at in rows:
        news[cid] = ConsultationNews(cid, slug, title, closes_at, [])
        if start < opens_at <= end:
            found[cid].append(Event("opened", opens_at))
        reminder_at = closes_at - reminder
        if start < reminder_at <= end and reminder_at > opens_at:
            found[cid].append(Event("closing_soon", reminder_at))
        if start < closes_at <= end:
            found[cid].append(Event("closed", closes_at))
        if summary_at is not None and start < summary_at <= end:
            found[cid].append(Event("summary", summary_at))
    versions = db.session.execute(
        select(Consultation.id, Consultation.slug, Consultation.title, Consultation.closes_at,
               DocumentVersion.number, DocumentVersion.published_at)
        .join(Document, Document.consultation_id == Consultation.id)
        .join(DocumentVersion, DocumentVersion.document_id == Document.id)
        .where(Consultation.published.is_(True), DocumentVersion.number > 1,
               _inside(DocumentVersion.published_at, start, end))
    ).all()
    for cid, slug, title, closes_at, number, published_at in versions:
        news.setdefault(cid, ConsultationNews(cid, slug, title, closes_at, []))
        found[cid].append(Event("new_version", published_at, number))
    for cid, item in news.items():
        item.events = sorted(found[cid], key=lambda e: (e.at, EVENT_KINDS.index(e.kind)))
    return {cid: item for cid, item in news.items() if item.events}
