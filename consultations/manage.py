"""The management page of a consultation, for officials of the organizing authority."""
from __future__ import annotations


from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.extensions import db
from app.manage_sections import register_section
from consultations.forms import VersionForm
from consultations.access import managed_consultation
from consultations.models import Consultation, DocumentVersion
from consultations.original_files import Upload
from consultations.services import ConsultationError, add_version, publish_version, read_source

bp = Blueprint("manage", __name__, url_prefix="/consultations/<slug>/manage")


def register_manage_section() -> None:
    register_section("versions", _l("Draft versions"), "manage/_versions.html", order=20)


def _version_form(consultation: Consultation) -> VersionForm:
    form = VersionForm()
    form.part.choices = [(str(d.ordinal), f"{d.ordinal}. {d.title}") for d in consultation.documents]
    return form


@bp.get("/")
@managed_consultation
def index(consultation: Consultation):
    return render_template("manage/index.html", consultation=consultation, version_form=_version_form(consultation))


@bp.post("/versions")
@managed_consultation
def upload_version(consultation: Consultation):
    form = _version_form(consultation)
    if form.validate_on_submit():
        document = next((d for d in consultation.documents if str(d.ordinal) == form.part.data), None)
        upload = form.file.data
        try:
            if document is None:
                raise ConsultationError(_("Choose the part of the draft."))
            data = upload.read()
            blocks, source, source_format = read_source(upload.filename or "", data)
            version = add_version(
                document, blocks, source, source_format, form.change_note.data or "",
                created_by=current_user, publish=bool(form.publish.data),
                original=Upload(upload.filename or "", data),
            )
        except ConsultationError as error:
            db.session.rollback()
            form.file.errors = [*form.file.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Version %(n)d was added.", n=version.number), "success")
            return redirect(url_for("manage.index", slug=consultation.slug), 303)
    return render_template("manage/index.html", consultation=consultation, version_form=form), 422


@bp.post("/versions/<int:version_id>/publish")
@managed_consultation
def publish(consultation: Consultation, version_id: int):
    version = db.session.get(DocumentVersion, version_id)
    if version is None or version.document.consultation_id != consultation.id:
        abort(404)
    publish_version(version)
    db.session.commit()
    flash(_("Version %(n)d is now public.", n=version.number), "success")
    return redirect(url_for("manage.index", slug=consultation.slug), 303)
