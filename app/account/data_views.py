"""Leaving with one's data: /account/export.json (everything about the person, from
every package's part of the registry) and /account/delete (erasure, confirmed with the
password)."""
from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from app.account.forms import DeleteAccountForm
from app.extensions import db, limiter
from app.personal_data import erase_all, export_all
from app.timeutil import utcnow

bp = Blueprint("account_data", __name__, url_prefix="/account")


@bp.get("/export.json")
@limiter.limit("10 per hour")
@login_required
def export():
    data = {"exported_at": utcnow().isoformat(), **export_all(current_user)}
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="kuulo-my-data.json"',
        "Cache-Control": "no-store",
    })


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.password.data):
            form.password.errors = [_("The password is incorrect.")]
        else:
            user = current_user._get_current_object()
            erase_all(user)
            db.session.commit()
            logout_user()
            session.clear()
            flash(_("Your account has been deleted."), "success")
            return redirect(url_for("consultations.index"), 303)
    form.password.data = ""
    status = 400 if form.is_submitted() else 200
    return render_template("account/delete.html", form=form), status
