"""Application factory: the table of contents of Kuulo."""
from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import INSTANCE_DIR, config_from_env


def create_app(config=None) -> Flask:
    app = Flask(__name__, template_folder="../templates", instance_path=str(INSTANCE_DIR))
    app.config.from_object(config or config_from_env())
    register_proxy(app)
    register_extensions(app)
    register_input_guard(app)
    register_blueprints(app)
    register_templates(app)
    register_shown_from_above()
    register_personal_data()
    register_cli(app)
    register_search(app)
    register_hooks(app)
    return app


def register_proxy(app: Flask) -> None:
    """The client's address and scheme from the TRUSTED_PROXIES proxies in front: the last
    that many X-Forwarded-For / -Proto values, which they appended themselves. The Host
    header is the proxy's to pass on (X-Forwarded-Host is not read: it builds mailed links)."""
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies < 0:
        raise ValueError("TRUSTED_PROXIES must be 0 or more")
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def register_extensions(app: Flask) -> None:
    from app import db_setup, i18n
    from app.auth.session import init_login
    from app.extensions import csrf, db, limiter, migrate

    db_setup.configure(app)
    db.init_app(app)
    db_setup.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    init_login(app)


def register_input_guard(app: Flask) -> None:
    from app import input_guard

    input_guard.init_app(app)


def register_blueprints(app: Flask) -> None:
    from app.account.data_views import bp as account_data_bp
    from app.account.views import bp as account_bp
    from app.admin import bp as admin_bp
    from app.auth.views import bp as auth_bp
    from app.joining.views import bp as joining_bp
    from app.pages import bp as pages_bp
    from comments.moderation.views import bp as moderation_bp
    from comments.moderation.report_views import bp as reports_bp
    from comments.views import bp as comments_bp
    from consultations.following.views import bp as following_bp
    from consultations.manage import bp as manage_bp
    from consultations.version_views import bp as versions_bp
    from consultations.views import bp as consultations_bp

    for blueprint in (pages_bp, auth_bp, account_bp, account_data_bp, joining_bp, admin_bp, consultations_bp, comments_bp, reports_bp, moderation_bp, manage_bp, versions_bp, following_bp):
        app.register_blueprint(blueprint)

    # Responses, summary, exports, open data API and attachments (issue 8).
    from comments import feeds as comment_feeds
    from comments import my_comments
    from comments.opendata import api, exports
    from comments.responses import summary_views
    from comments.responses import views as response_views
    from consultations import attachments
    from consultations import feeds as consultation_feeds
    from consultations import original_files

    for module in (response_views, summary_views, exports, api, attachments, my_comments, consultation_feeds, comment_feeds,
                   original_files):
        app.register_blueprint(module.bp)

    # The officials' dashboard, creating and editing consultations (issue 16).
    from comments import dashboard_counts as answers_count
    from comments.moderation import dashboard_counts as reports_count
    from comments.responses import dashboard_counts as responses_count
    from consultations.authoring import editing, invitation_views, invitations, preview, views

    for module in (views, editing, preview, invitation_views):
        app.register_blueprint(module.bp)
    for counts in (answers_count, reports_count, responses_count):
        counts.register(app)
    invitations.register(app)

    # The comment counts of the public lists' cards (issue 15 §9).
    from comments import list_counts

    list_counts.register(app)


def register_templates(app: Flask) -> None:
    """Every template helper (app/template_helpers.py), and the sections each package adds
    to a consultation's management page (app/manage_sections.py)."""
    from app import template_helpers
    from comments.responses import views as response_views
    from consultations import attachments, manage
    from consultations.authoring import editing

    template_helpers.init_app(app)
    for module in (editing, manage, attachments, response_views):
        module.register_manage_section()


def register_shown_from_above() -> None:
    """What a lower room shows of a higher one, handed down at start-up so that no room
    imports upward (tests/test_layout.py): the published responses under comments."""
    from comments.answers import register_answers
    from comments.responses.official import published_responses

    register_answers(published_responses)


def register_personal_data() -> None:
    """Each package's part of the GDPR export and erasure (app/personal_data.py)."""
    from app.account import personal_data as account_data  # noqa: F401
    from comments.moderation import personal_data as comment_data  # noqa: F401
    from consultations.following import personal_data as follow_data  # noqa: F401


def register_cli(app: Flask) -> None:
    from app.cli import register as register_app_cli
    from app.outbox import register as register_outbox_cli
    from comments.responses.demo import register as register_demo_cli
    from consultations.cli import register as register_consultation_cli

    register_app_cli(app)
    register_outbox_cli(app)
    register_consultation_cli(app)
    register_demo_cli(app)


def register_search(app: Flask) -> None:
    import search

    search.init_app(app)


def register_hooks(app: Flask) -> None:
    from app import errors, security

    security.init_app(app)
    errors.init_app(app)
