"""Who may manage a consultation: its organizer's officials and admins (Consultation.can_manage)."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from consultations.models import Consultation


def managed_consultation(view=None, *, with_draft: bool = False):
    """Loads the consultation for the view (with every version's paragraphs when
    `with_draft`). Others get 403, or 404 while it is unpublished: its existence is not
    theirs to learn."""

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapper(slug: str, *args, **kwargs):
            consultation = Consultation.with_draft(slug) if with_draft else Consultation.by_slug(slug)
            if consultation is None:
                abort(404)
            if not consultation.can_manage(current_user):
                abort(403 if consultation.published else 404)
            return view(consultation, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate
