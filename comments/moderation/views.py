"""The officials' moderation queue, actions and audit log."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db
from comments.models import REASONS
from comments.moderation.forms import ModerationForm
from comments.moderation.models import MODERATION_ACTIONS
from comments.moderation.services import (
    ModerationError,
    can_moderate,
    dismiss_reports,
    hide_comment,
    moderation_log,
    moderation_queue,
    restore_comment,
)
from comments.queries import load_comment

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


def officials_only(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_official:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def _form() -> ModerationForm:
    form = ModerationForm()
    form.reason.choices = [(key, label) for key, label in REASONS.items()]
    return form


@bp.get("/")
@officials_only
def queue():
    return render_template("moderation/queue.html", items=moderation_queue(current_user), form=_form())


ACTIONS = ("hide", "restore", "dismiss")


@bp.post("/comments/<int:comment_id>/<action>")
@officials_only
def act(comment_id: int, action: str):
    if action not in ACTIONS:
        abort(404)
    comment = load_comment(comment_id)
    if comment is None:
        abort(404)
    if not can_moderate(current_user, comment):
        abort(403)
    form = _form()
    if not form.validate_on_submit():
        abort(400)
    note = (form.note.data or "")[:2000]
    try:
        if action == "hide":
            hide_comment(comment, current_user, form.reason.data or "", note)
        elif action == "restore":
            restore_comment(comment, current_user, note)
        else:
            dismiss_reports(comment, current_user, note)
    except ModerationError as error:
        db.session.rollback()
        flash(str(error), "error")
        return render_template("moderation/queue.html", items=moderation_queue(current_user), form=form), 422
    db.session.commit()
    flash(_("Done: comment %(id)d.", id=comment.id), "success")
    if request.form.get("back") == "comment":
        return redirect(url_for("comments.permalink", comment_id=comment.id), 303)
    return redirect(url_for("moderation.queue"), 303)


@bp.get("/log")
@officials_only
def log():
    action = request.args.get("action") or None
    if action is not None and action not in MODERATION_ACTIONS:
        abort(400)
    page = request.args.get("page", default=1, type=int)
    if page is None or page < 1 or page > 100000:
        abort(400)
    consultation = request.args.get("consultation") or None
    events, total = moderation_log(current_user, action, consultation, page)
    return render_template(
        "moderation/log.html", events=events, total=total, page=page, action=action,
        consultation=consultation, actions=MODERATION_ACTIONS,
    )
