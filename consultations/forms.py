"""Forms of the consultation management page."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import Length


class VersionForm(FlaskForm):
    part = SelectField(_l("Part of the draft"), choices=[], validate_choice=False)
    file = FileField(
        _l("New text"),
        description=_l("A Word document (.docx), Markdown (.md) or plain text (.txt)."),
        validators=[FileRequired(_l("Choose a file."))],
    )
    change_note = TextAreaField(_l("What changed"), validators=[Length(max=2000)])
    publish = BooleanField(_l("Publish the version now"), default=True)
