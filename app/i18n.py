"""Locale selection and Finnish-style formatting of dates and numbers."""
from __future__ import annotations

from datetime import datetime

from babel.dates import format_date as babel_format_date
from flask import Flask, current_app, has_request_context, session
from flask_babel import format_decimal
from flask_login import current_user

from app.extensions import babel
from app.timeutil import HELSINKI

# Finnish and Swedish write times with a dot (16.29); "klo" / "kl." precede the time.
_DATETIME_PATTERNS = {
    "fi": "{date} klo {hour}.{minute:02d}",
    "sv": "{date} kl. {hour}.{minute:02d}",
    "en": "{date} at {hour}:{minute:02d}",
}
# The language switcher of every page: each language in its own name.
INTERFACE_LANGUAGES = (("fi", "Suomi"), ("sv", "Svenska"), ("en", "English"))


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "fi")


def local_time(value: datetime) -> datetime:
    return value.astimezone(HELSINKI)


def format_day(value: datetime | None) -> str:
    """24.10.2022 in every language: the form Finnish authorities use."""
    if value is None:
        return ""
    local = local_time(value)
    return f"{local.day}.{local.month}.{local.year}"


def format_moment(value: datetime | None) -> str:
    """18.10.2022 klo 16.29 (fi), 18.10.2022 kl. 16.29 (sv), 18.10.2022 at 16:29 (en)."""
    if value is None:
        return ""
    local = local_time(value)
    pattern = _DATETIME_PATTERNS.get(current_locale(), _DATETIME_PATTERNS["fi"])
    return pattern.format(date=format_day(value), hour=local.hour, minute=local.minute)


def format_long_day(value: datetime | None) -> str:
    if value is None:
        return ""
    return babel_format_date(local_time(value).date(), format="long", locale=current_locale())


def format_number(value) -> str:
    return format_decimal(value)


class LocalNumber:
    """A number for a lazy message, written the reader's way when the message is shown
    (10 000 in Finnish and Swedish, 10,000 in English): `_l("... %(n)s ...", n=LocalNumber(10000))`."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __str__(self) -> str:
        return format_number(self.value) if has_request_context() else str(self.value)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Europe/Helsinki")
