"""Comment forms. Choices are filled per request; the service checks every rule again."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import Optional


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


class EditCommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"))


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
