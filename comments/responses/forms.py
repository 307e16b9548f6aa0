"""Forms of the response and summary pages. The services check every rule again."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField


class ResponseForm(FlaskForm):
    # Rendered as radio buttons by templates/responses/group.html; checked by the service.
    decision = StringField(_l("Decision"))
    body = TextAreaField(_l("Response"))
    version = HiddenField()


class SummaryForm(FlaskForm):
    body = TextAreaField(
        _l("Summary"),
        description=_l("You can use Markdown: *italics*, **bold**, lists and links."),
    )
    version = HiddenField()


def version_number(value) -> int | None:
    """The hidden version field: a small non-negative integer, else None (a bad request)."""
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number < 2**31 else None
