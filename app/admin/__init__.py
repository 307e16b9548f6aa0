"""Administration for site admins: users (roles, lock / unlock), memberships and their
roles, organizations (create, edit, verify, merge) and the log of every admin action."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort
from flask_login import current_user, login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


from app.admin import organization_views, user_views  # noqa: E402,F401  (routes on bp)
