"""The management page of a consultation, for officials of the organizing authority."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from consultations.models import Consultation

bp = Blueprint("manage", __name__, url_prefix="/consultations/<slug>/manage")


def managed_consultation(view):
    """Loads the consultation; only its organizer's officials and admins get through."""

    @wraps(view)
    @login_required
    def wrapper(slug: str, *args, **kwargs):
        consultation = Consultation.by_slug(slug)
        if consultation is None:
            abort(404)
        if not consultation.can_manage(current_user):
            abort(403)
        return view(consultation, *args, **kwargs)

    return wrapper


@bp.get("/")
@managed_consultation
def index(consultation: Consultation):
    return render_template("manage/index.html", consultation=consultation)
