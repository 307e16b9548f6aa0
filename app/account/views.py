"""/account/ (name, language, email, password) and the mailed-link pages of password
reset and email change. Every change is a POST with a CSRF token; the mailed links only
show a page whose button acts."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.account.email_change import confirm_email_change, read_email_change, request_email_change
from app.account.forms import (
    ConfirmForm, EmailChangeForm, PasswordChangeForm, ProfileForm, ResetPasswordForm, ResetRequestForm,
)
from app.account.password_reset import request_password_reset, reset_password, valid_reset_token, void_reset_links
from app.auth.services import AuthError, end_all_sessions, password_problem
from app.extensions import db, limiter

bp = Blueprint("account", __name__)

MAILED_LINK_LIMIT = "10 per hour"
LINK_CONFIRM_LIMIT = "20 per hour"


def _forms(**given):
    forms = {
        "profile_form": ProfileForm(prefix="profile", obj=None),
        "email_form": EmailChangeForm(prefix="email"),
        "password_form": PasswordChangeForm(prefix="password"),
    }
    forms.update(given)
    return forms


def _render_account(status=200, **given):
    forms = _forms(**given)
    profile = forms["profile_form"]
    if not profile.is_submitted():
        profile.display_name.data = current_user.display_name
        profile.locale.data = current_user.locale
        profile.notification_mode.data = current_user.notification_mode
    return render_template("account/index.html", **forms), status


@bp.get("/account/")
@login_required
def index():
    return _render_account()


@bp.post("/account/profile")
@login_required
def profile():
    form = ProfileForm(prefix="profile")
    if not form.validate_on_submit():
        return _render_account(400, profile_form=form)
    current_user.display_name = form.display_name.data.strip()
    current_user.locale = form.locale.data
    current_user.notification_mode = form.notification_mode.data
    session["lang"] = form.locale.data
    db.session.commit()
    flash(_("Your details have been saved."), "success")
    return redirect(url_for("account.index"), 303)


@bp.post("/account/email")
@limiter.limit(MAILED_LINK_LIMIT)
@login_required
def email():
    form = EmailChangeForm(prefix="email")
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors = [_("The password is incorrect.")]
        else:
            try:
                request_email_change(current_user, form.new_email.data)
            except AuthError as error:
                db.session.rollback()
                form.new_email.errors = [str(error)]
            else:
                db.session.commit()
                flash(_("We sent a confirmation link to the new address. Your address changes when you follow it."), "success")
                return redirect(url_for("account.index"), 303)
    form.current_password.data = ""
    return _render_account(400, email_form=form)


@bp.post("/account/password")
@login_required
def password():
    form = PasswordChangeForm(prefix="password")
    if form.validate_on_submit():
        problem = password_problem(form.new_password.data, current_user.email)
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors = [_("The password is incorrect.")]
        elif problem:
            form.new_password.errors = [str(problem)]
        else:
            current_user.set_password(form.new_password.data)
            void_reset_links(current_user)
            end_all_sessions(current_user)  # every other device is logged out
            db.session.commit()
            login_user(current_user._get_current_object())  # this one continues with the new session version
            flash(_("Your password has been changed. You were logged out everywhere else."), "success")
            return redirect(url_for("account.index"), 303)
    for field in (form.current_password, form.new_password, form.new_password_confirm):
        field.data = ""
    return _render_account(400, password_form=form)


@bp.route("/auth/reset-password", methods=["GET", "POST"])
@limiter.limit(MAILED_LINK_LIMIT, methods=["POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        db.session.commit()
        return redirect(url_for("account.reset_sent"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("account/reset_request.html", form=form), status


@bp.get("/auth/reset-password/sent")
def reset_sent():
    return render_template("account/reset_sent.html")


@bp.route("/auth/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(LINK_CONFIRM_LIMIT, methods=["POST"])
def reset_confirm(token: str):
    record = valid_reset_token(token)
    if record is None:
        return render_template("account/link_invalid.html", again=url_for("account.reset_request")), 400
    form = ResetPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            reset_password(record, form.password.data)
        except AuthError as error:
            db.session.rollback()
            form.password.errors = [str(error)]
            status = 400
        else:
            db.session.commit()
            if current_user.is_authenticated:
                logout_user()
            session.clear()
            flash(_("Your password has been changed. Log in with your new password."), "success")
            return redirect(url_for("auth.login"), 303)
    elif request.method == "POST":
        status = 400
    form.password.data = form.password_confirm.data = ""
    return render_template("account/reset_confirm.html", form=form), status


@bp.route("/account/email/<token>", methods=["GET", "POST"])
@limiter.limit(LINK_CONFIRM_LIMIT, methods=["POST"])
def email_confirm(token: str):
    pending = read_email_change(token)
    if pending is None:
        return render_template("account/link_invalid.html", again=url_for("account.index")), 400
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            confirm_email_change(pending)
        except AuthError as error:
            db.session.rollback()
            flash(str(error), "error")
            return render_template("account/link_invalid.html", again=url_for("account.index")), 409
        db.session.commit()
        flash(_("Your email address has been changed."), "success")
        return redirect(url_for("account.index") if current_user.is_authenticated else url_for("auth.login"), 303)
    status = 400 if request.method == "POST" else 200
    return render_template("account/email_confirm.html", form=form, new_email=pending.new_email), status
