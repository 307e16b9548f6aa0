"""The OpenAPI 3.1 description of the open data API (comments/opendata/api.py).

Kept next to the API and checked against it by tests/comments/opendata/test_api.py (and by
schemathesis): a field added to a serializer must be added here.
"""
from __future__ import annotations

from comments.responses.official import DECISIONS
from consultations.models import PARAGRAPH_KINDS

SLUG = {"type": "string", "pattern": "^[a-z0-9]+(?:-[a-z0-9]+)*$", "maxLength": 80}
DATETIME = {"type": "string", "format": "date-time"}
NULLABLE_DATETIME = {"type": ["string", "null"], "format": "date-time"}
NAMED = {
    "type": "object",
    "required": ["name", "slug"],
    "properties": {"name": {"type": "string"}, "slug": {"type": "string"}},
    "additionalProperties": False,
}
DECISION = {"type": "string", "enum": list(DECISIONS)}
MARKDOWN = {"type": "string", "description": "Markdown."}
HTML = {"type": "string", "description": "Sanitized HTML."}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict, optional: tuple = ()) -> dict:
    return {
        "type": "object",
        "required": [k for k in properties if k not in optional],
        "properties": properties,
        "additionalProperties": False,
    }


def _page_of(item: str) -> dict:
    return _object(
        {
            "items": {"type": "array", "items": _ref(item)},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "total": {"type": "integer", "minimum": 0},
            "next": {"type": ["string", "null"], "format": "uri"},
        }
    )


SCHEMAS = {
    "Consultation": _object(
        {
            "slug": SLUG,
            "title": {"type": "string"},
            "description": {"type": "string"},
            "language": {"type": "string", "enum": ["fi", "sv"]},
            "organizer": NAMED,
            "status": {"type": "string", "enum": ["upcoming", "open", "closed", "summarized"]},
            "opens_at": DATETIME,
            "closes_at": DATETIME,
            "summary_published_at": NULLABLE_DATETIME,
            "url": {"type": "string", "format": "uri"},
            "documents": {
                "type": "array",
                "items": _object(
                    {
                        "ordinal": {"type": "integer"},
                        "title": {"type": "string"},
                        "version": {"type": ["integer", "null"]},
                        "version_published_at": NULLABLE_DATETIME,
                    }
                ),
            },
            "links": {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}},
        },
        optional=("documents", "links"),
    ),
    "Paragraph": _object(
        {
            "anchor": {"type": "string"},
            "number": {"type": "string"},
            "kind": {"type": "string", "enum": list(PARAGRAPH_KINDS)},
            "text": {"type": "string"},
            "html": HTML,
        }
    ),
    "PublishedResponse": _object(
        {
            "decision": DECISION,
            "text": MARKDOWN,
            "html": HTML,
            "published_at": DATETIME,
        }
    ),
    "Comment": _object(
        {
            "id": {"type": "integer"},
            "reply_to": {"type": ["integer", "null"]},
            "paragraph": {
                "oneOf": [
                    {"type": "null"},
                    _object({"anchor": {"type": "string"}, "number": {"type": ["string", "null"]}}),
                ]
            },
            "organization": {"oneOf": [{"type": "null"}, NAMED]},
            "author": {"type": "string"},
            "created_at": DATETIME,
            "edited_at": NULLABLE_DATETIME,
            "text": MARKDOWN,
            "html": HTML,
            "url": {"type": "string", "format": "uri"},
            "response": {"oneOf": [{"type": "null"}, _ref("PublishedResponse")]},
        }
    ),
    "Response": _object(
        {
            "comment_id": {"type": "integer"},
            "decision": DECISION,
            "text": MARKDOWN,
            "html": HTML,
            "published_at": DATETIME,
        }
    ),
    "Summary": _object(
        {
            "consultation": SLUG,
            "text": MARKDOWN,
            "html": HTML,
            "published_at": DATETIME,
        }
    ),
    "Error": _object(
        {
            "error": _object(
                {"status": {"type": "integer"}, "message": {"type": "string"}}
            )
        }
    ),
    "ConsultationPage": _page_of("Consultation"),
    "ParagraphPage": _page_of("Paragraph"),
    "CommentPage": _page_of("Comment"),
    "ResponsePage": _page_of("Response"),
}


def _json(schema: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


ERRORS = {
    "400": _json("Error", "Invalid query parameter."),
    "404": _json("Error", "No such published consultation, or nothing published yet."),
    "422": _json("Error", "A query parameter holds a NUL character."),
}
SLUG_PARAMETER = {"name": "slug", "in": "path", "required": True, "schema": SLUG}
PAGING = [
    {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 100000}},
    {"name": "per_page", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 50}},
]


def _get(summary: str, response: str, parameters=(), errors=("404",)) -> dict:
    return {
        "get": {
            "summary": summary,
            "operationId": summary.lower().replace(" ", "_").replace("'", ""),
            "parameters": list(parameters),
            "responses": {"200": _json(response, "OK"), **{code: ERRORS[code] for code in (*errors, "422")}},
        }
    }


PATHS = {
    "/api/v1/consultations": _get(
        "List consultations",
        "ConsultationPage",
        [*PAGING, {"name": "status", "in": "query", "required": False,
                   "schema": {"type": "string", "enum": ["upcoming", "open", "closed", "summarized"]}}],
        errors=("400",),
    ),
    "/api/v1/consultations/{slug}": _get("Get a consultation", "Consultation", [SLUG_PARAMETER]),
    "/api/v1/consultations/{slug}/paragraphs": _get(
        "List paragraphs", "ParagraphPage", [SLUG_PARAMETER, *PAGING], errors=("400", "404")
    ),
    "/api/v1/consultations/{slug}/comments": _get(
        "List visible comments",
        "CommentPage",
        [SLUG_PARAMETER, *PAGING,
         # No NUL: every query parameter with one is refused with 422 (input guard).
         {"name": "paragraph", "in": "query", "required": False,
          "schema": {"type": "string", "maxLength": 40, "pattern": "^[^\\x00]*$"}}],
        errors=("400", "404"),
    ),
    "/api/v1/consultations/{slug}/responses": _get(
        "List published responses", "ResponsePage", [SLUG_PARAMETER, *PAGING], errors=("400", "404")
    ),
    "/api/v1/consultations/{slug}/summary": _get("Get the published summary", "Summary", [SLUG_PARAMETER]),
}


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kuulo open data API",
            "version": "1.0.0",
            "description": (
                "Read-only data of published consultations: the draft's paragraphs, visible "
                "comments, and the organizer's published responses and summary. Comments hidden "
                "by moderation and unpublished consultations are never included. Times are "
                "Europe/Helsinki with their UTC offset."
            ),
            "license": {"name": "Data: public documents; software: AGPL-3.0-or-later",
                        "identifier": "AGPL-3.0-or-later"},
        },
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
