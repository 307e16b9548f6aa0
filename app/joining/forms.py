"""Forms for joining and registering organizations and deciding requests."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.joining.services import MESSAGE_MAX, NOTE_MAX

KIND_LABELS = {
    "association": _l("association"),
    "foundation": _l("foundation"),
    "company": _l("company"),
    "authority": _l("public body"),
    "other": _l("other"),
}


class JoinForm(FlaskForm):
    organization = HiddenField(validators=[DataRequired()])
    message = TextAreaField(_l("Message to the organization's admins (optional)"),
                            validators=[Optional(), Length(max=MESSAGE_MAX)])


class RegisterOrganizationForm(FlaskForm):
    name = StringField(_l("Name of the organization"), validators=[DataRequired(), Length(max=200)])
    business_id = StringField(_l("Business ID (Y-tunnus)"), description=_l("For example 1234567-1. Optional."),
                              validators=[Optional(), Length(max=20)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(kind, label) for kind, label in KIND_LABELS.items()])
    message = TextAreaField(_l("Your role in the organization, or other information (optional)"),
                            validators=[Optional(), Length(max=MESSAGE_MAX)])


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[SelectChoice("approve", _l("Approve")), SelectChoice("decline", _l("Decline"))])
    note = TextAreaField(_l("Note to the person (optional)"), validators=[Optional(), Length(max=NOTE_MAX)])
