"""Reporting, moderation and appeal forms. Choices are filled per request; the services check every rule again."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import Optional


class ReportForm(FlaskForm):
    reason = RadioField(_l("Reason"), choices=[], validate_choice=False)
    details = TextAreaField(
        _l("Details (optional)"),
        description=_l("At most 1,000 characters. Do not include personal data."),
    )


class ModerationForm(FlaskForm):
    reason = SelectField(_l("Public reason"), choices=[], validate_choice=False, validators=[Optional()])
    note = TextAreaField(_l("Note for the log (optional)"))


class AppealForm(FlaskForm):
    text = TextAreaField(_l("Why should the comment be restored? (optional)"))
