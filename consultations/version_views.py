"""Reading published versions of a draft and the differences between two of them."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consultations.models import Consultation
from consultations.versioning import diff_versions

bp = Blueprint("versions", __name__, url_prefix="/consultations/<slug>/versions")


def _consultation(slug: str) -> Consultation:
    consultation = Consultation.with_draft(slug)
    if consultation is None or not consultation.is_visible_to(current_user):
        abort(404)
    return consultation


def _check_number(consultation: Consultation, number: int) -> None:
    if number not in consultation.version_numbers:
        abort(404)


@bp.get("/")
def index(slug: str):
    consultation = _consultation(slug)
    numbers = consultation.version_numbers
    a, b = request.args.get("a", type=int), request.args.get("b", type=int)
    if a is not None and b is not None:
        if a not in numbers or b not in numbers or a == b:
            abort(400)
        return redirect(url_for("versions.diff", slug=slug, a=min(a, b), b=max(a, b)))
    return render_template("versions/index.html", consultation=consultation, numbers=numbers)


@bp.get("/<int:number>/")
def show(slug: str, number: int):
    consultation = _consultation(slug)
    _check_number(consultation, number)
    parts = [(d, d.version_at(number)) for d in consultation.documents]
    return render_template(
        "versions/show.html", consultation=consultation, number=number, parts=parts,
        latest=consultation.version_numbers[-1],
    )


@bp.get("/<int:a>...<int:b>/")
def diff(slug: str, a: int, b: int):
    consultation = _consultation(slug)
    _check_number(consultation, a)
    _check_number(consultation, b)
    if a >= b:
        abort(404)
    parts = []
    for document in consultation.documents:
        old, new = document.version_at(a), document.version_at(b)
        if old is None or new is None:
            continue
        rows = diff_versions(old, new, _("removed"), _("added")) if old is not new else None
        parts.append((document, old, new, rows))
    return render_template("versions/diff.html", consultation=consultation, a=a, b=b, parts=parts)
