"""Static pages (accessibility, privacy), health check and the language switch."""
from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from sqlalchemy import text

from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from app.extensions import csrf, db
from app.i18n import current_locale
from app.security import is_safe_next, sent_from_this_site

bp = Blueprint("pages", __name__)


@bp.get("/accessibility")
def accessibility():
    return render_template(f"pages/accessibility_{current_locale()}.html")


@bp.get("/privacy")
def privacy():
    return render_template(f"pages/privacy_{current_locale()}.html")


@bp.get("/healthz")
def healthz():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


@bp.post("/language")
@csrf.exempt
def language():
    """The one form of a reader's page: it carries no token, which would give every reader
    a session cookie and make their pages uncacheable (issue 15 §5). A cross-site request
    is refused by the browser's Origin (or Referer) header instead; a valid token of a
    session that has one is accepted as well."""
    if not sent_from_this_site() and not _valid_token(request.form.get("csrf_token")):
        raise CSRFError("The language switch was not sent from this site.")
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = lang
    target = request.form.get("next", "")
    return redirect(target if is_safe_next(target) else url_for("consultations.index"))


def _valid_token(token: str | None) -> bool:
    try:
        validate_csrf(token)
    except ValidationError:
        return False
    return True
