"""Reporting (ilmianto) and moderation: hide, restore, dismiss, auto-hide, appeal.

Services flush, never commit. Every decision is a ModerationEvent, and the people
concerned are told through the outbox in the same transaction.

Anyone may report, but only signed-in accounts can hide a comment by reporting it:
- A reporter is an account ("u:<id>"), or for an anonymous visitor a salted hash of the
  IP address alone ("a:<hash>"); the User-Agent is whatever the client claims, so a new
  one is not a new reporter. One open report per reporter per comment (unique index).
- The auto-hide counts the distinct signed-in accounts with an open report; anonymous
  reports count as zero. At REPORT_AUTO_HIDE_THRESHOLD (3) the comment is hidden
  pending review, exactly once even when reports race (one conditional UPDATE).
- Only while the consultation is open: statements of a closed or summarized consultation
  are part of the public record and wait for a moderator's decision.
- Every new report, anonymous or not, is sent to each of the organizer's officials (the
  moderators of the consultation) in their own language.
"""
from __future__ import annotations

import hashlib

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.public_links import public_url
from app.models import Membership, User
from app.outbox import notify
from app.timeutil import utcnow
from comments.models import REASONS, Comment
from comments.moderation.models import ModerationEvent, Report
from consultations.models import Consultation


class ModerationError(ValueError):
    """A moderation rule the request broke; the message is for the user, `field` names
    the form field it belongs to."""

    def __init__(self, message, field: str = "reason"):
        super().__init__(message)
        self.field = field


class AlreadyReported(ModerationError):
    pass


def reporter_key(user, ip: str) -> str:
    """The account, or for an anonymous reporter the address: the IP itself is not stored."""
    if user is not None and user.is_authenticated:
        return f"u:{user.id}"
    salt = current_app.config["SECRET_KEY"]
    digest = hashlib.sha256(f"{salt}|{ip}".encode()).hexdigest()
    return f"a:{digest[:64]}"


def _log(comment: Comment, action: str, actor: User | None, reason: str | None = None, note: str = "") -> None:
    db.session.add(
        ModerationEvent(
            comment_id=comment.id, consultation_id=comment.consultation_id,
            actor_id=actor.id if actor else None, action=action, reason=reason, note=note,
        )
    )


def report_comment(comment: Comment, user, ip: str, reason: str, details: str) -> Report:
    """Store a report; the unique index refuses a second open one from the same reporter.
    Reaching the threshold of signed-in reporters hides the comment pending review, exactly
    once. The moderators are told either way.

    On AlreadyReported the caller must roll back. (No SAVEPOINT here: under pysqlite a
    SAVEPOINT that opens the transaction commits the report on RELEASE, apart from its
    audit event and the auto-hide.)"""
    if reason not in REASONS:
        raise ModerationError(_l("Choose a reason for the report."))
    details = (details or "").strip()
    if len(details) > current_app.config["REPORT_DETAILS_MAX_LENGTH"]:
        raise ModerationError(_l("The details can be at most %(n)d characters long.", n=1000), "details")
    if not comment.can_be_reported_by(user):
        raise ModerationError(_l("This comment cannot be reported."))
    key = reporter_key(user, ip)
    report = Report(
        comment_id=comment.id, reporter_key=key, reason=reason, details=details,
        reporter_id=user.id if user is not None and user.is_authenticated else None,
    )
    db.session.add(report)
    try:
        db.session.flush()
    except IntegrityError:
        raise AlreadyReported(_l("You have already reported this comment.")) from None
    _log(comment, "report", report.reporter, reason, details)
    hidden_now = _auto_hide_if_due(comment)
    # Moderators hear of a comment's first open report and of the one that hides it, not
    # of every report after: a hundred reports of one comment are two messages, not a hundred.
    if hidden_now or not _other_open_reports(comment, report):
        _tell_moderators(comment, report)
    db.session.flush()
    return report


def _other_open_reports(comment: Comment, report: Report) -> bool:
    return db.session.scalar(
        select(exists().where(Report.comment_id == comment.id, Report.status == "open", Report.id != report.id))
    )


def _auto_hide_if_due(comment: Comment) -> bool:
    """One conditional UPDATE decides: only the request whose update changes the row
    (visible -> hidden) logs the auto-hide, even when reports arrive at the same moment.
    Counts accounts only (anonymous reports have no reporter_id), and never once the
    consultation has closed. True when this request hid it."""
    if not comment.consultation.is_open:
        return False
    threshold = current_app.config["REPORT_AUTO_HIDE_THRESHOLD"]
    reporting_accounts = (
        select(func.count(func.distinct(Report.reporter_id)))
        .where(Report.comment_id == comment.id, Report.status == "open", Report.reporter_id.is_not(None))
        .scalar_subquery()
    )
    now = utcnow()
    result = db.session.execute(
        update(Comment)
        .where(Comment.id == comment.id, Comment.visibility == "visible", reporting_accounts >= threshold)
        .values(visibility="hidden", hidden_at=now, hide_reason=None, pending_review=True)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    db.session.refresh(comment)
    _log(comment, "auto_hide", None)
    _tell_author_hidden(comment)
    return True


def hide_comment(comment: Comment, official: User, reason: str, note: str = "") -> None:
    if reason not in REASONS:
        raise ModerationError(_l("Choose a public reason for hiding."))
    was_appeal = comment.appeal_open
    comment.visibility = "hidden"
    comment.hide_reason = reason
    comment.hidden_at = comment.hidden_at if comment.pending_review and comment.hidden_at else utcnow()
    comment.pending_review = False
    if was_appeal:
        comment.appeal_decided_at = utcnow()
    _resolve_reports(comment, official, "upheld")
    _log(comment, "hide", official, reason, note.strip())
    _tell_author_hidden(comment, final=was_appeal)
    db.session.flush()


def restore_comment(comment: Comment, official: User, note: str = "") -> None:
    if comment.is_visible:
        raise ModerationError(_l("The comment is already visible."))
    comment.visibility = "visible"
    comment.hide_reason = None
    comment.hidden_at = None
    comment.pending_review = False
    if comment.appeal_open:
        comment.appeal_decided_at = utcnow()
    _resolve_reports(comment, official, "dismissed")
    _log(comment, "restore", official, note=note.strip())
    notify(
        comment.author, "comment_restored",
        lambda: _("Your comment is visible again"),
        lambda: _("An official reviewed your comment and restored it: %(url)s", url=_permalink(comment)),
    )
    db.session.flush()


def dismiss_reports(comment: Comment, official: User, note: str = "") -> None:
    """The reports were unfounded. A comment hidden only by reports comes back."""
    if comment.pending_review:
        restore_comment(comment, official, note)
        return
    if not any(r.status == "open" for r in comment.reports):
        raise ModerationError(_l("There are no open reports on this comment."))
    _resolve_reports(comment, official, "dismissed")
    _log(comment, "dismiss", official, note=note.strip())
    db.session.flush()


def appeal(comment: Comment, author: User, text: str) -> None:
    if not comment.can_appeal(author):
        raise ModerationError(_l("You can ask for a review of a hidden comment only once."))
    comment.appealed_at = utcnow()
    comment.appeal_text = (text or "").strip()[:1000]
    _log(comment, "appeal", author, note=comment.appeal_text)
    db.session.flush()


def _resolve_reports(comment: Comment, official: User, outcome: str) -> None:
    now = utcnow()
    for report in comment.reports:
        if report.status != "open":
            continue
        report.status, report.resolved_at, report.resolved_by_id = outcome, now, official.id
        if report.reporter is not None:
            notify(
                report.reporter, "report_outcome",
                lambda: _("Your report has been handled"),
                lambda: (
                    _("Thank you. The comment you reported has been hidden.")
                    if outcome == "upheld"
                    else _("Thank you. An official reviewed the comment you reported and left it visible.")
                ),
            )


def _permalink(comment: Comment) -> str:
    return public_url("comments.permalink", comment_id=comment.id)


def _moderators_of(consultation: Consultation) -> list[User]:
    """The organizer's officials: the people whose queue holds the consultation's reports."""
    return db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.organization_id == consultation.organizer_id,
            User.role.in_(("official", "admin")),
            User.active.is_(True),
        )
        .order_by(User.id)
    ).all()


def _tell_moderators(comment: Comment, report: Report) -> None:
    """One message per moderator. The reporter's free text stays in the queue: a
    visitor's words are not mailed out under Kuulo's name."""
    title = comment.consultation.title
    queue = public_url("moderation.queue")

    def body():
        text = _(
            "A comment in the consultation \"%(title)s\" was reported: %(reason)s.\n\n"
            "The comment: %(comment_url)s\nThe moderation queue: %(queue_url)s",
            title=title, reason=report.reason_label, comment_url=_permalink(comment), queue_url=queue,
        )
        if comment.pending_review:
            text += "\n\n" + _("The comment has been hidden automatically until a moderator reviews it.")
        return text

    for moderator in _moderators_of(comment.consultation):
        notify(moderator, "report_received", lambda: _("New report: %(title)s", title=title), body)


def _tell_author_hidden(comment: Comment, final: bool = False) -> None:
    def body():
        why = comment.hide_reason_label if comment.hide_reason else _("several reports, pending review")
        text = _("Your comment was hidden. Reason: %(why)s.", why=why)
        if not final and comment.appealed_at is None:
            text += "\n\n" + _(
                "If you think this is a mistake, you can ask for a review once on the comment's page: %(url)s",
                url=_permalink(comment),
            )
        return text

    notify(comment.author, "comment_hidden", lambda: _("Your comment was hidden"), body)


# --- Who moderates what, and the queue and log they see --------------------------------


def managed_consultations(official: User):
    """Consultation ids an official may moderate: those organized by their organizations."""
    query = select(Consultation.id)
    if official.is_admin:
        return query
    return query.join(Membership, Membership.organization_id == Consultation.organizer_id).where(
        Membership.user_id == official.id
    )


def can_moderate(user, comment: Comment) -> bool:
    return comment.consultation.can_manage(user)


def moderation_queue(official: User) -> list[Comment]:
    """Reported, auto-hidden and appealed comments, oldest first."""
    has_open_report = exists().where(Report.comment_id == Comment.id, Report.status == "open")
    first_report = (
        select(func.min(Report.created_at))
        .where(Report.comment_id == Comment.id, Report.status == "open")
        .scalar_subquery()
    )
    waiting_since = func.coalesce(Comment.appealed_at, first_report, Comment.hidden_at)
    query = (
        select(Comment)
        .where(
            Comment.consultation_id.in_(managed_consultations(official)),
            or_(has_open_report, Comment.pending_review.is_(True),
                and_(Comment.appealed_at.is_not(None), Comment.appeal_decided_at.is_(None))),
        )
        .options(
            selectinload(Comment.reports),
            selectinload(Comment.author),
            selectinload(Comment.organization),
            selectinload(Comment.consultation),
        )
        .order_by(waiting_since, Comment.id)
    )
    return db.session.scalars(query).all()


LOG_PAGE_SIZE = 50


def moderation_log(official: User, action: str | None, consultation_slug: str | None, page: int):
    query = select(ModerationEvent).where(
        ModerationEvent.consultation_id.in_(managed_consultations(official))
    )
    if action:
        query = query.where(ModerationEvent.action == action)
    if consultation_slug:
        query = query.join(Consultation, Consultation.id == ModerationEvent.consultation_id).where(
            Consultation.slug == consultation_slug
        )
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    events = db.session.scalars(
        query.options(
            selectinload(ModerationEvent.actor),
            selectinload(ModerationEvent.consultation),
        )
        .order_by(ModerationEvent.created_at.desc(), ModerationEvent.id.desc())
        .limit(LOG_PAGE_SIZE)
        .offset((page - 1) * LOG_PAGE_SIZE)
    ).all()
    return events, total
