"""Public discussion pages: a consultation with its draft and newest comments, threads in
pages, permalinks, and posting, replying and editing."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app.extensions import db, limiter, login_manager
from app.input_guard import database_id
from comments.forms import CommentForm, EditCommentForm
from comments.http_caching import conditional
from comments.list_order import SORTS, BadListParameter, parse_cursor, parse_sort
from comments.models import Comment
from comments.page_parts import cached, compose, discussion_stamp, for_readers, insert_at, marker, with_stamp
from comments.queries import (
    WHOLE_DRAFT,
    load_comment,
    load_draft,
    load_list_filters,
    load_newest,
    load_permalink_thread,
    load_thread_page,
    paragraph_choices,
    visible_count,
)
from comments.services import (
    AlreadyPosted,
    CommentError,
    FormAlreadySent,
    edit_comment,
    latest_paragraph,
    normalized_body,
    post_comment,
)
from consultations.models import Consultation

bp = Blueprint("comments", __name__)
WHOLE = "whole"  # ?paragraph=whole: the comments on the whole draft


def _consultation_or_404(slug: str) -> Consultation:
    consultation = Consultation.by_slug(slug)
    if consultation is None or not consultation.is_visible_to(current_user):
        abort(404)
    return consultation


def _discussion_or_404(slug: str) -> tuple[Consultation, tuple]:
    """The consultation and its discussion stamp, in one query."""
    consultation, stamp = with_stamp(slug)
    if consultation is None or not consultation.is_visible_to(current_user):
        abort(404)
    return consultation, stamp


def _comment_form(anchor: str | None = None) -> CommentForm:
    # A reader is shown no form, so no CSRF token: making one would start a session and
    # set a cookie on every page a reader opens (issue 15 §5). CSRFProtect still checks
    # every POST.
    form = CommentForm(meta={"csrf": current_user.is_authenticated})
    if request.method == "GET" and anchor:
        form.paragraph.data = anchor
    return form


def _for_display(form: CommentForm, consultation: Consultation, show_paragraph: bool = True) -> CommentForm:
    """The choices and the one-time token of a rendered form; a POST needs no choices
    (the service checks the values). Only a form that is shown gets its choices."""
    form.issue_submission_token()
    if current_user.is_authenticated and consultation.status == "open":
        if show_paragraph:
            form.paragraph.choices = [("", _l("The whole draft"))] + paragraph_choices(consultation)
        choices = [(o.slug, o.name) for o in current_user.organizations]
        if consultation.commenters == "registered":
            choices.insert(0, ("", _l("Myself (as an individual)")))
        form.organization.choices = choices
    return form


@bp.get("/consultations/<slug>/")
def consultation(slug: str):
    consultation, stamp = _discussion_or_404(slug)
    return conditional(consultation, stamp, lambda: _consultation_page(
        consultation, _for_display(_comment_form(), consultation), request.args.get("open", ""), stamp=stamp))


def _consultation_page(consultation: Consultation, form: CommentForm, opened: str, status: int = 200,
                       stamp: tuple | None = None):
    """The draft (the same for everyone, built once per change), the info box, the opened
    paragraph's newest threads and the newest comments (each the same for every
    anonymous reader), and the form."""
    stamp = stamp or discussion_stamp(consultation)
    draft = cached(consultation, "draft", lambda: _render_draft(consultation), stamp)
    info = for_readers(consultation, "info-box", lambda: _render_info_box(consultation), stamp)
    chunks = insert_at([draft], "info-box", info)
    posted = _just_posted()
    if opened and marker(f"thread:{opened}").encode("ascii") in draft:
        thread = for_readers(consultation, f"opened:{opened}",
                             lambda: _render_opened(consultation, opened, posted), stamp)
        chunks = insert_at(chunks, f"thread:{opened}", thread)
    else:
        opened = ""
    newest = for_readers(consultation, f"newest:{opened}", lambda: _render_newest(consultation, opened, posted), stamp)
    response = compose("comments/consultation.html", {"draft": chunks, "newest": [newest]},
                       consultation=consultation, form=form)
    response.status_code = status
    return response


def _render_draft(consultation: Consultation) -> str:
    Consultation.with_draft(consultation.slug)  # documents, versions, paragraphs into the session
    draft = load_draft(consultation)
    return render_template("comments/_draft.html", discussion=draft, consultation=consultation)


def _render_info_box(consultation: Consultation) -> str:
    return render_template("comments/_info_box.html", consultation=consultation,
                           visible_total=visible_count(consultation))


def _render_opened(consultation: Consultation, anchor: str, posted: int | None) -> str:
    discussion = load_thread_page(consultation, anchor=anchor, include=posted)
    return render_template("comments/_opened_thread.html", discussion=discussion, consultation=consultation,
                           anchor=anchor, number=discussion.paragraphs[anchor].number if anchor in discussion.paragraphs
                           else latest_paragraph(consultation, anchor).number)


def _render_newest(consultation: Consultation, opened: str, posted: int | None) -> str:
    general, on_paragraphs = load_newest(consultation, skip_anchor=opened or None, include=posted)
    return render_template("comments/_newest.html", general=general, on_paragraphs=on_paragraphs,
                           consultation=consultation, general_total=visible_count(consultation, WHOLE_DRAFT))


def _scope() -> str | None:
    """?paragraph=: an anchor, WHOLE_DRAFT for `whole`, or None (every comment)."""
    value = request.args.get("paragraph") or None
    return WHOLE_DRAFT if value == WHOLE else value


def _order():
    """?sort= and its cursor ?after= (?before= is the newest order's older name), checked
    against comments/list_order.py: anything else is a 400."""
    try:
        sort = parse_sort(request.args.get("sort"))
        value = request.args.get("after")
        if value is None and sort == "newest":
            value = request.args.get("before")
        return sort, parse_cursor(sort, value)
    except BadListParameter:
        abort(400)


@bp.route("/consultations/<slug>/comments/", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def comment_list(slug: str):
    scope = _scope()
    org_slug = request.args.get("organization") or None
    if request.method == "GET":
        # A reader's page may come whole from the cache (comments/http_caching.py): what
        # only its rendering needs (the paragraph, the form) is loaded inside.
        consultation, stamp = _discussion_or_404(slug)
        sort, after = _order()
        if request.args.get("fragment") == "1":
            return conditional(consultation, stamp, lambda: _threads(consultation, scope, org_slug, sort, after, stamp))
        return conditional(consultation, stamp, lambda: _list_page(
            consultation, _comment_form(scope), scope, org_slug, sort, after, stamp, 200))
    consultation = _consultation_or_404(slug)
    _paragraph_or_404(consultation, scope)
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    form = _comment_form(scope)
    result = _handle_post(consultation, form)
    if not isinstance(result, int):
        return result
    # Errors show on the page the form was on.
    origin = request.form.get("origin")
    if origin == "consultation":
        return _consultation_page(consultation, _for_display(form, consultation), "", result)
    replied = db.session.get(Comment, database_id(form.parent.data)) if origin == "reply" else None
    if replied is not None and replied.consultation_id == consultation.id and replied.is_visible:
        return _permalink_page(load_comment(replied.id), form, result)
    sort, after = _order()
    return _list_page(consultation, form, scope, org_slug, sort, after, discussion_stamp(consultation), result)


def _paragraph_or_404(consultation: Consultation, scope: str | None):
    """The paragraph of a paragraph's page (None for the other lists); 404 for an anchor
    that is not in the published draft."""
    paragraph = latest_paragraph(consultation, scope) if scope else None
    if scope and paragraph is None:
        abort(404)
    return paragraph


def _list_page(consultation, form, scope, org_slug, sort, after, stamp, status):
    paragraph = _paragraph_or_404(consultation, scope)
    posted = _just_posted()
    body = for_readers(
        consultation, f"list:{scope}:{org_slug}:{sort}:{after}",
        lambda: _render_list_body(consultation, scope, org_slug, sort, after, posted), stamp,
    )
    response = compose(
        "comments/list.html", {"threads": [body]}, consultation=consultation,
        form=_for_display(form, consultation, show_paragraph=scope is None), paragraph=paragraph,
        whole_draft=scope == WHOLE_DRAFT, organization_filter=org_slug,
    )
    response.status_code = status
    return response


def _page_url(consultation: Consultation, scope: str | None, org_slug: str | None, sort: str, after=None,
              **extra) -> str:
    paragraph = WHOLE if scope == WHOLE_DRAFT else scope
    return url_for("comments.comment_list", slug=consultation.slug, paragraph=paragraph, organization=org_slug,
                   sort=None if sort == SORTS[0] else sort, after=str(after) if after else None, **extra)


def _paging(consultation, scope, org_slug, sort, discussion) -> dict:
    """The links to the next page of threads (a page, and the fragment for the script)."""
    if discussion.older is None:
        return {"older_url": None, "fragment_url": None}
    return {"older_url": _page_url(consultation, scope, org_slug, sort, discussion.older),
            "fragment_url": _page_url(consultation, scope, org_slug, sort, discussion.older, fragment=1)}


def _render_list_body(consultation, scope, org_slug, sort, after, posted) -> str:
    discussion = load_thread_page(consultation, anchor=scope, org_slug=org_slug, sort=sort, after=after,
                                  include=posted)
    return render_template(
        "comments/_list_body.html", discussion=discussion, consultation=consultation, scoped=scope is not None,
        total=visible_count(consultation, scope, org_slug, threads=True), after=after,
        filters=load_list_filters(consultation), sort=sort, sorts=SORTS,
        chosen_paragraph=WHOLE if scope == WHOLE_DRAFT else scope or "", chosen_organization=org_slug or "",
        first_url=_page_url(consultation, scope, org_slug, sort), **_paging(consultation, scope, org_slug, sort, discussion),
    )


def _threads(consultation, scope, org_slug, sort, after, stamp):
    """A page of threads without the page around it, for the script that shows them in place."""
    _paragraph_or_404(consultation, scope)

    def build() -> str:
        discussion = load_thread_page(consultation, anchor=scope, org_slug=org_slug, sort=sort, after=after)
        return render_template(
            "comments/_threads.html", discussion=discussion, consultation=consultation,
            heading="h4" if scope else "h3", **_paging(consultation, scope, org_slug, sort, discussion),
        )

    body = for_readers(consultation, f"fragment:{scope}:{org_slug}:{sort}:{after}", build, stamp)
    return body, 200, {"Content-Type": "text/html; charset=utf-8"}


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
        body=normalized_body(form.body.data),
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
    location = _landing_url(comment)
    db.session.commit()
    # Told beside the comment on the page landed on (see _just_posted).
    session["posted_comment"] = comment.id
    return redirect(location)


def _just_posted() -> int | None:
    """The comment this user has just posted, once: its card says so and is highlighted."""
    if "posted_comment" not in session:  # reading leaves a reader's session untouched
        return None
    g.posted_comment = database_id(session.pop("posted_comment"))
    return g.posted_comment


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
    """Where a comment is shown: a reply or an edited comment in its thread's permalink
    page; a new thread first among the newest of its paragraph (opened) or of the draft."""
    if comment.parent_id or comment.edited_at:
        root_id = comment.parent_id or comment.id
        return url_for("comments.permalink", comment_id=root_id, _anchor=comment.anchor_id)
    params = {"slug": comment.consultation.slug, "_anchor": comment.anchor_id}
    if comment.paragraph_anchor:
        params["open"] = comment.paragraph_anchor
    return url_for("comments.consultation", **params)


def _landing_url(comment: Comment) -> str:
    """The page the comment was posted from, with the comment first on it: a paragraph's
    (or the whole draft's) comment page, else where _comment_url shows it."""
    scope = request.args.get("paragraph")
    if scope and not comment.parent_id:
        return url_for("comments.comment_list", slug=comment.consultation.slug, paragraph=scope,
                       _anchor=comment.anchor_id)
    return _comment_url(comment)


def _visible_comment_or_404(comment_id: int) -> Comment:
    comment = load_comment(comment_id)
    if comment is None or not comment.consultation.is_visible_to(current_user):
        abort(404)
    return comment


@bp.get("/comments/<int:comment_id>")
def permalink(comment_id: int):
    return _permalink_page(_visible_comment_or_404(comment_id), _comment_form())


def _permalink_page(comment: Comment, form: CommentForm, status: int = 200):
    """A comment in its thread, with the reply form (shown again with its errors)."""
    root = comment.parent or comment
    _just_posted()
    discussion = load_permalink_thread(root)
    form = _for_display(form, comment.consultation, show_paragraph=False)
    form.parent.data = str(root.id)
    return render_template(
        "comments/permalink.html",
        comment=comment,
        root=root,
        discussion=discussion,
        consultation=comment.consultation,
        form=form,
    ), status


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
            edit_comment(comment, current_user, normalized_body(form.body.data))
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
