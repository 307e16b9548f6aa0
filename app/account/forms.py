"""Account forms: each accepts only its own fields."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.auth.services import PASSWORD_MAX

LANGUAGE_CHOICES = [SelectChoice("fi", "Suomi"), SelectChoice("sv", "Svenska"), SelectChoice("en", "English")]


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(_l("Language of the service and messages"), choices=LANGUAGE_CHOICES)
    notification_mode = RadioField(
        _l("News of the consultations you follow"),
        choices=[SelectChoice("daily", _l("A daily digest")),
                 SelectChoice("immediate", _l("Immediately, one message at a time"))],
    )


class EmailChangeForm(FlaskForm):
    new_email = EmailField(
        _l("New email address"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
    )
    current_password = PasswordField(
        _l("Your current password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)]
    )


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Your current password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)]
    )
    new_password = PasswordField(
        _l("New password"), description=_l("At least 12 characters."),
        validators=[DataRequired(), Length(max=PASSWORD_MAX)],
    )
    new_password_confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords do not match."))],
    )


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"), description=_l("At least 12 characters."),
        validators=[DataRequired(), Length(max=PASSWORD_MAX)],
    )
    password_confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )


class ConfirmForm(FlaskForm):
    """A button and its CSRF token: links only show a page, the POST acts."""


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your current password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])
