"""The dashboard (/manage/) and creating a consultation (/manage/consultations/new):
upload or paste each part, preview it as the public page will show it, then save it as an
unpublished draft. Nothing is stored before "Save", and a failed save stores nothing."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectField

from app.extensions import db
from consultations.authoring.dashboard import GROUPS, dashboard, managed_organizations
from consultations.authoring.drafts import (
    check_draft_length,
    guesses_of,
    parse_parts,
    preview_contents,
    preview_parts,
    read_upload,
)
from consultations.authoring.forms import NewConsultationForm
from consultations.authoring.services import Contact, FieldError, Part, check_slug, create_draft, suggest_slug
from consultations.original_files import Upload
from consultations.services import ConsultationError

bp = Blueprint("authoring", __name__)


def officials_only(view):
    """Officials and admins; members get 403."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_official:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.get("/manage/")
@officials_only
def index():
    return render_template("authoring/dashboard.html", groups=dashboard(current_user), group_names=GROUPS)


class _NewForm(NewConsultationForm):
    organizer = SelectField(validate_choice=True)


def _new_form() -> _NewForm:
    form = _NewForm()
    form.organizer.label.text = _("Organizer")
    form.organizer.choices = [(o.slug, o.name) for o in managed_organizations(current_user)]
    if not form.organizer.choices:
        abort(403)  # an official of no organization has nothing to organize
    return form


def _absorb_uploads(form) -> tuple[list, list, bool, list]:
    """Each part's chosen file becomes the Markdown in its text box. Returns the importer's
    guesses and the file's blocks per part, whether every file could be read, and the
    files read (kept as the parts' originals when saved in this request)."""
    guesses, blocks, ok, originals = [], [], True, []
    for number, entry in enumerate(form.parts.entries, start=1):
        upload = entry.form.file.data
        guesses.append([])
        blocks.append(None)
        originals.append(None)
        if upload is None or not getattr(upload, "filename", ""):
            continue
        data = upload.read()
        try:
            draft = read_upload(upload.filename, data)
            check_draft_length(draft.markdown)
        except ConsultationError as error:
            entry.form.file.errors = [str(error)]
            ok = False
            continue
        entry.form.source.data = draft.markdown
        guesses[-1], blocks[-1] = draft.guesses, draft.blocks
        originals[-1] = Upload(upload.filename, data)
        if not (entry.form.title.data or "").strip():
            entry.form.title.data = upload.filename.rsplit(".", 1)[0][:300]
    return guesses, blocks, ok, originals


def _rearrange(form, action: str) -> bool:
    """Add, move or remove a part by moving the texts between the entries (an entry's field
    names fix its place in the next request)."""
    entries = form.parts.entries
    kind, _sep, index = action.partition("-")
    if kind == "add" and len(entries) < form.parts.max_entries:
        form.parts.append_entry()
        return True
    if not index.isdigit() or int(index) >= len(entries):
        return False
    i = int(index)
    j = {"up": i - 1, "down": i + 1}.get(kind)
    if j is not None and 0 <= j < len(entries):
        a, b = entries[i].form, entries[j].form
        a.title.data, b.title.data = b.title.data, a.title.data
        a.source.data, b.source.data = b.source.data, a.source.data
        return True
    if kind == "remove" and len(entries) > 1:
        for k in range(i, len(entries) - 1):
            entries[k].form.title.data = entries[k + 1].form.title.data
            entries[k].form.source.data = entries[k + 1].form.source.data
        form.parts.pop_entry()
        return True
    return False


def attach_error(form, error: ConsultationError) -> None:
    """The service's message next to its field, or at the top of the form."""
    field = getattr(form, error.field, None) if isinstance(error, FieldError) else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))


def _render_new(form, status=200, preview=None, guesses=None):
    return render_template("authoring/new.html", form=form, preview=preview, guesses=guesses or [],
                           contents_parts=preview_contents(preview or [])), status


@bp.route("/manage/consultations/new", methods=["GET", "POST"])
@officials_only
def new():
    form = _new_form()
    if request.method == "GET":
        return _render_new(form)
    guesses, uploaded, uploads_ok, originals = _absorb_uploads(form)
    if not form.slug.data and form.title.data:
        form.slug.data = suggest_slug(form.title.data)
    action = request.form.get("action", "preview")
    if action not in ("preview", "save"):
        _rearrange(form, action)
        return _render_new(form, 200 if uploads_ok else 422, guesses=guesses)
    try:
        parsed = parse_parts([e.form.source.data for e in form.parts.entries], uploaded)
    except ConsultationError as error:
        form.form_errors.append(str(error))
        return _render_new(form, 422, guesses=guesses)
    guesses = [g or guesses_of(blocks, "markdown") for g, blocks in zip(guesses, parsed)]
    preview = list(zip([e.form.title.data for e in form.parts.entries], preview_parts(parsed)))
    if action == "preview" or not uploads_ok:
        _check_slug_early(form)
        return _render_new(form, 200 if uploads_ok else 422, preview, guesses)
    if not form.validate():
        return _render_new(form, 422, preview, guesses)
    return _save(form, parsed, preview, guesses, originals)


def _check_slug_early(form) -> None:
    """The suggested or typed address is checked on every preview, not only on saving."""
    slug = (form.slug.data or "").strip()
    try:
        if slug:
            check_slug(slug)
    except FieldError as error:
        attach_error(form, error)


def _save(form, parsed, preview, guesses, originals):
    parts = [Part(e.form.title.data.strip(), blocks, e.form.source.data, original)
             for e, blocks, original in zip(form.parts.entries, parsed, originals)]
    contacts = [Contact(e.form.name.data or "", e.form.title.data or "", e.form.email.data or "", e.form.phone.data or "")
                for e in form.contacts.entries]
    try:
        consultation = create_draft(fields=form.field_values(), organizer_slug=form.organizer.data,
                                    parts=parts, contacts=contacts, user=current_user)
    except ConsultationError as error:
        db.session.rollback()
        attach_error(form, error)
        return _render_new(form, 422, preview, guesses)
    db.session.commit()
    flash(_("The consultation was saved as an unpublished draft."), "success")
    return redirect(url_for("manage.index", slug=consultation.slug), 303)
