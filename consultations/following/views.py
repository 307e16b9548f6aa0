"""The follow button (POST), /account/follows, and the unsubscribe page of follower mails."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from app.account.forms import ConfirmForm
from app.extensions import db, limiter
from app.models import User
from app.security import is_safe_next
from consultations.following.services import follow, followed_by, unfollow, unfollow_all
from consultations.following.unsubscribe import read_unsubscribe_token
from consultations.models import Consultation

bp = Blueprint("following", __name__)


def current_user_follows(consultation) -> bool:
    """The `is_following(consultation)` template global (app/template_helpers.py)."""
    from consultations.following.services import is_following

    return is_following(current_user, consultation)


@bp.record_once
def _produce_notifications(_state):
    from app.outbox import add_producer
    from consultations.following.notifications import build_due_notifications

    add_producer(build_due_notifications)


@bp.post("/consultations/<slug>/follow")
@login_required
def toggle(slug: str):
    consultation = Consultation.by_slug(slug)
    if consultation is None or not consultation.is_visible_to(current_user):
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if request.form.get("action") == "unfollow":
        unfollow(current_user, consultation)
        message = _("You no longer follow this consultation.")
    else:
        try:
            with db.session.begin_nested():
                follow(current_user, consultation)
        except IntegrityError:
            pass  # followed at the same moment in another tab
        message = _("You now follow this consultation. You choose how often you hear of it on your account page.")
    db.session.commit()
    flash(message, "success")
    target = request.form.get("next", "")
    return redirect(target if is_safe_next(target) else url_for("comments.consultation", slug=slug), 303)


@bp.get("/account/follows")
@login_required
def mine():
    return render_template("following/mine.html", follows=followed_by(current_user))


@bp.route("/follows/unsubscribe/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def unsubscribe(token: str):
    user_id = read_unsubscribe_token(token)
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        return render_template("account/link_invalid.html", again=url_for("account.index")), 400
    form = ConfirmForm()
    if form.validate_on_submit():
        unfollow_all(user.id)
        db.session.commit()
        return render_template("following/unsubscribed.html")
    status = 400 if request.method == "POST" else 200
    return render_template("following/unsubscribe.html", form=form), status
