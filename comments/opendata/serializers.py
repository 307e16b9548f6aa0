"""Public data as JSON-ready dicts, shared by export.json and the open data API.

Only what the public pages show: visible comments, published responses and summaries.
Callers pass already-filtered objects; the shapes match comments/opendata/openapi.py.
"""
from __future__ import annotations

from datetime import datetime

from app.i18n import local_time
from app.public_links import public_url
from comments.models import Comment
from comments.responses.official import OfficialResponse
from comments.responses.summary import Summary
from consultations.models import Consultation, Paragraph


def iso(value: datetime | None) -> str | None:
    """Helsinki time with its offset, e.g. 2024-05-02T14:03:00+03:00."""
    return local_time(value).isoformat() if value is not None else None


def consultation_dict(consultation: Consultation) -> dict:
    return {
        "slug": consultation.slug,
        "title": consultation.title,
        "description": consultation.description or "",
        "language": consultation.language,
        "organizer": {"name": consultation.organizer.name, "slug": consultation.organizer.slug},
        "status": consultation.status,
        "opens_at": iso(consultation.opens_at),
        "closes_at": iso(consultation.closes_at),
        "summary_published_at": iso(consultation.summary_published_at),
        "url": public_url("comments.consultation", slug=consultation.slug),
    }


def paragraph_dict(paragraph: Paragraph) -> dict:
    return {
        "anchor": paragraph.anchor,
        "number": paragraph.number,
        "kind": paragraph.kind,
        "text": paragraph.text,
        "html": paragraph.html,
    }


def published_response_dict(response: OfficialResponse | None) -> dict | None:
    if response is None or not response.is_published:
        return None
    return {
        "decision": response.published_decision,
        "text": response.published_source or "",
        "html": response.published_html or "",
        "published_at": iso(response.published_at),
    }


def comment_dict(comment: Comment, paragraph: Paragraph | None, response: OfficialResponse | None) -> dict:
    """A visible comment; `paragraph` is the one it is about as shown (None: the whole draft)."""
    return {
        "id": comment.id,
        "reply_to": comment.parent_id,
        "paragraph": (
            {"anchor": comment.paragraph_anchor, "number": paragraph.number if paragraph else None}
            if comment.paragraph_anchor
            else None
        ),
        "organization": (
            {"name": comment.organization.name, "slug": comment.organization.slug}
            if comment.organization
            else None
        ),
        "author": comment.author.display_name,
        "created_at": iso(comment.created_at),
        "edited_at": iso(comment.edited_at),
        "text": comment.body_source,
        "html": comment.body_html,
        "url": public_url("comments.permalink", comment_id=comment.id),
        "response": published_response_dict(response),
    }


def summary_dict(summary: Summary) -> dict:
    return {
        "text": summary.published_source or "",
        "html": summary.published_html or "",
        "published_at": iso(summary.published_at),
    }
