"""One settings module, driven by environment variables.

The defaults run on SQLite with no setup when DJANGO_DEBUG=true (`make run`) or under pytest.
Production sets DJANGO_DEBUG=false, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL (see
docs/operations.md); without them these settings refuse to load (ImproperlyConfigured), so that
a command run without the environment file never works on a stray SQLite file or a known key.
"""

import os
import re
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from vietnam_provinces.codes import ProvinceCode

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


TESTING = "pytest" in sys.modules
DEBUG = env_bool("DJANGO_DEBUG", False)
# Refusals apply when DEBUG is off, except under pytest (the suite runs with DEBUG off on SQLite).
STRICT = not DEBUG and not TESTING
DEVELOPMENT_SECRET_KEY = "insecure-development-key-set-DJANGO_SECRET_KEY-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "").strip() or DEVELOPMENT_SECRET_KEY
if STRICT and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set (or is the development key written in config/settings.py) "
        "and DJANGO_DEBUG is off. Load the environment file (docs/operations.md) or set "
        "DJANGO_DEBUG=true for development."
    )
# Earlier keys, comma-separated, still accepted for sessions and signed links after a rotation.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", "")
# Key of the hashes stored in the database that must outlive a rotation of the secret key (the
# survey responses' client hashes, used for duplicate detection while a campaign is open).
# Unset: the secret key itself, which is what such hashes used before this setting existed.
CCHC_HASH_KEY = os.environ.get("CCHC_HASH_KEY", "").strip() or SECRET_KEY
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    # Before django_tasks_db: its `db_worker` command replaces the package's (heartbeat, retries).
    "cchc.core",
    "django_tasks_db",
    "axes",
    "ninja",
    "cchc.accounts",
    "cchc.orgunits",
    "cchc.plans",
    "cchc.surveys",
    "cchc.inspections",
    "cchc.dialogues",
    "cchc.procedures",
    "cchc.staffing",
    "cchc.services",
    "cchc.indices",
    "cchc.composites",
    "cchc.ratings",
    "cchc.reports",
    "cchc.api",
    "cchc.privacy",
    "cchc.demo",
]

MIDDLEWARE = [
    # First: /healthz answers local probes before the host check and the HTTPS redirect.
    "cchc.core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cchc.core.middleware.ErrorPagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cchc.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cchc.core.logs.RequestContextMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cchc.core.context_processors.navigation",
            ],
            "builtins": ["django.templatetags.i18n", "django.templatetags.static"],
        },
    }
]
FORM_RENDERER = "cchc.core.forms.FormRenderer"

# SQLite by default (WAL, busy timeout, immediate transactions); DATABASE_URL for PostgreSQL.
# With DEBUG off, one of DATABASE_URL or CCHC_SQLITE_PATH must be given: a command run without
# the environment file must fail, not quietly create and migrate var/cchc.sqlite3.
if STRICT and not os.environ.get("DATABASE_URL") and not os.environ.get("CCHC_SQLITE_PATH"):
    raise ImproperlyConfigured(
        "No database configured: set DATABASE_URL (PostgreSQL) or CCHC_SQLITE_PATH (SQLite) "
        "when DJANGO_DEBUG is off. Is the environment file loaded (docs/operations.md)?"
    )
SQLITE_PATH = os.environ.get("CCHC_SQLITE_PATH", str(BASE_DIR / "var" / "cchc.sqlite3"))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}", conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", 0))
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
# PostgreSQL: parameters bound by the server, and a query run five times on a connection is
# prepared: the server parses it once per connection, and plans it once where a generic plan
# serves every value (the scoped selects keep a plan per execution; decision 0034's addendum).
# The month-end rush: the database's CPU per request 3.7-4.1 ms -> 2.9-3.0 (decision 0034).
# A pooler in transaction mode in front (PgBouncer) needs max_prepared_statements (1.21 or
# later), or CCHC_PG_PREPARED_STATEMENTS=false.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "CCHC_PG_PREPARED_STATEMENTS", True
):
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "cchc.accounts.backends.UsernameOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock-out after repeated failures (django-axes): per username and client address.
AXES_FAILURE_LIMIT = int(os.environ.get("CCHC_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(os.environ.get("CCHC_LOGIN_COOLOFF_HOURS", 0.25))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# Failures count under the account's one spelling (case, spaces, e-mail: cchc.accounts.backends).
AXES_USERNAME_CALLABLE = "cchc.accounts.backends.lockout_username"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("CCHC_PROXY_COUNT", 0))

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGE_COOKIE_NAME = "cchc_language"

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("CCHC_STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise serves it once collectstatic ran
# Development and tests serve static files straight from the source folders. Production sets
# CCHC_STATIC_FROM_SOURCE=false and runs collectstatic: hashed, compressed, cached for a year.
WHITENOISE_USE_FINDERS = env_bool("CCHC_STATIC_FROM_SOURCE", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if WHITENOISE_USE_FINDERS
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("CCHC_MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The site's own Vietnamese page for a missing or stale CSRF token (cchc/core/errors.py).
CSRF_FAILURE_VIEW = "cchc.core.errors.csrf_failure"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("CCHC_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# E-mail through Django's mailers: SMTP when DJANGO_EMAIL_HOST is set, else the console, one line
# per e-mail (recipients and subject: cchc/core/mail.py).
if env_bool("DJANGO_EMAIL_USE_SSL", False) and env_bool("DJANGO_EMAIL_USE_TLS", False):
    raise ImproperlyConfigured("Set DJANGO_EMAIL_USE_SSL (465) or DJANGO_EMAIL_USE_TLS, not both.")
if os.environ.get("DJANGO_EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["DJANGO_EMAIL_HOST"],
                "port": int(os.environ.get("DJANGO_EMAIL_PORT", 587)),
                "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
                "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
                # 587 with STARTTLS by default; DJANGO_EMAIL_USE_SSL=true for implicit TLS (465).
                "use_tls": env_bool(
                    "DJANGO_EMAIL_USE_TLS", not env_bool("DJANGO_EMAIL_USE_SSL", False)
                ),
                "use_ssl": env_bool("DJANGO_EMAIL_USE_SSL", False),
                # Seconds before a silent mail server fails the job (which is then retried).
                "timeout": float(os.environ.get("DJANGO_EMAIL_TIMEOUT", 30)),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "cchc.core.mail.OneLineConsoleBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "cchc@localhost")

# Security: CSP everywhere; HTTPS settings switch on with DJANGO_HTTPS=true behind TLS.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
HTTPS = env_bool("DJANGO_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# One log format for gunicorn, the web processes and the worker (cchc/core/logs.py): ISO time
# with the UTC offset, request id, user id, unit. CCHC_LOG_FORMAT=json for log collectors.
CCHC_LOG_FORMAT = os.environ.get("CCHC_LOG_FORMAT", "plain").strip().lower()
if CCHC_LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"CCHC_LOG_FORMAT={CCHC_LOG_FORMAT!r}: use plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "cchc.core.logs.RequestContextFilter"}},
    "formatters": {
        "cchc": {
            "()": "cchc.core.logs.JsonFormatter"
            if CCHC_LOG_FORMAT == "json"
            else "cchc.core.logs.PlainFormatter"
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "cchc", "filters": ["context"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("CCHC_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Loggers that would otherwise get a handler of their own (the worker's, gunicorn's).
        **{
            name: {"handlers": ["console"], "level": "INFO", "propagate": False}
            for name in ("django_tasks_db", "django.tasks", "gunicorn.error", "gunicorn.access")
        },
    },
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# The province or centrally-run city this installation serves (code of vietnam-provinces).
CCHC_HOME_PROVINCE = os.environ.get("CCHC_HOME_PROVINCE", "01").strip()


def _check_home_province(code: str) -> None:
    """Refuse a code that is not one of the 34 provinces (from 01/07/2025): a wrong one leaves
    the letterhead reading a bare "ỦY BAN NHÂN DÂN" and the unit browser empty."""
    valid = {f"{member.value:02d}" for member in ProvinceCode}
    if not re.fullmatch(r"\d{2}", code) or code not in valid:
        raise ImproperlyConfigured(
            f"CCHC_HOME_PROVINCE={code!r} is not a province code: use two digits, one of "
            f"{', '.join(sorted(valid))} (01 = Hà Nội, 79 = Hồ Chí Minh)."
        )


_check_home_province(CCHC_HOME_PROVINCE)

# Uploaded evidence and documents: at most this size each (bytes); types in cchc/core/uploads.py.
CCHC_UPLOAD_MAX_BYTES = int(os.environ.get("CCHC_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Procedure review campaigns: a reviewer unit sees only its own units' reviews (findings,
# proposals, reasons) unless the city decides to share every review of a campaign with all of
# its reviewer units (docs/procedures.md).
CCHC_SHARE_CAMPAIGN_REVIEWS = env_bool("CCHC_SHARE_CAMPAIGN_REVIEWS", False)
# Reminders are sent this many days before a task's deadline (and on the day, and when overdue).
CCHC_REMINDER_DAYS = int(os.environ.get("CCHC_REMINDER_DAYS", 3))

# Public forms' rate limits per minute (cchc/core/throttle.py): per client and per surveyed unit
# for the satisfaction survey; per client and per conference for petitions, and per client for
# the petition lookup by code.
CCHC_SURVEY_RATE_PER_MINUTE = int(os.environ.get("CCHC_SURVEY_RATE_PER_MINUTE", 10))
CCHC_SURVEY_UNIT_RATE_PER_MINUTE = int(os.environ.get("CCHC_SURVEY_UNIT_RATE_PER_MINUTE", 300))
CCHC_PETITION_RATE_PER_MINUTE = int(os.environ.get("CCHC_PETITION_RATE_PER_MINUTE", 10))
CCHC_PETITION_CONFERENCE_RATE_PER_MINUTE = int(
    os.environ.get("CCHC_PETITION_CONFERENCE_RATE_PER_MINUTE", 300)
)
CCHC_PETITION_LOOKUP_RATE_PER_MINUTE = int(
    os.environ.get("CCHC_PETITION_LOOKUP_RATE_PER_MINUTE", 30)
)

# Background jobs (cchc/core/jobs.py): a failed job is retried after 1, 4, 16, 64 minutes
# (CCHC_JOB_RETRY_SECONDS × 4^(attempt-1)) until CCHC_JOB_MAX_ATTEMPTS attempts have failed,
# then left as a dead letter on /jobs/. The worker writes a heartbeat every
# CCHC_WORKER_HEARTBEAT_SECONDS; /healthz/full calls it stale after CCHC_WORKER_STALE_SECONDS and
# the queue stuck when its oldest ready job waited CCHC_QUEUE_STALE_SECONDS.
CCHC_JOB_MAX_ATTEMPTS = int(os.environ.get("CCHC_JOB_MAX_ATTEMPTS", 5))
CCHC_JOB_RETRY_SECONDS = float(os.environ.get("CCHC_JOB_RETRY_SECONDS", 60))
CCHC_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("CCHC_WORKER_HEARTBEAT_SECONDS", 30))
CCHC_WORKER_STALE_SECONDS = float(os.environ.get("CCHC_WORKER_STALE_SECONDS", 120))
CCHC_QUEUE_STALE_SECONDS = float(os.environ.get("CCHC_QUEUE_STALE_SECONDS", 600))
# A monitor elsewhere may read /healthz/full with "Authorization: Bearer <token>"; without a
# token only direct local probes (127.0.0.1/::1, not through the proxy) may.
CCHC_HEALTH_TOKEN = os.environ.get("CCHC_HEALTH_TOKEN", "")
# Personal data (Law 91/2025/QH15): how long each kind of record keeps the citizen's personal
# data (days) before the daily `erase_expired` anonymises it; the time limit of a data-subject
# request (days). docs/domain/personal-data.md explains each kind and its starting point.
CCHC_RETENTION_DAYS = {
    # A petitioner's name, contact and attachments: counted from the petition's closing.
    "petition": int(os.environ.get("CCHC_RETENTION_PETITION_DAYS", 365)),
    # A survey respondent's contact and free-text answers: from the end of the campaign's period.
    "survey_response": int(os.environ.get("CCHC_RETENTION_SURVEY_RESPONSE_DAYS", 365)),
    # A paper data-subject request's requester name and contact: from its answer.
    "data_request": int(os.environ.get("CCHC_RETENTION_DATA_REQUEST_DAYS", 365)),
}
# The retention job erases each kind in batches (id ranges this wide, so at most this many
# records), each committed in its own transaction with its audit event (short locks; a run cut
# short resumes where it stopped).
CCHC_RETENTION_BATCH = int(os.environ.get("CCHC_RETENTION_BATCH", 20_000))
CCHC_PRIVACY_REQUEST_DAYS = int(os.environ.get("CCHC_PRIVACY_REQUEST_DAYS", 15))
CCHC_PRIVACY_REMIND_DAYS = int(os.environ.get("CCHC_PRIVACY_REMIND_DAYS", 3))
# One-time codes a citizen asks for on the public "my data" page, sent to the contact on record
# of their petition or survey response: valid this many minutes, burnt after this many wrong
# tries; at most this many sent per minute per client (and per record).
CCHC_PRIVACY_CODE_MINUTES = int(os.environ.get("CCHC_PRIVACY_CODE_MINUTES", 10))
CCHC_PRIVACY_CODE_ATTEMPTS = int(os.environ.get("CCHC_PRIVACY_CODE_ATTEMPTS", 5))
CCHC_PRIVACY_CODE_RATE_PER_MINUTE = int(os.environ.get("CCHC_PRIVACY_CODE_RATE_PER_MINUTE", 3))
# How a one-time code reaches a phone number: the dotted path of a function
# (phone: str, text: str) -> None. The default only writes the message to the log (development):
# an operator must plug in their SMS gateway's sender (docs/operations.md, "Text messages").
CCHC_SMS_SENDER = os.environ.get("CCHC_SMS_SENDER", "cchc.privacy.sms.log_sender")
