"""Registration that never tells whether an email address has an account.

The form asks for a name and an address and always answers "check your email". The
address's owner then gets either a signed link for choosing a password (valid
REGISTRATION_LINK_HOURS) or, when an account already exists, a reminder to log in. The
account is created only from the link, so holding the mailbox is proven too.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.public_links import public_url
from app.models import User
from app.outbox import notify, notify_address

SALT = "kuulo-registration"


@dataclass(frozen=True)
class PendingRegistration:
    email: str
    display_name: str
    locale: str


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _link_hours() -> int:
    return int(current_app.config["REGISTRATION_LINK_HOURS"])


def start_registration(email: str, display_name: str, locale: str) -> None:
    """Queue the one message the address's owner gets; the caller answers the same either way."""
    email = email.strip()
    existing = User.by_email(email)
    if existing is not None:
        login_url = public_url("auth.login")
        notify(
            existing,
            "registration_existing",
            lambda: _("You already have a Kuulo account"),
            lambda: _(
                "Someone, probably you, tried to register to Kuulo with this email address. You "
                "already have an account: log in at %(url)s. If it was not you, you can ignore "
                "this message.",
                url=login_url,
            ),
        )
        return
    token = _serializer().dumps({"email": email, "name": display_name.strip(), "locale": locale})
    link = public_url("auth.register_confirm", token=token)
    hours = _link_hours()
    notify_address(
        email,
        locale,
        "registration",
        lambda: _("Finish your registration to Kuulo"),
        lambda: _(
            "Choose a password to finish your registration: %(url)s\n\nThe link is valid for "
            "%(hours)d hours. If you did not register to Kuulo, you can ignore this message.",
            url=link,
            hours=hours,
        ),
    )


def read_registration(token: str) -> PendingRegistration | None:
    """The registration a link stands for, or None when it is forged, broken or expired."""
    try:
        data = _serializer().loads(token, max_age=_link_hours() * 3600)
    except BadSignature:  # SignatureExpired is one too
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("email", "name", "locale")):
        return None
    return PendingRegistration(data["email"], data["name"], data["locale"])
