"""Configuration classes; every setting can be overridden by an LMS_* environment variable.

Development is the default (embedded SQLite under instance/). Production refuses to start
without LMS_SECRET_KEY, LMS_DATABASE_URL and LMS_PUBLIC_BASE_URL, because a generated key or a
forgotten database URL would silently log everyone out or write data to a throwaway file, and
without a public base the QR codes printed on certificates would name whatever address the
registrar happened to use (http://127.0.0.1:… when printing on the server itself).
"""
from __future__ import annotations

import os
import secrets
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("LMS_INSTANCE_DIR", PROJECT_ROOT / "instance"))


class ConfigurationError(RuntimeError):
    """Raised at start-up when a required setting is missing."""


def _local_secret_key() -> str:
    """A per-checkout secret for development, created once and kept in instance/."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


class Base:
    ENV_NAME = "base"
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # Where photos, scans, generated PDFs and the certificate signing key live (never the DB).
    DATA_DIR = str(INSTANCE_DIR / "data")
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024          # hard cap on any request body
    IMPORT_MAX_BYTES = 20 * 1024 * 1024            # spreadsheets
    # Rows an import may have (web and `flask lms import` alike): a county roster with room. A file
    # past it is refused before it is read, so one upload cannot fill a worker's memory.
    IMPORT_MAX_ROWS = 200_000
    PHOTO_MAX_BYTES = 2 * 1024 * 1024
    EVIDENCE_MAX_BYTES = 5 * 1024 * 1024           # scans of certificates for 免修/免考 applications
    # Sessions: a teacher's phone in a village hall may be shared; keep sessions short-lived.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "lms_session"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BOOTSTRAP_SERVE_LOCAL = True
    # Attendance without signal (issue 15): how long a phone keeps the teacher's classes, learners and sheets
    # after its last refresh; it warns two days before. Unsent sheets stay until they are sent.
    OFFLINE_KEEP_DAYS = 14
    # Certificate printing (issue 17): processes that render a print job's chunks; None = one per usable core.
    RENDER_PROCESSES = None
    # Login throttling (lms.auth.throttle), per account, never per address: this many failures on one
    # account from one address make that address wait 1 minute before trying it again, doubling with
    # each further failure up to the window; twice as many from all addresses together slow every
    # address the same way. Failures are forgotten once a window passes, after the wait, without one.
    LOGIN_MAX_FAILURES = 5
    LOGIN_FAILURE_WINDOW_MINUTES = 15
    # Keyed hash of ID numbers for look-ups; defaults to a key derived from SECRET_KEY.
    ID_HASH_KEY: str | None = None
    # Background jobs (huey): "sqlite" keeps the queue in DATA_DIR; "redis://host:6379/0" for several machines.
    QUEUE_URL = "sqlite"
    QUEUE_IMMEDIATE = False          # run background tasks inline (tests)
    RENDER_CHUNK_SIZE = 100          # certificates per PDF chunk of a batch print job (progress + resume unit)
    VERIFY_RATE_LIMIT = "30 per minute"   # public verification pages, per client address
    # 我的学习 (the learner's own page behind the 学员证 QR code): requests per client address (a phone
    # network puts many phones behind one address, so this only stops floods), wrong birth dates per card
    # before the card locks, how long it locks, and how long a right birth date keeps the page open.
    MY_LEARNING_RATE_LIMIT = "30 per minute"
    MY_LEARNING_MAX_FAILURES = 5
    MY_LEARNING_LOCK_MINUTES = 30
    MY_LEARNING_SESSION_MINUTES = 15
    API_RATE_LIMIT = "120 per minute"     # the JSON API (/api/v1), per API key
    # The OpenAPI document of /api/v1, generated from the code by flask-smorest (lms/api/spec.py).
    API_TITLE = "双提升学员管理系统接口"
    API_VERSION = "1"
    OPENAPI_VERSION = "3.1.0"
    # Reverse proxies in front of the app (nginx: 1). Their X-Forwarded-For then gives the client's
    # address, which rate limits and the audit log need; 0 trusts no such header.
    TRUSTED_PROXIES = 0
    # Rate-limit counters: "sqlite" keeps them in DATA_DIR/ratelimits.sqlite3, shared by every worker process
    # of the machine (memory:// would count per process); "redis://host:6379/1" for several machines.
    RATELIMIT_STORAGE_URI = "sqlite"
    RATELIMIT_HEADERS_ENABLED = True
    # Public base URL printed in QR codes (e.g. https://lms.example.gov.cn); required in production. Elsewhere
    # it defaults to the request's host, and the print pages warn when that is this machine or a private network.
    PUBLIC_BASE_URL: str | None = None
    SQL_ECHO = False
    # A fixed "today" (YYYY-MM-DD) for trying the system as on another day; never in production.
    TODAY: date | None = None


class Development(Base):
    ENV_NAME = "development"


class Testing(Base):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    LOGIN_MAX_FAILURES = 5
    RATELIMIT_ENABLED = True
    QUEUE_IMMEDIATE = True
    SERVER_NAME = None
    # Fast password hashing in tests only; production keeps werkzeug's scrypt default.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    # A write that changes what the dashboard's summaries count without declaring it fails (lms.summaries).
    SUMMARIES_GUARD = True


class Production(Base):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {"development": Development, "testing": Testing, "production": Production}

# Environment variables that override class attributes (LMS_<NAME>), with their parsers.
_OVERRIDES = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "DATA_DIR": str,
    "IMPORT_MAX_BYTES": int,
    "IMPORT_MAX_ROWS": int,
    "PHOTO_MAX_BYTES": int,
    "EVIDENCE_MAX_BYTES": int,
    "MAX_CONTENT_LENGTH": int,
    "LOGIN_MAX_FAILURES": int,
    "LOGIN_FAILURE_WINDOW_MINUTES": int,
    "ID_HASH_KEY": str,
    "QUEUE_URL": str,
    "RATELIMIT_STORAGE_URI": str,
    "PUBLIC_BASE_URL": str,
    "VERIFY_RATE_LIMIT": str,
    "MY_LEARNING_RATE_LIMIT": str,
    "MY_LEARNING_MAX_FAILURES": int,
    "MY_LEARNING_LOCK_MINUTES": int,
    "MY_LEARNING_SESSION_MINUTES": int,
    "API_RATE_LIMIT": str,
    "TRUSTED_PROXIES": int,
    "OFFLINE_KEEP_DAYS": int,
    "RENDER_PROCESSES": int,
    "SESSION_COOKIE_SECURE": lambda v: v.lower() in {"1", "true", "yes", "on"},
    "SQL_ECHO": lambda v: v.lower() in {"1", "true", "yes", "on"},
    "TODAY": date.fromisoformat,
}


def load_config(name: str | None = None, overrides: dict | None = None) -> dict:
    """Build the settings dict for config class `name` (or LMS_ENV), applying LMS_* variables.

    Raises ConfigurationError in production when the secret key, the database URL or the public base URL
    is missing, or the public base URL is not an http(s) address.
    """
    name = (name or os.environ.get("LMS_ENV") or "development").lower()
    if name not in CONFIGS:
        raise ConfigurationError(f"LMS_ENV={name!r} is not one of {sorted(CONFIGS)}")
    cls = CONFIGS[name]
    settings = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
    for key, parse in _OVERRIDES.items():
        raw = os.environ.get(f"LMS_{key}")
        if raw is not None and raw != "":
            target = "SQLALCHEMY_DATABASE_URI" if key == "DATABASE_URL" else key
            settings[target] = parse(raw)
    settings.update(overrides or {})
    if name == "production":
        missing = [var for var, key in (("LMS_SECRET_KEY", "SECRET_KEY"),
                                        ("LMS_DATABASE_URL", "SQLALCHEMY_DATABASE_URI"),
                                        ("LMS_PUBLIC_BASE_URL", "PUBLIC_BASE_URL"))
                   if not settings.get(key)]
        if missing:
            raise ConfigurationError("Production refuses to start without " + " and ".join(missing))
        base = urlsplit(settings["PUBLIC_BASE_URL"])
        if base.scheme not in ("http", "https") or not base.hostname or " " in settings["PUBLIC_BASE_URL"]:
            raise ConfigurationError("LMS_PUBLIC_BASE_URL must be a web address such as https://lms.example.gov.cn "
                                     f"(it is printed in every certificate's QR code), not {settings['PUBLIC_BASE_URL']!r}")
        if settings.get("TODAY"):
            raise ConfigurationError("LMS_TODAY fixes the date for trials and tests; production reads the calendar")
    if not settings.get("SECRET_KEY"):
        settings["SECRET_KEY"] = _local_secret_key()
    if not settings.get("SQLALCHEMY_DATABASE_URI"):
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        settings["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{INSTANCE_DIR / 'lms.sqlite3'}"
    return settings
