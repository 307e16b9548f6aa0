"""Editing a saved consultation (what its status allows, each change logged), publishing
now or at a set time, closing early or extending with a public note, renaming parts and
copying it as the start of a new one."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.manage_sections import register_section
from app.timeutil import as_utc
from consultations.access import managed_consultation
from consultations.authoring.drafts import read_part
from consultations.authoring.forms import (
    AddPartForm,
    CopyForm,
    EditConsultationForm,
    NoteForm,
    PartTitleForm,
    ScheduleForm,
    helsinki_local,
)
from consultations.authoring.models import ConsultationChange
from consultations.authoring.services import (
    EDITABLE_FIELDS,
    EDITABLE_WHEN_OPEN,
    Contact,
    Part,
    add_part,
    close_early,
    move_part,
    copy_consultation,
    extend,
    publish_now,
    rename_part,
    schedule_publishing,
    set_contacts,
    suggest_slug,
    update_consultation,
)
from consultations.authoring.views import attach_error
from consultations.models import Consultation
from consultations.services import ConsultationError

bp = Blueprint("editing", __name__, url_prefix="/consultations/<slug>/manage")


def register_manage_section() -> None:
    register_section("authoring", _l("Consultation"), "manage/_authoring.html", order=10)


def editable_fields(consultation: Consultation) -> tuple[str, ...]:
    status = consultation.status
    if status == "open":
        return EDITABLE_WHEN_OPEN
    if status in ("closed", "summarized"):
        return ()
    return EDITABLE_FIELDS if status == "draft" else tuple(f for f in EDITABLE_FIELDS if f != "slug")


def _edit_form(consultation: Consultation, from_request: bool = True) -> EditConsultationForm:
    if request.method == "POST" and from_request:
        return EditConsultationForm()
    contacts = [dict(name=p.name, title=p.title, email=p.email, phone=p.phone) for p in consultation.contact_persons]
    form = EditConsultationForm(formdata=None, obj=consultation, contacts=contacts + [{}] * (len(contacts) < 5))
    form.opens_at.data, form.closes_at.data = helsinki_local(consultation.opens_at), helsinki_local(consultation.closes_at)
    return form


def _changes(consultation: Consultation) -> list[ConsultationChange]:
    return db.session.scalars(
        select(ConsultationChange).where(ConsultationChange.consultation_id == consultation.id)
        .options(selectinload(ConsultationChange.user))
        .order_by(ConsultationChange.changed_at.desc(), ConsultationChange.id.desc())
    ).all()


def _render_edit(consultation, form, status=200, add_part_form=None):
    return render_template(
        "authoring/edit.html", consultation=consultation, form=form, editable=editable_fields(consultation),
        changes=_changes(consultation), part_form=PartTitleForm(formdata=None),
        add_part_form=add_part_form or AddPartForm(formdata=None),
    ), status


@bp.route("/edit", methods=["GET", "POST"])
@managed_consultation
def edit(consultation: Consultation):
    form = _edit_form(consultation)
    editable = editable_fields(consultation)
    if request.method == "GET":
        return _render_edit(consultation, form)
    if not editable:
        form.form_errors.append(_("A closed consultation can no longer be edited."))
        return _render_edit(consultation, form, 409)
    for name in set(EDITABLE_FIELDS) - set(editable):  # not shown, so not sent: not checked either
        getattr(form, name).validators = []
        getattr(form, name).raw_data = None
    if not form.slug.data and "slug" in editable:
        form.slug.data = suggest_slug(form.title.data or "")
    if not form.validate_on_submit() and any(name in editable or name == "contacts" for name in form.errors):
        return _render_edit(consultation, form, 422)
    values = {name: value for name, value in form.field_values().items() if name in editable}
    try:
        changed = update_consultation(consultation, current_user, values)
        if consultation.status in ("draft", "upcoming"):
            contacts = [Contact(e.form.name.data or "", e.form.title.data or "", e.form.email.data or "",
                                e.form.phone.data or "") for e in form.contacts.entries]
            if set_contacts(consultation, contacts, current_user):
                changed.append("contacts")
    except ConsultationError as error:
        db.session.rollback()
        attach_error(form, error)
        return _render_edit(consultation, form, 422)
    db.session.commit()
    flash(_("The changes were saved.") if changed else _("Nothing was changed."), "success")
    return redirect(url_for("manage.index", slug=consultation.slug), 303)


def _back(consultation: Consultation, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("manage.index", slug=consultation.slug), 303)


def _refuse(consultation: Consultation, error: ConsultationError):
    db.session.rollback()
    flash(str(error), "error")
    return redirect(url_for("manage.index", slug=consultation.slug), 303)


@bp.post("/publish")
@managed_consultation
def publish(consultation: Consultation):
    try:
        publish_now(consultation, current_user)
    except ConsultationError as error:
        return _refuse(consultation, error)
    return _back(consultation, _("The consultation is now public."))


@bp.post("/schedule")
@managed_consultation
def schedule(consultation: Consultation):
    form = ScheduleForm()
    if request.form.get("action") == "cancel":
        moment = None
    elif not form.validate_on_submit():
        return _refuse(consultation, ConsultationError(_("Give a date and a time.")))
    else:
        moment = as_utc(form.publish_at.data)
    try:
        schedule_publishing(consultation, current_user, moment)
    except ConsultationError as error:
        return _refuse(consultation, error)
    return _back(consultation, _("The publishing time was saved.") if moment else _("Publishing was not scheduled."))


@bp.post("/close")
@managed_consultation
def close(consultation: Consultation):
    form = NoteForm()
    form.validate_on_submit()
    try:
        close_early(consultation, current_user, form.note.data or "")
    except ConsultationError as error:
        return _refuse(consultation, error)
    return _back(consultation, _("The consultation was closed."))


@bp.post("/extend")
@managed_consultation
def extend_view(consultation: Consultation):
    form = NoteForm()
    if not form.validate_on_submit() or form.closes_at.data is None:
        return _refuse(consultation, ConsultationError(_("Give the new closing time.")))
    try:
        extend(consultation, current_user, as_utc(form.closes_at.data), form.note.data or "")
    except ConsultationError as error:
        return _refuse(consultation, error)
    return _back(consultation, _("The closing time was extended."))


@bp.post("/parts/<int:ordinal>/title")
@managed_consultation
def rename(consultation: Consultation, ordinal: int):
    document = next((d for d in consultation.documents if d.ordinal == ordinal), None)
    if document is None:
        abort(404)
    if consultation.status not in ("draft", "upcoming"):
        return _refuse(consultation, ConsultationError(_("Parts can be renamed only before the consultation opens.")))
    form = PartTitleForm()
    form.validate_on_submit()
    try:
        rename_part(consultation, document, form.title.data or "", current_user)
    except ConsultationError as error:
        return _refuse(consultation, error)
    return _back(consultation, _("The part was renamed."))


@bp.post("/parts/<int:ordinal>/move")
@managed_consultation
def move(consultation: Consultation, ordinal: int):
    document = next((d for d in consultation.documents if d.ordinal == ordinal), None)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if document is None:
        abort(404)
    if step is None:
        return _refuse(consultation, ConsultationError(_("Choose up or down.")))
    try:
        move_part(consultation, document, step, current_user)
    except ConsultationError as error:
        return _refuse(consultation, error)
    db.session.commit()
    flash(_("The order of the parts was changed."), "success")
    return redirect(url_for("editing.edit", slug=consultation.slug, _anchor="parts-heading"), 303)


@bp.post("/parts")
@managed_consultation
def add_part_view(consultation: Consultation):
    """A new last part, from a file or typed Markdown; errors shown on the edit page with the text kept."""
    if consultation.status not in ("draft", "upcoming"):
        return _refuse(consultation, ConsultationError(_("Parts can be added only before the consultation opens.")))
    form = AddPartForm()
    if form.validate_on_submit():
        try:
            blocks, source, original = read_part(form.file.data, form.source.data or "")
            add_part(consultation, Part(form.title.data.strip(), blocks, source, original), current_user)
        except ConsultationError as error:
            db.session.rollback()
            field = form.file if form.file.data and getattr(form.file.data, "filename", "") else form.source
            field.errors = [*field.errors, str(error)]
        else:
            db.session.commit()
            flash(_("The part was added."), "success")
            return redirect(url_for("editing.edit", slug=consultation.slug, _anchor="parts-heading"), 303)
    return _render_edit(consultation, _edit_form(consultation, from_request=False), 422, add_part_form=form)


@bp.route("/copy", methods=["GET", "POST"])
@managed_consultation(with_draft=True)
def copy(consultation: Consultation):
    form = CopyForm()
    if request.method == "GET":
        form.title.data = _("Copy of %(title)s", title=consultation.title)[:300]
    elif form.validate_on_submit():
        slug = (form.slug.data or "").strip() or suggest_slug(form.title.data)
        form.slug.data = slug
        try:
            new = copy_consultation(consultation, current_user, slug, form.title.data.strip())
        except ConsultationError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("The copy was saved as an unpublished draft."), "success")
            return redirect(url_for("editing.edit", slug=new.slug), 303)
    status = 200 if request.method == "GET" else 422
    return render_template("authoring/copy.html", consultation=consultation, form=form), status
