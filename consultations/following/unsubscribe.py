"""The unsubscribe link of every follower mail: a signed token naming the person, valid
for UNSUBSCRIBE_LINK_DAYS. It only opens a page whose one button stops the mails (a
GET changes nothing: mail scanners open links)."""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

SALT = "kuulo-unsubscribe"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def unsubscribe_token(user_id: int) -> str:
    return _serializer().dumps(user_id)


def read_unsubscribe_token(token: str) -> int | None:
    try:
        value = _serializer().loads(token, max_age=current_app.config["UNSUBSCRIBE_LINK_DAYS"] * 86400)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None
