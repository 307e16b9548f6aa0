"""Configuration classes, filled from environment variables."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'kuulo.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "5000"))

    # werkzeug's scrypt defaults (n=2**15, r=8, p=1).
    PASSWORD_HASH_METHOD = "scrypt:32768:8:1"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # token lives as long as the session

    BABEL_DEFAULT_LOCALE = "fi"
    BABEL_DEFAULT_TIMEZONE = "Europe/Helsinki"
    LANGUAGES = ("fi", "sv", "en")

    # How many reverse proxies stand in front (README, Production). Their X-Forwarded-For
    # and X-Forwarded-Proto give the client address and scheme that login throttling, rate
    # limits and report keys use; with 0 these headers are never believed (they are forgeable).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    # The last minute, strictly: a fixed window lets twice the limit through across its edge.
    RATELIMIT_STRATEGY = "moving-window"
    # Redis down: count in this process's memory until it is back, rather than answer 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True

    # Failed logins within LOGIN_WINDOW_MINUTES before the account / IP is throttled.
    LOGIN_MAX_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_MAX_FAILURES_PER_ACCOUNT", "5"))
    LOGIN_MAX_FAILURES_PER_IP = int(os.environ.get("LOGIN_MAX_FAILURES_PER_IP", "20"))
    LOGIN_WINDOW_MINUTES = int(os.environ.get("LOGIN_WINDOW_MINUTES", "15"))

    REPORT_AUTO_HIDE_THRESHOLD = int(os.environ.get("REPORT_AUTO_HIDE_THRESHOLD", "3"))
    REPORT_DETAILS_MAX_LENGTH = 1000

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", True)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "kuulo@localhost")

    # Search: "whoosh" (index in SEARCH_INDEX_DIR, default instance/search) or "postgres".
    SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "whoosh")
    SEARCH_INDEX_DIR = os.environ.get("SEARCH_INDEX_DIR", "")
    SEARCH_RATE_LIMIT = os.environ.get("SEARCH_RATE_LIMIT", "60 per minute")
    # After a commit a request waits at most this long for the index's write lock; what it
    # could not write stays in the search outbox and is retried by this process's next
    # request after SEARCH_RETRY_SECONDS (and by every later commit, and `flask search sync`).
    SEARCH_INDEX_WAIT_SECONDS = float(os.environ.get("SEARCH_INDEX_WAIT_SECONDS", "1.0"))
    SEARCH_RETRY_SECONDS = float(os.environ.get("SEARCH_RETRY_SECONDS", "5"))

    # How long the emailed link that finishes a registration stays valid.
    # Invited organizations are reminded this many days before a consultation closes.
    INVITATION_REMINDER_DAYS = int(os.environ.get("INVITATION_REMINDER_DAYS", "3"))
    REGISTRATION_LINK_HOURS = int(os.environ.get("REGISTRATION_LINK_HOURS", "48"))
    # A password reset link works once and this long; an email change link this long.
    PASSWORD_RESET_MINUTES = int(os.environ.get("PASSWORD_RESET_MINUTES", "60"))
    EMAIL_CHANGE_LINK_HOURS = int(os.environ.get("EMAIL_CHANGE_LINK_HOURS", "24"))
    # Followers' notices (consultations/following): a daily digest at most every this many
    # hours, a reminder this many days before closing, unsubscribe links valid this long.
    # Mails built by `flask outbox send` link to PUBLIC_URL (no request to take it from).
    DIGEST_INTERVAL_HOURS = int(os.environ.get("DIGEST_INTERVAL_HOURS", "24"))
    FOLLOW_REMINDER_DAYS = int(os.environ.get("FOLLOW_REMINDER_DAYS", "3"))
    UNSUBSCRIBE_LINK_DAYS = int(os.environ.get("UNSUBSCRIBE_LINK_DAYS", "365"))
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://localhost:5000")
    COMMENT_MAX_LENGTH = int(os.environ.get("COMMENT_MAX_LENGTH", "10000"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(16 * 1024 * 1024)))
    # Attachments: at most this many bytes each; stored in ATTACHMENT_DIR (default
    # instance/attachments). A name claiming another allowed type than the content gets the
    # right extension ("rename") or is refused ("refuse").
    ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
    ATTACHMENT_DIR = os.environ.get("ATTACHMENT_DIR", "")
    ATTACHMENT_TYPE_MISMATCH = os.environ.get("ATTACHMENT_TYPE_MISMATCH", "rename")
    # A DOCX draft is refused before parsing when its members together would inflate to
    # more than this, or one member of over 1 MiB compresses better than this ratio.
    DOCX_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("DOCX_MAX_UNCOMPRESSED_BYTES", str(50 * 1024 * 1024)))
    DOCX_MAX_COMPRESSION_RATIO = int(os.environ.get("DOCX_MAX_COMPRESSION_RATIO", "100"))
    # Rendered summary pages and exports, per process: at most this many bytes, and
    # rebuilt at the latest after this many seconds (see comments/responses/render_cache.py).
    RENDER_CACHE_MAX_BYTES = int(os.environ.get("RENDER_CACHE_MAX_BYTES", str(64 * 1024 * 1024)))
    RENDER_CACHE_SECONDS = int(os.environ.get("RENDER_CACHE_SECONDS", "600"))
    # The summary page's response table, this many comments a page: a page's weight does
    # not grow with the consultation (the exports hold every row).
    SUMMARY_PAGE_ROWS = int(os.environ.get("SUMMARY_PAGE_ROWS", "200"))
    # How long a shared cache may keep a reader's page of a closed consultation (issue 15 §5).
    PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", "60"))


class DevelopmentConfig(Config):
    DEBUG = False


class TestConfig(Config):
    TESTING = True
    # Still scrypt, with a lower cost so the suite stays fast.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    RATELIMIT_ENABLED = False
    WTF_CSRF_ENABLED = True
    SEARCH_INDEX_DIR = os.environ.get("TEST_SEARCH_INDEX_DIR", ":memory:")  # never instance/


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

    def __init__(self) -> None:
        secret = os.environ.get("SECRET_KEY")
        if not secret:
            raise RuntimeError("SECRET_KEY must be set in production")
        self.SECRET_KEY = secret
        # Every link in a mail points here; the default (localhost) would send readers nowhere.
        if not os.environ.get("PUBLIC_URL"):
            raise RuntimeError("PUBLIC_URL must be set in production (the links in mails point to it)")


def config_from_env():
    name = os.environ.get("KUULO_ENV", "development").lower()
    if name == "production":
        return ProductionConfig()
    if name == "test":
        return TestConfig()
    return DevelopmentConfig()
