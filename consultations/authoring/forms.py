"""Forms of the officials' authoring pages. Times are typed in Helsinki time."""
from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateTimeLocalField, FieldList, Form, FormField, RadioField, SelectChoice, SelectField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from app.timeutil import HELSINKI, as_utc

MAX_DRAFT_CHARS = 2_000_000
MAX_PARTS = 20
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
FIRST_YEAR, LAST_YEAR = 2000, 2100  # a browser's date picker accepts year 1 and 9999, UTC conversion does not


def helsinki_local(moment: datetime | None) -> datetime | None:
    """A stored UTC time as the naive Helsinki time the form shows."""
    return moment.astimezone(HELSINKI).replace(tzinfo=None) if moment else None


def within_years(form, field):
    """A typed time the calendar can hold: years FIRST_YEAR..LAST_YEAR."""
    if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(_l("Give a time between the years %(first)d and %(last)d.", first=FIRST_YEAR,
                                 last=LAST_YEAR))


def typed_utc(moment: datetime | None) -> datetime | None:
    """A typed Helsinki time in UTC; None when there is none or it is outside the years allowed."""
    if moment is None or not FIRST_YEAR <= moment.year <= LAST_YEAR:
        return None
    return as_utc(moment)


def moment_field(label):
    return DateTimeLocalField(
        label, format=DATETIME_FORMATS,
        validators=[InputRequired(_l("Give a date and a time.")), within_years],
        description=_l("Helsinki time."),
    )


class ContactForm(Form):
    name = StringField(_l("Name"), validators=[Length(max=120)])
    title = StringField(_l("Job title"), validators=[Optional(), Length(max=120)])
    email = StringField(_l("Email"), validators=[Optional(), Email(_l("Enter a valid email address.")), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])

    def validate_name(self, field):
        """A contact person without a name is not shown, so what was typed for one would be lost."""
        if not (field.data or "").strip() and any((f.data or "").strip() for f in (self.title, self.email, self.phone)):
            raise ValidationError(_l("Give the contact person's name."))


class PartForm(Form):
    title = StringField(_l("Title of the part"), validators=[DataRequired(_l("Give the part a title.")), Length(max=300)])
    file = FileField(_l("Upload a file"), description=_l("A Word document (.docx), Markdown (.md) or plain text (.txt). "
                                                         "Its text replaces the text below."))
    source = TextAreaField(_l("Text of the part (Markdown)"), validators=[Length(max=MAX_DRAFT_CHARS)],
                           description=_l("Headings begin with #, list items with -. Blank lines separate paragraphs."))


class ConsultationFieldsForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Give the consultation a title.")), Length(max=300)])
    slug = StringField(_l("Address (slug)"), validators=[Length(max=80)],
                       description=_l("Lowercase letters a–z, digits and hyphens. Left empty, it is made from the title."))
    description = TextAreaField(_l("Short description (Markdown)"), validators=[Length(max=5000)])
    language = SelectField(_l("Language of the draft"), choices=[SelectChoice("fi", _l("Finnish")), SelectChoice("sv", _l("Swedish"))])
    opens_at = moment_field(_l("Opens"))
    closes_at = moment_field(_l("Closes"))
    commenters = RadioField(_l("Who may comment"), default="organizations", choices=[
        SelectChoice("organizations", _l("Organizations (on behalf of an organization)")),
        SelectChoice("registered", _l("Registered users and organizations")),
    ])
    diary_number = StringField(_l("Diary number"), validators=[Optional(), Length(max=60)])
    contacts = FieldList(FormField(ContactForm), min_entries=2, max_entries=5)

    def validate_closes_at(self, field):
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The closing time must be after the opening time."))

    def field_values(self) -> dict:
        return {
            "title": (self.title.data or "").strip(),
            "slug": (self.slug.data or "").strip(),
            "description": (self.description.data or "").strip(),
            "language": self.language.data,
            "opens_at": typed_utc(self.opens_at.data),
            "closes_at": typed_utc(self.closes_at.data),
            "commenters": self.commenters.data,
            "diary_number": (self.diary_number.data or "").strip(),
        }


    def field_values_for_preview(self) -> SimpleNamespace:
        """The typed values as the public page shows them; unreadable times are left out."""
        return SimpleNamespace(
            title=self.title.data or "", description=self.description.data or "", language=self.language.data or "fi",
            opens_at=typed_utc(self.opens_at.data), closes_at=typed_utc(self.closes_at.data),
            commenters=self.commenters.data, diary_number=self.diary_number.data or "", public_note="",
        )

    def contacts_for_preview(self) -> list[SimpleNamespace]:
        return [SimpleNamespace(name=e.form.name.data, title=e.form.title.data or "", email=e.form.email.data or "",
                                phone=e.form.phone.data or "")
                for e in self.contacts.entries if (e.form.name.data or "").strip()]


class NewConsultationForm(ConsultationFieldsForm):
    parts = FieldList(FormField(PartForm), min_entries=1, max_entries=MAX_PARTS)


class EditConsultationForm(ConsultationFieldsForm):
    pass


class NoteForm(FlaskForm):
    """Closing early or extending, with a public note."""

    closes_at = DateTimeLocalField(_l("New closing time"), format=DATETIME_FORMATS, validators=[Optional(), within_years],
                                   description=_l("Helsinki time."))
    note = TextAreaField(_l("Public note"), validators=[Length(max=2000)],
                         description=_l("Shown on the consultation's page."))


class ScheduleForm(FlaskForm):
    publish_at = DateTimeLocalField(_l("Publish at"), format=DATETIME_FORMATS,
                                    validators=[InputRequired(_l("Give a date and a time.")), within_years],
                                    description=_l("Helsinki time."))


class CopyForm(FlaskForm):
    title = StringField(_l("Title of the copy"), validators=[DataRequired(_l("Give the consultation a title.")),
                                                              Length(max=300)])
    slug = StringField(_l("Address (slug)"), validators=[Length(max=80)])


class InviteForm(FlaskForm):
    organization = StringField(_l("Organization"), validators=[DataRequired(_l("Choose an organization."))])


class AddPartForm(FlaskForm, PartForm):
    """A part added to a saved draft (its fields prefixed "part-": the edit form beside it
    has a title of its own)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="part", **kwargs)


class PartTitleForm(FlaskForm):
    title = StringField(_l("Title of the part"), validators=[DataRequired(_l("Give the part a title.")), Length(max=300)])
