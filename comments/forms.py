"""Comment forms. Choices are filled per request; the service checks every rule again."""
import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import Length, Optional, Regexp

DAMAGED_FORM = _l("The form was damaged. Please send it again.")


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Comment"),
        description=_l("You can use Markdown: *italics*, **bold**, lists and links."),
    )
    paragraph = SelectField(_l("Paragraph"), choices=[], validate_choice=False, validators=[Optional()])
    organization = SelectField(
        _l("On behalf of"), choices=[], validate_choice=False, validators=[Optional()]
    )
    parent = HiddenField()
    # One per rendering of the form: sending the same form twice posts one comment.
    submission_token = HiddenField(
        validators=[Optional(), Length(max=64, message=DAMAGED_FORM), Regexp(r"^[A-Za-z0-9_-]+\Z", message=DAMAGED_FORM)]
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.submission_token.errors:
            # A hidden field's error belongs to the whole form; the user only sends it again.
            self.form_errors.append(DAMAGED_FORM)
            self.submission_token.errors = []
            self.submission_token.data = ""
        return valid

    def issue_submission_token(self) -> None:
        """A fresh token for a rendered form, unless it carries a sound one that was not
        used yet (the form shown again after an error)."""
        if not self.submission_token.data:
            self.submission_token.data = secrets.token_urlsafe(32)


class EditCommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"))
