"""Posting, replying and editing comments. Services flush; the request commits."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.i18n import LocalNumber
from app.markup import render_comment
from app.models import Organization, User
from app.timeutil import utcnow
from comments.models import Comment, CommentRevision
from consultations.models import Consultation, DocumentVersion, Paragraph


class CommentError(ValueError):
    """A rule the input broke; `field` names the form field it belongs to."""

    def __init__(self, message, field: str = "body"):
        super().__init__(message)
        self.field = field


def latest_paragraph(consultation: Consultation, anchor: str) -> Paragraph | None:
    """The paragraph with this anchor in the latest published version of its document."""
    latest_versions = DocumentVersion.latest_published_ids([consultation.id])
    return db.session.scalar(
        select(Paragraph).where(Paragraph.anchor == anchor, Paragraph.version_id.in_(latest_versions))
    )


def normalized_body(body: str | None) -> str:
    """The text as the browser's `maxlength` counted it: a form sends each line break as
    CR LF, which the field showed and counted as one character."""
    return (body or "").replace("\r\n", "\n")


def _check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise CommentError(_l("Write a comment before sending."))
    limit = current_app.config["COMMENT_MAX_LENGTH"]
    if len(body) > limit:
        raise CommentError(_l("The comment can be at most %(n)s characters long.", n=LocalNumber(limit)))
    return body


def _check_open(consultation: Consultation) -> None:
    status = consultation.status
    if status == "upcoming":
        raise CommentError(_l("Commenting has not started yet."), field="form")
    if status != "open":
        raise CommentError(_l("Commenting has ended."), field="form")


def commenting_organization(user: User, consultation: Consultation, org_slug: str) -> Organization | None:
    """The organization to comment for, checked against the user's memberships."""
    if org_slug:
        organization = next((o for o in user.organizations if o.slug == org_slug), None)
        if organization is None:
            raise CommentError(_l("You can comment only on behalf of your own organizations."), "organization")
        return organization
    if consultation.commenters == "registered":
        return None
    raise CommentError(_l("Choose the organization on whose behalf you comment."), "organization")


class AlreadyPosted(Exception):
    """A copy of the same form, sent at the same moment, was stored first (the unique
    index on the submission token refused this one). The caller rolls back and posts
    again: the copy is then found and answered with."""


class FormAlreadySent(CommentError):
    """The author sent this form before with another text (the browser's back button
    brings the used form back): the text is not dropped, nor stored without asking."""


def posted_with_token(author: User, submission_token: str | None) -> Comment | None:
    """The author's comment sent with this form, if any."""
    if not submission_token:
        return None
    return db.session.scalar(
        select(Comment).where(Comment.author_id == author.id, Comment.submission_token == submission_token)
    )


def post_comment(
    consultation: Consultation,
    author: User,
    body: str,
    paragraph_anchor: str = "",
    org_slug: str = "",
    parent: Comment | None = None,
    submission_token: str | None = None,
) -> Comment:
    """A new comment; or, when the author already sent this form (`submission_token`)
    with the same text, the comment stored then. Raises AlreadyPosted when a copy sent at
    the same moment is stored first."""
    earlier = posted_with_token(author, submission_token)
    if earlier is not None:
        if earlier.body_source != (body or "").strip():
            raise FormAlreadySent(
                _l("You already sent this form. Send it again to publish this text as a new comment."), "form"
            )
        return earlier
    _check_open(consultation)
    organization = commenting_organization(author, consultation, org_slug)
    body = _check_body(body)
    paragraph = None
    if parent is not None:
        # One level of replies: a reply to a reply answers the thread's root, so both
        # the comment replied to and the root must be visible.
        root = parent.parent or parent
        if parent.consultation_id != consultation.id or not (parent.is_visible and root.is_visible):
            raise CommentError(_l("You cannot reply to this comment."), "form")
        parent = root
        paragraph_anchor = parent.paragraph_anchor or ""
    if paragraph_anchor:
        paragraph = latest_paragraph(consultation, paragraph_anchor)
        if paragraph is None:
            raise CommentError(_l("The chosen paragraph does not exist."), "paragraph")
    comment = Comment(
        consultation=consultation,
        author=author,
        organization=organization,
        parent=parent,
        paragraph_anchor=paragraph.anchor if paragraph else None,
        version_id=paragraph.version_id if paragraph else None,
        body_source=body,
        body_html=render_comment(body),
        submission_token=submission_token or None,
    )
    db.session.add(comment)
    try:
        db.session.flush()
    except IntegrityError:
        # No SAVEPOINT (see comments/moderation/services.py report_comment): the caller rolls back.
        raise AlreadyPosted() from None
    return comment


def edit_comment(comment: Comment, editor: User, body: str) -> Comment:
    if not comment.can_edit(editor):
        raise CommentError(_l("This comment can no longer be edited."), "form")
    body = _check_body(body)
    if body == comment.body_source:
        return comment
    db.session.add(
        CommentRevision(
            comment=comment,
            body_source=comment.body_source,
            body_html=comment.body_html,
            created_at=comment.edited_at or comment.created_at,
        )
    )
    comment.body_source = body
    comment.body_html = render_comment(body)
    comment.edited_at = utcnow()
    db.session.flush()
    return comment
