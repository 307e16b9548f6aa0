"""The officials' response pages: answer comments paragraph by paragraph, write the
summary, publish both. Only officials of the organizing authority (and admins)."""
from __future__ import annotations


from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from app.extensions import db
from app.manage_sections import register_section
from comments.models import Comment
from comments.responses.drafted_text import ResponseConflict, ResponseError
from comments.responses.forms import ResponseForm, SummaryForm, version_number
from comments.responses.official import DECISIONS, can_answer, progress, save_response
from comments.responses.summary import publish_summary, save_summary, summary_of
from comments.responses.table import GENERAL, load_response_table
from consultations.access import managed_consultation
from consultations.models import Consultation

bp = Blueprint("responses", __name__)


def register_manage_section() -> None:
    register_section("responses", _l("Responses and summary"), "manage/_responses.html", order=40)


def _render(consultation, key: str | None, status: int = 200, *, drafts=None, summary_form=None, error=None):
    table = load_response_table(consultation, published_only=False)
    group = table.group(key) if key else None
    if key and group is None:
        abort(404)
    summary = summary_of(consultation)
    if summary_form is None:
        summary_form = SummaryForm(formdata=None)
        summary_form.body.data = summary.body_source if summary else ""
        summary_form.version.data = str(summary.version_id if summary else 0)
    index = table.groups.index(group) if group else -1
    return (
        render_template(
            "responses/group.html" if group else "responses/index.html",
            consultation=consultation,
            table=table,
            group=group,
            previous_group=table.groups[index - 1] if group and index > 0 else None,
            next_group=table.groups[index + 1] if group and index + 1 < len(table.groups) else None,
            summary=summary,
            summary_form=summary_form,
            drafts=drafts or {},
            decisions=DECISIONS,
            can_answer=can_answer(consultation),
            error=error,
            general_key=GENERAL,
        ),
        status,
    )


@bp.get("/consultations/<slug>/responses")
@managed_consultation(with_draft=True)
def index(consultation: Consultation):
    return _render(consultation, request.args.get("paragraph") or None)


def _group_key(comment: Comment) -> str:
    return comment.paragraph_anchor or GENERAL


@bp.post("/consultations/<slug>/responses/<int:comment_id>")
@managed_consultation(with_draft=True)
def save(consultation: Consultation, comment_id: int):
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.consultation_id != consultation.id:
        abort(404)
    form = ResponseForm()
    expected = version_number(form.version.data)
    if not form.validate_on_submit() or expected is None:
        abort(400)
    decision, body = form.decision.data or "", form.body.data or ""
    try:
        save_response(comment, current_user, decision, body, expected)
    except ResponseError as error:
        db.session.rollback()
        status = 409 if isinstance(error, ResponseConflict) else 422
        if not comment.is_visible:
            status = 409
        draft = {"decision": decision, "body": body, "error": str(error), "field": error.field,
                 "conflict": status == 409 and comment.is_visible}
        return _render(consultation, _group_key(comment), status, drafts={comment.id: draft}, error=str(error))
    db.session.commit()
    flash(_("The response was saved as a draft. It becomes public when the summary is published."), "success")
    return redirect(url_for("responses.index", slug=consultation.slug, paragraph=_group_key(comment),
                            _anchor=f"response-{comment.id}"), 303)


@bp.post("/consultations/<slug>/responses/summary")
@managed_consultation(with_draft=True)
def summary(consultation: Consultation):
    form = SummaryForm()
    expected = version_number(form.version.data)
    action = request.form.get("action", "save")
    if not form.validate_on_submit() or expected is None or action not in ("save", "publish"):
        abort(400)
    try:
        if action == "publish":
            publish_summary(consultation, current_user, form.body.data or "", expected)
        else:
            save_summary(consultation, current_user, form.body.data or "", expected)
    except ResponseError as error:
        db.session.rollback()
        form.body.errors = [str(error)]
        current = summary_of(consultation)
        form.version.data = str(current.version_id if current else 0)  # save again knowingly
        status = 409 if isinstance(error, ResponseConflict) or not can_answer(consultation) else 422
        return _render(consultation, None, status, summary_form=form, error=str(error))
    db.session.commit()
    if action == "publish":
        answered, _total = progress(consultation)
        flash(ngettext("The summary and %(num)d response were published.",
                       "The summary and %(num)d responses were published.", answered), "success")
        return redirect(url_for("summary.show", slug=consultation.slug), 303)
    flash(_("The summary was saved as a draft."), "success")
    return redirect(url_for("responses.index", slug=consultation.slug, _anchor="summary-heading"), 303)


def response_progress(consultation: Consultation) -> dict:
    """For the management page: answered / total and the summary, if any."""
    answered, total = progress(consultation)
    return {"answered": answered, "total": total, "summary": summary_of(consultation)}
