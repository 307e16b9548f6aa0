"""Account rules: password policy, login throttling, registration. Services flush, never commit."""
from __future__ import annotations

from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import LoginAttempt, Membership, Organization, User
from app.timeutil import utcnow

PASSWORD_MIN, PASSWORD_MAX = 12, 128
COMMON_PASSWORDS = frozenset(
    {
        "123456789012", "1234567890123", "password1234", "passwordpassword", "qwertyuiopasdf",
        "salasana1234", "salasanasalasana", "lösenord1234", "qwerty123456", "111111111111",
        "iloveyou1234", "adminadmin12", "letmein12345", "welcome12345", "password123!",
        "salasana123!", "000000000000", "abcdefghijkl", "kuulokuulo12", "tervetuloa12",
    }
)
_dummy_hashes: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash to check against when the email is unknown, so a failed login costs the
    same time whether or not the account exists."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _dummy_hashes:
        _dummy_hashes[method] = generate_password_hash("not-a-real-password-0", method=method)
    return _dummy_hashes[method]


class AuthError(Exception):
    """A rule broken by user input; the message is shown to the user."""


ACCOUNT_EXISTS = _l("An account with this email address already exists.")


def password_problem(password: str, email: str = "") -> str | None:
    if len(password) < PASSWORD_MIN:
        return _l("The password must be at least %(n)d characters long.", n=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        return _l("The password can be at most %(n)d characters long.", n=PASSWORD_MAX)
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        return _l("This password is too common. Choose another.")
    if email and lowered == email.strip().lower():
        return _l("The password must not be your email address.")
    return None


def _recent_failures(column, value: str) -> int:
    since = utcnow() - timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    return db.session.scalar(
        select(func.count(LoginAttempt.id)).where(column == value, LoginAttempt.created_at >= since)
    )


def login_throttled(email: str, ip: str) -> bool:
    cfg = current_app.config
    return (
        _recent_failures(LoginAttempt.email, email.strip().lower()) >= cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        or _recent_failures(LoginAttempt.ip, ip) >= cfg["LOGIN_MAX_FAILURES_PER_IP"]
    )


def authenticate(email: str, password: str, ip: str) -> User | None:
    """The user for valid credentials, else None after recording a failure."""
    user = User.by_email(email)
    # Exactly one full hash check whatever the account's state, so time tells nothing.
    if user is None:
        check_password_hash(_dummy_hash(), password)
    elif user.check_password(password) and user.active:
        return user
    db.session.add(LoginAttempt(email=email.strip().lower()[:254], ip=ip[:64]))
    _forget_old_attempts()
    db.session.flush()
    return None


def _forget_old_attempts() -> None:
    """Failed-login records are kept only as long as throttling needs them (privacy notice)."""
    cutoff = utcnow() - timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < cutoff))


def register_user(email: str, display_name: str, password: str, locale: str = "fi") -> User:
    try:
        validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError:
        raise AuthError(_l("Enter a valid email address.")) from None
    problem = password_problem(password, email)
    if problem:
        raise AuthError(problem)
    if User.by_email(email) is not None:
        raise AuthError(ACCOUNT_EXISTS)
    user = User(email=email.strip(), display_name=display_name.strip(), locale=locale, role="member")
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def create_user(email, password, name, role="member", org_slugs=(), locale="fi") -> User:
    """For the CLI and demo data: an account with a role and memberships."""
    if role not in ("member", "official", "admin"):
        raise AuthError(_l("Unknown role."))
    user = register_user(email, name, password, locale)
    user.role = role
    for slug in org_slugs:
        add_membership(user, slug)
    db.session.flush()
    return user


def add_membership(user: User, org_slug: str) -> Membership:
    organization = db.session.scalar(select(Organization).where(Organization.slug == org_slug))
    if organization is None:
        raise AuthError(_l("Unknown organization: %(slug)s", slug=org_slug))
    existing = next((m for m in user.memberships if m.organization_id == organization.id), None)
    if existing:
        return existing
    membership = Membership(user=user, organization=organization)
    db.session.add(membership)
    db.session.flush()
    return membership


def end_all_sessions(user: User) -> None:
    user.session_version += 1
    db.session.flush()
