"""How long an open consultation has left, as its info box and list cards tell it: whole
days, hours on the last day, then "less than an hour"."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext

from app.timeutil import utcnow
from consultations.models import Consultation


def time_left(consultation: Consultation, now: datetime | None = None) -> tuple[str, int] | None:
    """("days", n), ("hours", n) or ("minutes", 0) while open, else None. Cached parts of
    a page that show it are stamped with it (comments/page_parts.py), so the text is
    never a step behind."""
    now = now or utcnow()
    if consultation.status_at(now) != "open":
        return None
    left = consultation.closes_at - now
    if left >= timedelta(days=1):
        return "days", left.days
    if left >= timedelta(hours=1):
        return "hours", left.seconds // 3600
    return "minutes", 0


def time_left_label(consultation: Consultation) -> str:
    """"12 päivää aikaa", "5 tuntia aikaa", "Alle tunti aikaa"; empty unless open."""
    step = time_left(consultation)
    if step is None:
        return ""
    unit, n = step
    if unit == "days":
        return ngettext("%(num)d day left to comment", "%(num)d days left to comment", n)
    if unit == "hours":
        return ngettext("%(num)d hour left to comment", "%(num)d hours left to comment", n)
    return _("Less than an hour left to comment")
