"""Built-in configuration defaults; see create_app for the override order."""

from datetime import timedelta


class Defaults:
    """Defaults that instance/config.py, VOTING_* variables and test_config override."""

    # None means: SQLite file in the instance folder (create_app fills it in).
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLITE_BUSY_TIMEOUT_MS = 15_000

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Most 居委会 LANs serve plain HTTP; set VOTING_SESSION_COOKIE_SECURE=true behind HTTPS.
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_HTTPONLY = True

    # A staff page stays open for a whole meeting day: tokens live as long as the session.
    WTF_CSRF_TIME_LIMIT = None

    MAX_CONTENT_LENGTH = 20 * 1024 * 1024  # a 10,000-household .xlsx is ~1 MB

    LOGIN_MAX_FAILURES_PER_USER = 5
    LOGIN_MAX_FAILURES_PER_IP = 20
    LOGIN_FAILURE_WINDOW = timedelta(minutes=15)

    DISPLAY_TIMEZONE = "Asia/Shanghai"
    HOUSEHOLDS_PER_PAGE = 50
