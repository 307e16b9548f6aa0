"""Static pages (accessibility, privacy), health check and the language switch."""
from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from sqlalchemy import text

from app.extensions import db
from app.i18n import current_locale
from app.security import is_safe_next

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
def language():
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    session["lang"] = lang
    target = request.form.get("next", "")
    return redirect(target if is_safe_next(target) else url_for("consultations.index"))
