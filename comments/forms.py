"""Comment forms. Choices are filled per request; the service checks every rule again."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
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
