"""Public discussion pages: a consultation with its draft and comments, comment
lists, permalinks, and posting, replying and editing."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.extensions import db, limiter, login_manager
from app.input_guard import database_id
from comments.forms import CommentForm, EditCommentForm
from comments.models import Comment
from comments.queries import Discussion, load_comment, load_consultation, load_discussion
from comments.services import (
    AlreadyPosted,
    CommentError,
    FormAlreadySent,
    edit_comment,
    latest_paragraph,
    post_comment,
)
from consultations.models import Consultation

bp = Blueprint("comments", __name__)


def _consultation_or_404(slug: str, loader=load_consultation):
    consultation = loader(slug)
    if consultation is None or not consultation.is_visible_to(current_user):
        abort(404)
    return consultation


def _comment_form(anchor: str | None = None) -> CommentForm:
    form = CommentForm()
    if request.method == "GET" and anchor:
        form.paragraph.data = anchor
    return form


def _for_display(form: CommentForm, discussion: Discussion) -> CommentForm:
    """The choices and the one-time token of a rendered form; a POST needs no choices
    (the service checks the values)."""
    form.issue_submission_token()
    form.paragraph.choices = [("", _l("The whole draft"))] + discussion.paragraph_choices()
    if current_user.is_authenticated:
        choices = [(o.slug, o.name) for o in current_user.organizations]
        if discussion.consultation.commenters == "registered":
            choices.insert(0, ("", _l("Myself (as an individual)")))
        form.organization.choices = choices
    return form


def _render_discussion(template: str, discussion: Discussion, form: CommentForm, status: int = 200, **extra):
    return (
        render_template(template, discussion=discussion, consultation=discussion.consultation, form=form, **extra),
        status,
    )


@bp.get("/consultations/<slug>/")
def consultation(slug: str):
    consultation = _consultation_or_404(slug)
    discussion = load_discussion(consultation)
    return render_template(
        "comments/consultation.html",
        discussion=discussion,
        consultation=consultation,
        form=_for_display(_comment_form(), discussion),
        opened=request.args.get("open", ""),
    )


@bp.route("/consultations/<slug>/comments/", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def comment_list(slug: str):
    anchor = request.args.get("paragraph") or None
    org_slug = request.args.get("organization") or None
    form = _comment_form(anchor)
    status = 200
    if request.method == "POST":
        # Posting loads only the consultation; the discussion only to show the form again.
        consultation = _consultation_or_404(slug, Consultation.by_slug)
        if anchor is not None and latest_paragraph(consultation, anchor) is None:
            abort(404)
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        result = _handle_post(consultation, form)
        if not isinstance(result, int):
            return result
        status = result
    consultation = _consultation_or_404(slug)
    discussion = load_discussion(consultation, anchor=anchor, org_slug=org_slug)
    if anchor is not None and anchor not in discussion.paragraphs:
        abort(404)
    return _render_discussion(
        "comments/list.html",
        discussion,
        _for_display(form, discussion),
        status,
        paragraph=discussion.paragraphs.get(anchor) if anchor else None,
        organization_filter=org_slug,
    )


def _handle_post(consultation: Consultation, form: CommentForm):
    """A redirect on success; otherwise the status to re-render the form with."""
    if not form.validate_on_submit():
        return 400
    parent = None
    if form.parent.data:
        parent = db.session.get(Comment, _int_or_400(form.parent.data))
        if parent is None:
            abort(400)
    arguments = dict(
        body=form.body.data or "",
        paragraph_anchor=form.paragraph.data or "",
        org_slug=form.organization.data or "",
        parent=parent,
        submission_token=form.submission_token.data or None,
    )
    try:
        comment = _post_once(consultation, arguments)
    except CommentError as error:
        db.session.rollback()
        _attach_error(form, error)
        if isinstance(error, FormAlreadySent):
            form.submission_token.data = ""  # the text goes out again with a fresh token
            return 409
        return 422 if error.field != "form" else 403
    location = _comment_url(comment)
    db.session.commit()
    flash(_("Your comment has been published."), "success")
    return redirect(location)


def _post_once(consultation: Consultation, arguments: dict) -> Comment:
    """`post_comment`; when a copy of the same form sent at the same moment was stored
    first, roll back and post again, which then answers with that copy."""
    try:
        return post_comment(consultation, current_user, **arguments)
    except AlreadyPosted:
        db.session.rollback()
        return post_comment(consultation, current_user, **arguments)


def _attach_error(form, error: CommentError) -> None:
    field = getattr(form, error.field, None)
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))


def _int_or_400(value: str) -> int:
    return database_id(value) or abort(400)


def _comment_url(comment: Comment) -> str:
    params = {"slug": comment.consultation.slug, "_anchor": comment.anchor_id}
    if comment.paragraph_anchor:
        params["open"] = comment.paragraph_anchor
    return url_for("comments.consultation", **params)


def _visible_comment_or_404(comment_id: int) -> Comment:
    comment = load_comment(comment_id)
    if comment is None or not comment.consultation.is_visible_to(current_user):
        abort(404)
    return comment


@bp.get("/comments/<int:comment_id>")
def permalink(comment_id: int):
    comment = _visible_comment_or_404(comment_id)
    root = comment.parent or comment
    discussion = load_discussion(comment.consultation)
    form = _for_display(_comment_form(), discussion)
    form.parent.data = str(root.id)
    return render_template(
        "comments/permalink.html",
        comment=comment,
        root=root,
        discussion=discussion,
        consultation=comment.consultation,
        form=form,
    )


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit(comment_id: int):
    comment = _visible_comment_or_404(comment_id)
    if comment.author_id != current_user.id or not comment.is_visible:
        abort(403)  # a hidden comment's text is not handed out, not even to its author
    form = EditCommentForm()
    if request.method == "GET":
        form.body.data = comment.body_source
    status = 200
    if not comment.can_edit(current_user):
        form.form_errors.append(_("This comment can no longer be edited."))
        status = 403 if request.method == "POST" else 200
    elif form.validate_on_submit():
        try:
            edit_comment(comment, current_user, form.body.data or "")
        except CommentError as error:
            db.session.rollback()
            _attach_error(form, error)
            status = 422
        else:
            db.session.commit()
            flash(_("Your changes have been saved. The earlier text is kept as a revision."), "success")
            return redirect(_comment_url(comment))
    elif request.method == "POST":
        status = 400
    return render_template("comments/edit.html", comment=comment, form=form), status
