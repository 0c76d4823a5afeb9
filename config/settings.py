"""One settings module, driven by environment variables.

The defaults run on SQLite with no setup. Production sets DJANGO_DEBUG=false, DJANGO_SECRET_KEY,
DJANGO_ALLOWED_HOSTS and DATABASE_URL (see docs/operations.md).
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

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
SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "insecure-development-key-set-DJANGO_SECRET_KEY-in-production"
)
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
    "django_tasks_db",
    "axes",
    "ninja",
    "cchc.core",
    "cchc.accounts",
    "cchc.orgunits",
    "cchc.plans",
    "cchc.surveys",
    "cchc.inspections",
    "cchc.dialogues",
    "cchc.procedures",
    "cchc.staffing",
    "cchc.indices",
    "cchc.ratings",
    "cchc.reports",
    "cchc.api",
    "cchc.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cchc.core.middleware.ErrorPagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cchc.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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

# E-mail through Django's mailers: the console by default, SMTP when DJANGO_EMAIL_HOST is set.
if os.environ.get("DJANGO_EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["DJANGO_EMAIL_HOST"],
                "port": int(os.environ.get("DJANGO_EMAIL_PORT", 587)),
                "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
                "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CCHC_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# The province or centrally-run city this installation serves (code of vietnam-provinces).
CCHC_HOME_PROVINCE = os.environ.get("CCHC_HOME_PROVINCE", "01")

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
