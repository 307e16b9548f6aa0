"""Login, logout (POST only) and registration."""
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from app.auth.forms import ChoosePasswordForm, LoginForm, RegisterForm
from app.auth.registration import read_registration, start_registration
from app.auth.services import ACCOUNT_EXISTS, AuthError, authenticate, end_all_sessions, login_throttled, register_user
from app.extensions import db, limiter
from app.i18n import current_locale
from app.security import is_safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _client_ip() -> str:
    return request.remote_addr or "unknown"


def _start_session(user) -> None:
    # A fresh session on login: nothing from before carries over (session fixation).
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    status = 200
    if form.validate_on_submit():
        email = form.email.data
        if login_throttled(email, _client_ip()):
            flash(_("Too many failed login attempts. Please try again in a few minutes."), "error")
            status = 429
        else:
            user = authenticate(email, form.password.data, _client_ip())
            if user is not None:
                _start_session(user)
                db.session.commit()
                flash(_("You are logged in."), "success")
                home = url_for("authoring.index") if user.is_official else url_for("consultations.index")
                target = form.next.data if is_safe_next(form.next.data) else home
                return redirect(target)
            db.session.commit()
            flash(_("The email address or password is incorrect."), "error")
            status = 401
    elif request.method == "POST":
        status = 400
    form.password.data = ""
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    end_all_sessions(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "success")
    return redirect(url_for("consultations.index"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():
    """Step 1: the same answer whether or not the address has an account (see registration.py)."""
    if current_user.is_authenticated:
        return redirect(url_for("consultations.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        start_registration(form.email.data, form.display_name.data, current_locale())
        db.session.commit()
        return redirect(url_for("auth.register_sent"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/register.html", form=form), status


@bp.get("/register/sent")
def register_sent():
    return render_template("auth/register_sent.html")


@bp.route("/register/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def register_confirm(token: str):
    """Step 2, from the emailed link: choose a password; the account is created now."""
    pending = read_registration(token)
    if pending is None:
        return render_template("auth/register_link_invalid.html"), 400
    if current_user.is_authenticated:
        return redirect(url_for("consultations.index"))
    form = ChoosePasswordForm()
    if request.method == "GET":
        form.display_name.data = pending.display_name
    status = 200
    if form.validate_on_submit():
        try:
            user = register_user(pending.email, form.display_name.data, form.password.data, pending.locale)
            db.session.commit()
        except (AuthError, IntegrityError) as error:
            # IntegrityError: the same link confirmed in another tab got there first.
            db.session.rollback()
            form.password.errors = [str(error) if isinstance(error, AuthError) else str(ACCOUNT_EXISTS)]
            status = 400
        else:
            _start_session(user)
            flash(_("Your account has been created. Now find your organization and ask to join it, or register it."), "success")
            return redirect(url_for("joining.mine"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/register_confirm.html", form=form, email=pending.email), status
