"""Password reset by a mailed link that never tells whether an address has an account.

The request form always answers "if the address has an account, a link is on its way".
The link carries a random token; only its sha256 is stored. It works once, for
PASSWORD_RESET_MINUTES, and setting a password voids every other link of the account."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from app.account.models import PasswordResetToken
from app.auth.services import AuthError, end_all_sessions, password_problem
from app.extensions import db
from app.public_links import public_url
from app.models import User
from app.outbox import notify
from app.timeutil import utcnow


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _minutes() -> int:
    return int(current_app.config["PASSWORD_RESET_MINUTES"])


def request_password_reset(email: str) -> None:
    """Mail a reset link when the address belongs to an active account; otherwise nothing.
    The caller answers the same either way."""
    user = User.by_email(email)
    if user is None or not user.active:
        return
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(PasswordResetToken(
        user=user, token_hash=_hash(token), created_at=now, expires_at=now + timedelta(minutes=_minutes())
    ))
    link = public_url("account.reset_confirm", token=token)
    minutes = _minutes()
    notify(
        user,
        "password_reset",
        lambda: _("Reset your Kuulo password"),
        lambda: _(
            "Someone, probably you, asked to reset the password of your Kuulo account. Choose a "
            "new password at %(url)s\n\nThe link works once and for %(minutes)d minutes. If you "
            "did not ask for it, you can ignore this message: your password stays as it is.",
            url=link,
            minutes=minutes,
        ),
    )
    db.session.flush()


def valid_reset_token(token: str) -> PasswordResetToken | None:
    """The unused, unexpired token record for a link, else None."""
    if not token or len(token) > 100:
        return None
    record = db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == _hash(token)))
    if record is None or record.used_at is not None or record.expires_at <= utcnow():
        return None
    if not record.user.active:
        return None
    return record


def reset_password(record: PasswordResetToken, password: str) -> User:
    """Set the new password, use up every open link of the account and end its sessions."""
    user = record.user
    problem = password_problem(password, user.email)
    if problem:
        raise AuthError(problem)
    # Single use even against a second tab: only the request that flips used_at wins.
    claimed = db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == record.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise AuthError(_("The link has already been used."))
    void_reset_links(user)
    user.set_password(password)
    end_all_sessions(user)
    return user


def void_reset_links(user: User) -> None:
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
