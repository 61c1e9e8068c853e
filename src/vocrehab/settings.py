"""vocrehab settings, read from the environment only (see .env.example)."""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
# var/ beside the checkout for a development install; VOCREHAB_VAR_DIR in production.
VAR_DIR = Path(os.environ.get("VOCREHAB_VAR_DIR", Path.cwd() / "var"))

DEBUG = env_bool("VOCREHAB_DEBUG", False)
DEMO_MODE = env_bool("VOCREHAB_DEMO", False)
if DEMO_MODE and not DEBUG and not env_bool("VOCREHAB_ALLOW_DEMO_WITHOUT_DEBUG", False):
    raise ImproperlyConfigured(
        "VOCREHAB_DEMO is set but VOCREHAB_DEBUG is off: demonstration mode lets users skip "
        "two-factor enrolment and must never run in production."
    )

SECRET_KEY = os.environ.get("VOCREHAB_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-set-VOCREHAB_SECRET_KEY-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("Set VOCREHAB_SECRET_KEY (50+ random characters).")

ALLOWED_HOSTS = env_list("VOCREHAB_ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("VOCREHAB_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's own widget templates for templates that include them by name (the admin's
    # password widget includes django/forms/widgets/attrs.html): without it a staff
    # user's admin page cannot be shown.
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "auditlog",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks.backends.database",
    "rest_framework",
    "drf_spectacular",
    "vocrehab",
    "vocrehab.accounts",
    "vocrehab.audit",
    "vocrehab.clients",
    "vocrehab.episodes",
    "vocrehab.casework",
    "vocrehab.measures",
    "vocrehab.referrals",
    "vocrehab.directory",
    "vocrehab.reports",
    "vocrehab.economics",
    "vocrehab.interchange",
    "vocrehab.retention",
    "vocrehab.api",
    "vocrehab.fhir",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's, answering "service is busy" when the session cannot be saved.
    "vocrehab.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "vocrehab.accounts.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "vocrehab.accounts.middleware.RequireMFAMiddleware",
    "vocrehab.accounts.middleware.CurrentServiceMiddleware",
    "vocrehab.accounts.middleware.AccessPolicyMiddleware",
    "vocrehab.audit.middleware.NoStoreMiddleware",
    "vocrehab.audit.middleware.TokenRequestLogMiddleware",
    # Last, so that it sees a view's exception first: a transient database error (a
    # lock held too long, a serialization failure) answers 503 "service is busy".
    "vocrehab.middleware.TransientDatabaseErrorMiddleware",
]

ROOT_URLCONF = "vocrehab.urls"
WSGI_APPLICATION = "vocrehab.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vocrehab.accounts.context_processors.shell",
            ],
        },
    }
]
FORM_RENDERER = "vocrehab.forms_rendering.NHSUKFormRenderer"

if not os.environ.get("DATABASE_URL"):
    # The zero-set-up default: SQLite in var/, created on first use.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'vocrehab.sqlite3'}",
        conn_max_age=int(os.environ.get("VOCREHAB_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# SQLite: one file shared by the web server, the worker and commands (imports). These
# make every writer wait its turn instead of failing with "database is locked"; see
# "SQLite, and when to move to PostgreSQL" in docs/administration.md. Reads stay
# concurrent: in WAL mode readers never wait for the writer, nor it for them.
SQLITE_PRAGMAS = (
    # Readers and the one writer do not block each other.
    "journal_mode=WAL",
    # Safe with WAL: a power cut may lose the last commits, never corrupt the file.
    "synchronous=NORMAL",
    # After a checkpoint the write-ahead log is cut back to 64 MiB instead of keeping
    # the largest size it ever reached (after an import, say).
    "journal_size_limit=67108864",
)
SQLITE_OPTIONS = {
    # A transaction takes the write lock when it begins (BEGIN IMMEDIATE), waiting for
    # it up to `timeout`. Django's default (DEFERRED) lets a transaction that has read
    # fail at once when it comes to write while another connection writes: SQLite
    # cannot wait there without risking a deadlock, so the busy timeout does not help.
    "transaction_mode": "IMMEDIATE",
    # Seconds to wait for the write lock (SQLite's busy timeout) before giving up.
    "timeout": int(os.environ.get("VOCREHAB_SQLITE_TIMEOUT", "20")),
    "init_command": "; ".join(f"PRAGMA {pragma}" for pragma in SQLITE_PRAGMAS),
}
# SQLite: the page cache (MiB) of the connection that runs a VRMDS import, for the
# import only (the default is 2 MiB). A large import keeps the pages it writes in memory
# until it commits instead of writing them out and reading them back as the indexes grow.
SQLITE_IMPORT_CACHE_MIB = int(os.environ.get("VOCREHAB_SQLITE_IMPORT_CACHE_MIB", "256"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
# How many web server processes share the database (gunicorn reads WEB_CONCURRENCY
# too). The deployment checks warn about SQLite with more than one, and about SQLite
# in production unless a small service has accepted its limits.
WEB_PROCESSES = int(
    os.environ.get("VOCREHAB_WEB_PROCESSES") or os.environ.get("WEB_CONCURRENCY") or "1"
)
SQLITE_ACCEPTED = env_bool("VOCREHAB_ACCEPT_SQLITE", False)
# How many database connections one evaluation report reads with at once (its queries
# side by side over one snapshot; reports/snapshot.py): one per core, at most four, so
# a report on a small server does not take every connection. 1 reads with one.
REPORT_WORKERS = int(
    os.environ.get("VOCREHAB_REPORT_WORKERS") or min(4, len(os.sched_getaffinity(0)))
)
# Rows loaded from a dump (`vocrehab loaddata`, moving to PostgreSQL) are not changes
# made by anyone: their change history is loaded with them, not written again.
AUDITLOG_DISABLE_ON_RAW_SAVE = True
# A shared cache is needed with more than one web process: single-use TOTP codes and
# rate limits are tracked there.
if os.environ.get("VOCREHAB_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["VOCREHAB_REDIS_URL"],
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email login, no self sign-up, no account enumeration.
ACCOUNT_ADAPTER = "vocrehab.accounts.adapters.StaffAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_PREVENT_ENUMERATION = "strict"
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# Staff prove themselves again with their password or authenticator, never with a code
# sent to their email (which would make the mailbox a way around the second factor).
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Per-account lockout is django-axes' job (below); allauth keeps a per-address throttle
# against password spraying across many accounts.
ACCOUNT_RATE_LIMITS = {"login_failed": "30/m/ip"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("VOCREHAB_MFA_ISSUER", "vocrehab")
MFA_RECOVERY_CODE_COUNT = 10

# django-axes: lock a user name from one address after repeated failures, for a while
# (locking for ever would let anyone lock a colleague out).
AXES_FAILURE_LIMIT = int(os.environ.get("VOCREHAB_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("VOCREHAB_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "vocrehab.accounts.lockout.login_name"
AXES_LOCKOUT_TEMPLATE = "account/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Failures during a lockout do not extend it (that too would let others lock a user out).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Sessions: idle timeout (renewed on every request) and an absolute limit.
SESSION_COOKIE_AGE = int(os.environ.get("VOCREHAB_SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("VOCREHAB_SESSION_ABSOLUTE_HOURS", "10")) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "vocrehab.views.csrf_failure"

SECURE_PRODUCTION = not DEBUG
SESSION_COOKIE_SECURE = SECURE_PRODUCTION
CSRF_COOKIE_SECURE = SECURE_PRODUCTION
SECURE_SSL_REDIRECT = SECURE_PRODUCTION and env_bool("VOCREHAB_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000 if SECURE_PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_PRODUCTION
SECURE_HSTS_PRELOAD = SECURE_PRODUCTION
if env_bool("VOCREHAB_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Email: console in development; SMTP or GOV.UK Notify in production.
EMAIL_BACKEND = os.environ.get(
    "VOCREHAB_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("VOCREHAB_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("VOCREHAB_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("VOCREHAB_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("VOCREHAB_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("VOCREHAB_EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("VOCREHAB_DEFAULT_FROM_EMAIL", "vocrehab <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
NOTIFY_API_KEY = os.environ.get("VOCREHAB_NOTIFY_API_KEY", "")

# Days a finished FHIR bulk export's files are kept for download before the worker
# removes them (the manifest's Expires header says when).
FHIR_EXPORT_KEEP_DAYS = int(os.environ.get("VOCREHAB_FHIR_EXPORT_KEEP_DAYS", "7"))

TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "VOCREHAB_TASKS_BACKEND", "django_tasks.backends.database.DatabaseBackend"
        )
    }
}

REST_FRAMEWORK = {
    # A Bearer token first (a program), else the staff session (a person in a browser).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "vocrehab.accounts.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # HasScope: a token may use only the operations whose declared scope it holds.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "vocrehab.accounts.tokens.HasScope",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["vocrehab.accounts.tokens.TokenRateThrottle"],
    # drf-spectacular's, adding the token scope each operation needs (x-token-scope).
    "DEFAULT_SCHEMA_CLASS": "vocrehab.api.schema.ScopedAutoSchema",
}
# Requests per API token per period ("second", "minute", "hour" or "day"), counted in the
# shared cache so that every web process enforces one limit.
VOCREHAB_API_TOKEN_RATE = os.environ.get("VOCREHAB_API_TOKEN_RATE", "600/minute").strip()
if not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day)", VOCREHAB_API_TOKEN_RATE):
    raise ImproperlyConfigured(
        "VOCREHAB_API_TOKEN_RATE must be a number of requests per second, minute, hour or "
        f"day, for example 600/minute (not {VOCREHAB_API_TOKEN_RATE!r})."
    )
SPECTACULAR_SETTINGS = {
    "TITLE": "vocrehab API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # VRMDS code lists appear under their own names, once, however many fields use them.
    "ENUM_NAME_OVERRIDES": {
        name: f"vocrehab.codes.{name}"
        for name in (
            "Condition",
            "ContactMode",
            "ContactWith",
            "Engagement",
            "Intervention",
            "MainReason",
            "Occupation",
            "ReferralSource",
            "Tier",
            "WorkStatus",
        )
    },
}

# The site's address as clients reach it: the base of links in emails, texts and letters.
VOCREHAB_PUBLIC_URL = os.environ.get("VOCREHAB_PUBLIC_URL", "")

# Secret for keyed hashes in pseudonymised exports; separate from SECRET_KEY so it can be
# shared with a research partner's pipeline without exposing session signing.
PSEUDONYMISATION_KEY = os.environ.get("VOCREHAB_PSEUDONYMISATION_KEY", "")

# Keys that encrypt the secrets kept in the database (a hub's token and pseudonym key),
# comma-separated: the first encrypts, each decrypts (vocrehab/fieldkeys.py). Without
# them a key derived from SECRET_KEY is used, for development only (vocrehab.E005).
FIELD_KEYS = env_list("VOCREHAB_FIELD_KEYS")

# Small-number suppression in commissioners' views and publication exports: counts from
# 1 to this minus one are hidden.
VOCREHAB_SUPPRESSION_THRESHOLD = int(os.environ.get("VOCREHAB_SUPPRESSION_THRESHOLD", "5"))

# Uploads: refuse large bodies early; imports have their own limits too.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
VOCREHAB_IMPORT_MAX_BYTES = int(os.environ.get("VOCREHAB_IMPORT_MAX_MB", "200")) * 1024 * 1024
MEDIA_ROOT = Path(os.environ.get("VOCREHAB_MEDIA_ROOT", VAR_DIR / "media"))

# Hub (docs/interchange.md): VOCREHAB_HUB=1 makes this install receive services'
# pseudonymised VRMDS submissions at /api/v1/submissions/ (off: 404). A month's
# submission is late when not received by this day of the following month.
VOCREHAB_HUB = env_bool("VOCREHAB_HUB", False)
VOCREHAB_HUB_LATE_DAY = int(os.environ.get("VOCREHAB_HUB_LATE_DAY", "15"))
# Sending to a hub: each month, the earlier months (this many) whose records changed
# since they were sent are sent again, so discharges and follow-ups reach the hub.
VOCREHAB_HUB_REFRESH_MONTHS = int(os.environ.get("VOCREHAB_HUB_REFRESH_MONTHS", "18"))

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English")), ("cy", _("Welsh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The public pages' language switch keeps the choice for a year (Django's default).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("VOCREHAB_STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"svg_styles_in_pdfs": {"()": "vocrehab.logfilters.SvgStylesInPdfs"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("VOCREHAB_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "weasyprint": {"filters": ["svg_styles_in_pdfs"]},
    },
}
