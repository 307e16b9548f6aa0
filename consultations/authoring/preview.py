"""Secret preview links: a signed token of the consultation's id and its current preview
key. Making a new key or revoking it invalidates every earlier link. The page is read-only,
carries a "preview" banner, and is never indexed, cached or listed anywhere."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from app.extensions import db
from consultations.access import managed_consultation
from consultations.authoring.services import new_preview_key, revoke_preview_key
from consultations.models import Consultation

bp = Blueprint("preview", __name__, url_prefix="/consultations/<slug>")
PREVIEWABLE = ("draft", "upcoming")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="consultation-preview")


def preview_token(consultation: Consultation) -> str:
    """The secret link's token (a Jinja global: app/template_helpers.py)."""
    return _serializer().dumps([consultation.id, consultation.preview_key])


def consultation_for_token(slug: str, token: str) -> Consultation | None:
    try:
        consultation_id, key = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    consultation = Consultation.with_draft(slug)
    if consultation is None or consultation.id != consultation_id or not key or consultation.preview_key != key:
        return None
    return consultation


def draft_parts(consultation: Consultation) -> list[tuple[str, list]]:
    """Each part's newest text, published or being prepared: what reviewers are asked to read."""
    parts = []
    for document in consultation.documents:
        version = document.versions[-1] if document.versions else None
        parts.append((document.title, version.paragraphs if version else []))
    return parts


@bp.get("/preview/<token>")
def show(slug: str, token: str):
    consultation = consultation_for_token(slug, token)
    if consultation is None:
        abort(404)
    if consultation.status not in PREVIEWABLE:  # open now: the public page is the real one
        return redirect(url_for("comments.consultation", slug=consultation.slug))
    html = render_template(
        "authoring/public_preview.html", consultation=consultation, c=consultation,
        organizer_name=consultation.organizer.name, contacts=consultation.contact_persons,
        invited=sorted(i.organization.name for i in consultation.invitations), parts=draft_parts(consultation),
        contents_parts=[(d, d.versions[-1] if d.versions else None) for d in consultation.documents],
    )
    response = current_app.make_response(html)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the link is the secret
    return response


@bp.post("/manage/preview-link")
@managed_consultation
def create(consultation: Consultation):
    if consultation.status not in PREVIEWABLE:
        abort(409)
    new_preview_key(consultation, current_user)
    db.session.commit()
    flash(_("A new preview link was made; earlier links no longer work."), "success")
    return redirect(url_for("manage.index", slug=consultation.slug), 303)


@bp.post("/manage/preview-link/revoke")
@managed_consultation
def revoke(consultation: Consultation):
    revoke_preview_key(consultation, current_user)
    db.session.commit()
    flash(_("The preview link no longer works."), "success")
    return redirect(url_for("manage.index", slug=consultation.slug), 303)
