"""Error pages: translated, with a request id, never a stack trace."""
from __future__ import annotations

from flask import Flask, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You do not have permission to do that."),
    404: _l("The page was not found."),
    405: _l("That action is not allowed here."),
    413: _l("The file or text is too large."),
    422: _l("The request contained something that cannot be processed. Check what you entered and try again."),
    429: _l("Too many requests. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. The error has been logged."),
}


def _render(code: int, message=None):
    # A status without words of its own gets its class's: a 4xx is the request's fault.
    text = message or MESSAGES.get(code) or MESSAGES[400 if code < 500 else 500]
    return render_template("errors/error.html", code=code, message=text), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error):
        app.logger.info("CSRF check failed [request %s]: %s", g.get("request_id", "-"), error.description)
        return _render(400, _l("The form had expired or was not sent from this site. Please try again."))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        code = error.code or 500
        body, status = _render(code if code in MESSAGES or 400 <= code < 600 else 500)
        # Keep what the error says besides its body: Allow on 405 (RFC 9110), Retry-After.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return body, status, headers

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return _http(error)
        app.logger.exception(
            "Unhandled error [request %s] %s %s", g.get("request_id", "-"), request.method, request.path
        )
        from app.extensions import db

        db.session.rollback()
        return _render(InternalServerError.code)
