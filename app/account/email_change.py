"""Changing the email address: confirmed by a signed link mailed to the new address.

The link names the account, its current address and the new one, so it works only
while the account still has the address it was asked from (once, in effect). Whether
the new address already has an account is never shown on a page: that address's owner
gets a notice instead of a link."""
from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.auth.services import AuthError
from app.extensions import db
from app.public_links import public_url
from app.models import User
from app.outbox import notify_address

SALT = "kuulo-email-change"


@dataclass(frozen=True)
class PendingEmailChange:
    user: User
    new_email: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _hours() -> int:
    return int(current_app.config["EMAIL_CHANGE_LINK_HOURS"])


def request_email_change(user: User, new_email: str) -> None:
    new_email = (new_email or "").strip()
    try:
        validate_email(new_email, check_deliverability=False)
    except EmailNotValidError:
        raise AuthError(_l("Enter a valid email address.")) from None
    if new_email.lower() == user.email.lower():
        raise AuthError(_l("This is already your email address."))
    owner = User.by_email(new_email)
    if owner is not None:
        notify_address(
            owner.email, owner.locale, "email_change_taken",
            lambda: _("Someone tried to use your address in Kuulo"),
            lambda: _(
                "Someone tried to change the email address of another Kuulo account to this "
                "address, which already has an account. Nothing was changed. If it was you, "
                "log in with this address instead."
            ),
        )
        return
    token = _serializer().dumps({"user": user.id, "old": user.email.lower(), "new": new_email})
    link = public_url("account.email_confirm", token=token)
    hours = _hours()
    notify_address(
        new_email, user.locale, "email_change",
        lambda: _("Confirm your new email address"),
        lambda: _(
            "Confirm that this is the new email address of your Kuulo account: %(url)s\n\nThe "
            "link is valid for %(hours)d hours. If you did not ask for this, you can ignore "
            "this message.",
            url=link, hours=hours,
        ),
    )


def read_email_change(token: str) -> PendingEmailChange | None:
    try:
        data = _serializer().loads(token, max_age=_hours() * 3600)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        return None
    if not all(isinstance(data.get(k), str) for k in ("old", "new")):
        return None
    user = db.session.get(User, data["user"])
    if user is None or not user.active or user.email.lower() != data["old"]:
        return None  # already used, or the address has changed since
    return PendingEmailChange(user, data["new"])


def confirm_email_change(pending: PendingEmailChange) -> User:
    user = pending.user
    if User.by_email(pending.new_email) is not None:
        raise AuthError(_l("The address could not be taken into use."))
    old_email = user.email
    user.email = pending.new_email
    notify_address(
        old_email, user.locale, "email_changed",
        lambda: _("The email address of your Kuulo account was changed"),
        lambda: _(
            "The email address of your Kuulo account was changed to another address. If you did "
            "not do this, reset your password or contact the service."
        ),
    )
    db.session.flush()
    return user
