"""What responses and the summary share: Markdown an official drafts and later publishes.

The public only ever sees the `published_*` copy, made when the summary is published.
Two officials editing one text are kept apart by optimistic locking: every UPDATE checks
and bumps `version_id`, and a form carries the version it was built from.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.markup import render_comment, stored_html
from app.timeutil import UTCDateTime, utcnow


class ResponseError(ValueError):
    """A rule the input broke; the message is for the user, `field` names the form field."""

    def __init__(self, message, field: str = "form"):
        super().__init__(message)
        self.field = field


class ResponseConflict(ResponseError):
    """Someone else saved the text after this official loaded it."""

    def __init__(self):
        super().__init__(
            _l(
                "Another official saved this response while you were editing it. Your text is "
                "kept below and was not saved: compare it with the saved response and save again."
            )
        )


class DraftedText:
    """Columns and behaviour of a drafted-then-published text (a mixin of models)."""

    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_source: Mapped[str | None] = mapped_column(Text)
    published_html: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version_id}

    @property
    def body(self):
        return stored_html(self.body_html)

    @property
    def published_body(self):
        return stored_html(self.published_html or "")

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def write_draft(self, body: str, author) -> None:
        self.body_source = body
        self.body_html = render_comment(body)
        self.author = author
        self.updated_at = utcnow()


def flush_or_conflict() -> None:
    """Flush the draft: the UPDATE checks version_id again, so a save between our read and
    this flush (or a parallel first save, caught by a unique key) is a conflict too."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except (StaleDataError, IntegrityError):
        raise ResponseConflict() from None
