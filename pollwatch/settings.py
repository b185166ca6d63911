"""Settings for pollwatch, read from the environment.

With no environment at all pollwatch runs embedded: SQLite in WAL mode in a
local data folder, a secret key generated once and kept beside it. Set
``DATABASE_URL`` (for example ``postgres://user@host/pollwatch``) for PostgreSQL.
Nothing is written when the settings are read: the data folder, the key, the
database file and the static folder are made when first used, so a command that
needs none of them (``pollwatch pvt estimate``) leaves its working folder alone.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.utils.functional import SimpleLazyObject

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("POLLWATCH_DATA_DIR", Path.cwd() / "data")).resolve()


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _embedded_secret_key() -> str:
    """A per-installation key, created on first use; never a shared default."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        # Written aside and linked into place: two processes starting at once agree on
        # one key, and neither ever reads a key half written.
        draft = DATA_DIR / f".secret_key.{os.getpid()}"
        draft.write_text(secrets.token_urlsafe(50))
        draft.chmod(0o600)
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("POLLWATCH_SECRET_KEY") or SimpleLazyObject(_embedded_secret_key)
DEBUG = _env_flag("POLLWATCH_DEBUG")
ALLOWED_HOSTS = os.environ.get("POLLWATCH_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [
    origin for origin in os.environ.get("POLLWATCH_CSRF_TRUSTED_ORIGINS", "").split(",") if origin
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_htmx",
    # Only for the Swagger UI files it ships, so the API docs load nothing from elsewhere.
    "ninja",
    "pollwatch.audit",
    "pollwatch.accounts",
    "pollwatch.registry",
    "pollwatch.missions",
    "pollwatch.forms",
    "pollwatch.intake",
    "pollwatch.deployment",
    "pollwatch.findings",
    "pollwatch.forensics",
    "pollwatch.briefing",
    "pollwatch.statements",
    "pollwatch.accreditation",
    "pollwatch.demo",
    # After pollwatch.intake, whose db_worker command (one that survives database
    # restarts) takes the place of the library's.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pollwatch.lib.static_files.StaticFilesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pollwatch.accounts.language.UserLanguageMiddleware",
    "pollwatch.accounts.language.PlainCataloguesMiddleware",
    "pollwatch.lib.bad_input.RefuseNulInQueryMiddleware",
    "pollwatch.accounts.middleware.LoginRequiredForPagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

# A submission to a machine endpoint (POST under /api/, /odk/, /hooks/) authenticates
# itself and is no page: it skips what only pages need (pollwatch/wsgi.py).
PAGE_ONLY_MIDDLEWARE = {
    "pollwatch.lib.static_files.StaticFilesMiddleware",
    "pollwatch.accounts.middleware.LoginRequiredForPagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
}
MACHINE_MIDDLEWARE = [name for name in MIDDLEWARE if name not in PAGE_ONLY_MIDDLEWARE]

ROOT_URLCONF = "pollwatch.urls"
WSGI_APPLICATION = "pollwatch.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "pollwatch.navigation.main_menu",
            ],
            "libraries": {"paging": "pollwatch.lib.paging"},
        },
    },
]


def _database_settings() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL")
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=60))
    return {
        # Django's SQLite backend, which also makes DATA_DIR when it first connects.
        "ENGINE": "pollwatch.lib.embedded_sqlite",
        "NAME": DATA_DIR / "pollwatch.sqlite3",
        "OPTIONS": {
            # WAL lets readers work while an import writes; IMMEDIATE avoids
            # lock-upgrade deadlocks between two writers.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# On PostgreSQL the application runs as a role that may only add to and read the
# audit trail; the owner of the tables migrates (docs/security.md, "Audit trail").
# ``pollwatch migrate`` connects with POLLWATCH_MIGRATE_DATABASE_URL when it is set,
# then grants the application role (DATABASE_URL's user, unless
# POLLWATCH_DB_APPLICATION_ROLE names another) what it may do.
POLLWATCH_MIGRATE_DATABASE_URL = os.environ.get("POLLWATCH_MIGRATE_DATABASE_URL", "")
POLLWATCH_DB_APPLICATION_ROLE = os.environ.get("POLLWATCH_DB_APPLICATION_ROLE") or (
    str(DATABASES["default"].get("USER") or "") if POLLWATCH_MIGRATE_DATABASE_URL else ""
)

# Background work (reports, analyses) runs from a queue kept in the database;
# ``pollwatch db_worker`` executes it. ``immediate`` runs it inside the request.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": TASK_BACKENDS[os.environ.get("POLLWATCH_TASKS", "database")]}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: five failures from one user name and address lock it for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("POLLWATCH_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_ENABLED = _env_flag("POLLWATCH_AXES_ENABLED", True)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_flag("POLLWATCH_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Maps draw uploaded area outlines and need no tile server. A deployment with
# internet may name one, e.g. https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png,
# with the attribution its terms ask for; its host is then allowed for images.
POLLWATCH_MAP_TILES = os.environ.get("POLLWATCH_MAP_TILES", "")
POLLWATCH_MAP_ATTRIBUTION = os.environ.get("POLLWATCH_MAP_ATTRIBUTION", "")


def _tile_origins(template: str) -> list[str]:
    if not template:
        return []
    parts = urlsplit(template.replace("{s}", "*"))
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", *_tile_origins(POLLWATCH_MAP_TILES)],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("tr", "Türkçe")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("POLLWATCH_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Made by the web application when it starts (pollwatch.lib.static_files).
STATIC_ROOT = DATA_DIR / "static"
# Serve files straight from the apps too, so a fresh checkout works before collectstatic.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The background worker finishes payloads a killed web worker left unread once they are
# this old, looking every POLLWATCH_INTAKE_RECOVERY_SECONDS; it waits at most
# POLLWATCH_WORKER_MAX_BACKOFF_SECONDS between attempts to reach a lost database.
POLLWATCH_INTAKE_STORED_GRACE_SECONDS = float(
    os.environ.get("POLLWATCH_INTAKE_STORED_GRACE_SECONDS", 300)
)
POLLWATCH_INTAKE_RECOVERY_SECONDS = float(os.environ.get("POLLWATCH_INTAKE_RECOVERY_SECONDS", 60))
# Concurrent requests of one worker process store their reports in one database call
# (one commit), at most this many reports a call; "0" stores each request on its own.
POLLWATCH_INTAKE_GATHER = os.environ.get("POLLWATCH_INTAKE_GATHER", "1") != "0"
POLLWATCH_INTAKE_GATHER_MOST = int(os.environ.get("POLLWATCH_INTAKE_GATHER_MOST", 500))
# A phone's sender is remembered this long between its reports, and checked again in the
# transaction storing each of them (pollwatch/missions/devices.py); "0" looks it up each time.
POLLWATCH_DEVICE_MEMORY_SECONDS = float(os.environ.get("POLLWATCH_DEVICE_MEMORY_SECONDS", 60))
POLLWATCH_WORKER_MAX_BACKOFF_SECONDS = float(
    os.environ.get("POLLWATCH_WORKER_MAX_BACKOFF_SECONDS", 30)
)
# Every imported file (stations, areas, members, results, samples) is read within
# these limits and refused with an error naming the one it passed; a zip or XLSX is
# refused from its directory, before anything is unpacked (docs/intake.md).
POLLWATCH_IMPORT_MAX_BYTES = int(os.environ.get("POLLWATCH_IMPORT_MAX_BYTES", 200 * 1024 * 1024))
POLLWATCH_IMPORT_MAX_ROWS = int(os.environ.get("POLLWATCH_IMPORT_MAX_ROWS", 2_000_000))
POLLWATCH_IMPORT_MAX_UNPACKED_BYTES = int(
    os.environ.get("POLLWATCH_IMPORT_MAX_UNPACKED_BYTES", 1024 * 1024 * 1024)
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
# Badges: a photo is at most this large; the QR code on a badge points to the public check
# page at POLLWATCH_SITE_URL (e.g. https://observe.example.org), or, when it is unset, at
# the address the badge page was opened under. A check page answers one address at most
# POLLWATCH_BADGE_CHECKS_PER_MINUTE times a minute.
POLLWATCH_BADGE_PHOTO_MAX_BYTES = int(
    os.environ.get("POLLWATCH_BADGE_PHOTO_MAX_BYTES", 2 * 1024 * 1024)
)
POLLWATCH_SITE_URL = os.environ.get("POLLWATCH_SITE_URL", "").rstrip("/")
POLLWATCH_BADGE_CHECKS_PER_MINUTE = int(os.environ.get("POLLWATCH_BADGE_CHECKS_PER_MINUTE", 120))

# Field channels. Gateway secrets are read from the environment where they are used
# (POLLWATCH_TWILIO_AUTH_TOKEN, POLLWATCH_SMS_GATEWAY_TOKEN, POLLWATCH_SMS_ANDROID_SIGNING_KEY,
# ...); an endpoint whose secret is unset refuses every request.
POLLWATCH_SMS_OUTBOUND = os.environ.get("POLLWATCH_SMS_OUTBOUND", "")
POLLWATCH_SMS_FAILURE_LIMIT = int(os.environ.get("POLLWATCH_SMS_FAILURE_LIMIT", "5"))
POLLWATCH_SMS_FAILURE_MINUTES = int(os.environ.get("POLLWATCH_SMS_FAILURE_MINUTES", "15"))
POLLWATCH_SMS_DUPLICATE_MINUTES = int(os.environ.get("POLLWATCH_SMS_DUPLICATE_MINUTES", "60"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("POLLWATCH_LOG_LEVEL", "WARNING")},
}
