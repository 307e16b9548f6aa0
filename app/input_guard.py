"""Input no database can hold never reaches one: ids beyond the integer range and NUL
characters (PostgreSQL refuses both; SQLite overflows on big ids).

- The `int` URL converter matches only database ids, 1 ≤ n ≤ 2**31 − 1, so an id out
  of range is simply a 404 on every route; `database_id` is the same rule for ids read
  from forms and query strings.
- NUL in the path answers 404 and in the query string 422 (translated page, JSON in the
  API), before any view runs.
- NUL characters are dropped from submitted form values when the form is parsed, so
  text typed with one (a comment, an email address) is kept, not refused.
"""
from __future__ import annotations

from flask import Flask, Request, abort, request
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items
from werkzeug.routing import IntegerConverter

DATABASE_ID_MAX = 2**31 - 1  # PostgreSQL `integer`, the type of every primary key here
NUL = "\x00"


class DatabaseIdConverter(IntegerConverter):
    """`<int:name>` on every route: a positive id that fits the database's integer."""

    def __init__(self, map, fixed_digits=0, min=1, max=DATABASE_ID_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def database_id(value) -> int | None:
    """An id read from a form or query string, or None when it cannot be one."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(DATABASE_ID_MAX)):
        return None
    number = int(text)
    return number if 1 <= number <= DATABASE_ID_MAX else None


def _without_nul(value):
    return value.replace(NUL, "") if isinstance(value, str) else value


class NulFreeForm(ImmutableMultiDict):
    """Form fields (names and values) as submitted, minus NUL characters; files untouched."""

    def __init__(self, mapping=None):
        if mapping is not None:
            mapping = [(_without_nul(key), _without_nul(value)) for key, value in iter_multi_items(mapping)]
        super().__init__(mapping)


class GuardedRequest(Request):
    def make_form_data_parser(self):
        parser = super().make_form_data_parser()
        parser.cls = NulFreeForm
        return parser


def _refuse_nul() -> None:
    if NUL in request.path:
        abort(404)
    if any(NUL in key or NUL in value for key, value in request.args.items(multi=True)):
        abort(422)


def init_app(app: Flask) -> None:
    """Before the blueprints are registered: their rules take the converter when added."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.request_class = GuardedRequest
    app.before_request(_refuse_nul)
