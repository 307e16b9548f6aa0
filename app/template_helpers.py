"""Every Jinja global, filter and context processor of Kuulo, registered in this one place
by create_app: a template's helper is found here, whichever package defines it.

Like create_app, this module wires the packages together, so it may import any of them
(tests/test_layout.py); the helpers themselves live in the package they belong to.
"""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.i18n import (
        INTERFACE_LANGUAGES,
        current_locale,
        format_day,
        format_long_day,
        format_moment,
        format_number,
    )
    from app.manage_sections import sections as manage_sections
    from comments.responses.summary_views import heat_strip
    from comments.responses.views import response_progress
    from consultations.attachments import file_type_label, size_label
    from consultations.authoring.preview import preview_token
    from consultations.deadline import time_left_label
    from consultations.document_outline import document_outline, table_of_contents
    from consultations.original_files import original_download
    from consultations.following.views import current_user_follows

    app.jinja_env.filters.update(
        moment=format_moment,  # 24.10.2022 klo 16.29
        day=format_day,
        long_day=format_long_day,
        number=format_number,
        filesize=size_label,
        filetype=file_type_label,
        document_outline=document_outline,  # list items as real lists (the draft's templates)
    )
    app.jinja_env.globals.update(
        current_locale=current_locale,
        manage_sections=manage_sections,  # templates/manage/index.html
        heat_strip=heat_strip,  # the consultation page's info box
        response_progress=response_progress,  # templates/manage/_responses.html
        is_following=current_user_follows,  # the follow button
        preview_token=preview_token,  # templates/manage/_authoring.html
        time_left=time_left_label,  # the info box and list cards: "12 päivää aikaa"
        table_of_contents=table_of_contents,  # templates/consultations/_contents.html
        original_download=original_download,  # templates/consultations/_original_link.html
    )

    @app.context_processor
    def _languages():
        return {"languages": INTERFACE_LANGUAGES}
