"""Public reporting of a comment (ilmianna) and the author's appeal of a hidden one."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.extensions import db, limiter
from comments.models import REASONS
from comments.moderation.forms import AppealForm, ReportForm
from comments.moderation.services import AlreadyReported, ModerationError, appeal, report_comment
from comments.queries import load_comment

bp = Blueprint("reports", __name__)


def _comment_or_404(comment_id: int):
    comment = load_comment(comment_id)
    if comment is None or not comment.consultation.is_visible_to(current_user):
        abort(404)
    return comment


@bp.route("/comments/<int:comment_id>/report", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def report(comment_id: int):
    comment = _comment_or_404(comment_id)
    form = ReportForm()
    form.reason.choices = [(key, label) for key, label in REASONS.items()]
    if not comment.can_be_reported_by(current_user):
        return render_template("comments/report_unavailable.html", comment=comment), 403
    status = 200
    if form.validate_on_submit():
        try:
            report_comment(
                comment, current_user, request.remote_addr or "",
                form.reason.data or "", form.details.data or "",
            )
        except AlreadyReported:
            db.session.rollback()
            return render_template("comments/report_done.html", comment=comment, already=True)
        except ModerationError as error:
            db.session.rollback()
            target = getattr(form, error.field, form.reason)
            target.errors = [*target.errors, str(error)]
            status = 422
        else:
            db.session.commit()
            return render_template("comments/report_done.html", comment=comment, already=False)
    elif request.method == "POST":
        status = 400
    return render_template("comments/report.html", comment=comment, form=form), status


@bp.route("/comments/<int:comment_id>/appeal", methods=["GET", "POST"])
@login_required
def appeal_view(comment_id: int):
    comment = _comment_or_404(comment_id)
    if comment.author_id != current_user.id:
        abort(403)
    form = AppealForm()
    if not comment.can_appeal(current_user):
        return render_template("comments/appeal.html", comment=comment, form=None), 409
    if form.validate_on_submit():
        try:
            appeal(comment, current_user, form.text.data or "")
        except ModerationError as error:
            db.session.rollback()
            form.text.errors = [str(error)]
        else:
            db.session.commit()
            flash(_("Your request for review has been sent to the moderators."), "success")
            return redirect(url_for("comments.permalink", comment_id=comment.id))
    status = 400 if request.method == "POST" else 200
    return render_template("comments/appeal.html", comment=comment, form=form), status
