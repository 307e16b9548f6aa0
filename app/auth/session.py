"""Flask-Login wiring: the session id carries the user's session_version."""
from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.extensions import db, login_manager
from app.models import Membership, User


def load_user(session_id: str):
    try:
        user_id, version = (int(part) for part in session_id.split(":", 1))
    except (ValueError, AttributeError):
        return None
    user = db.session.get(
        User, user_id, options=[selectinload(User.memberships).selectinload(Membership.organization)]
    )
    if user is None or user.session_version != version or not user.active:
        return None
    return user


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
