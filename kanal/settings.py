"""One settings module, driven by environment variables.

Defaults give a working development system on SQLite under ``var/`` with no service
installed. Production sets ``KANAL_DEBUG=0``, ``KANAL_SECRET_KEY``, ``DATABASE_URL``
(PostgreSQL), ``REDIS_URL`` and ``KANAL_ALLOWED_HOSTS``.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KANAL_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept in var/."""
    if key := os.environ.get("KANAL_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("KANAL_DEBUG", True)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = os.environ.get("KANAL_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("KANAL_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "kanal.core",
    "kanal.audit",
    "kanal.accounts",
    "kanal.wilayah",
    "kanal.directory",
    "kanal.complaints",
    "kanal.routing",
    "kanal.ppid",
    "kanal.publishing",
    "kanal.channels",
    "kanal.outbox",
    "kanal.api",
    "kanal.insights",
    "kanal.privacy",
    "kanal.console",
    "kanal.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "kanal.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kanal.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kanal.api.middleware.NullCharacterGuard",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kanal.urls"
WSGI_APPLICATION = "kanal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kanal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kanal.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kanal.sqlite3'}"),
        conn_max_age=int(os.environ.get("KANAL_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the worker and the scheduler share the file;
    # IMMEDIATE transactions avoid "database is locked" on lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# A connection broken by a database restart is replaced on the next request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A task still RUNNING after this lease lost its worker (killed); it is queued again.
KANAL_TASK_LEASE_SECONDS = int(os.environ.get("KANAL_TASK_LEASE_SECONDS", "900"))
KANAL_TASK_MAX_ATTEMPTS = int(os.environ.get("KANAL_TASK_MAX_ATTEMPTS", "5"))

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "console:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
OTP_TOTP_ISSUER = os.environ.get("KANAL_OTP_ISSUER", "Kanal")

# Cache: Redis in production (rate limits must be shared between processes),
# local memory in development and tests.
if redis_url := os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 8  # one working day
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
# Behind a TLS-terminating proxy, KANAL_PROXY_SSL_HEADER (e.g. HTTP_X_FORWARDED_PROTO) tells
# Django the request was HTTPS; without it SECURE_SSL_REDIRECT would loop.
if proxy_ssl_header := os.environ.get("KANAL_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (proxy_ssl_header, "https")
SECURE_SSL_REDIRECT = env_bool("KANAL_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("KANAL_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("KANAL_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("KANAL_HSTS_PRELOAD", False)
# Forcing HTTPS on the city's sibling subdomains, and preloading, is the domain owner's call.
SILENCED_SYSTEM_CHECKS = [
    check
    for check, on in (
        ("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS),
        ("security.W021", SECURE_HSTS_PRELOAD),
    )
    if not on
]
SESSION_COOKIE_NAME = "sessionid" if DEBUG else "__Host-sessionid"
CSRF_COOKIE_NAME = "csrftoken" if DEBUG else "__Host-csrftoken"
# Content Security Policy (django-csp 4): nothing inline, nothing third-party.
KANAL_MAP_TILE_ORIGINS = [o for o in os.environ.get("KANAL_MAP_TILE_ORIGINS", "").split(",") if o]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *KANAL_MAP_TILE_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
KANAL_PERMISSIONS_POLICY = (
    "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), browsing-topics=()"
)

# Interface: Indonesian first, English second; display in WIB, store in UTC.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "kanal" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "kanal" / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Background work: the Tasks API with the database queue (no broker needed).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("KANAL_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = os.environ.get(
    "KANAL_EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("KANAL_FROM_EMAIL", "kanal@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KANAL_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Kanal -----------------------------------------------------------------------------

# Which region's reference files `load_reference_data` reads (a folder under data/regions).
KANAL_REGION_DIR = Path(
    os.environ.get("KANAL_REGION_DIR", BASE_DIR / "data" / "regions" / "bandar-lampung")
)
KANAL_SITE_NAME = os.environ.get("KANAL_SITE_NAME", "Kanal Kota Bandar Lampung")

# Working-day calendar: cuti bersama (collective leave) is a day off for the city's
# offices unless the deployment decides otherwise.
KANAL_COLLECTIVE_LEAVE_IS_DAY_OFF = env_bool("KANAL_COLLECTIVE_LEAVE_IS_DAY_OFF", True)

# Staff login: attempts allowed per window, per account and per client address.
KANAL_LOGIN_ATTEMPTS = int(os.environ.get("KANAL_LOGIN_ATTEMPTS", "5"))
KANAL_LOGIN_WINDOW_SECONDS = int(os.environ.get("KANAL_LOGIN_WINDOW_SECONDS", "900"))

# Uploads (case attachments, KTP images, content images): size per file, and how many
# files one request may carry (Django's default of 100 invites abuse).
KANAL_MAX_UPLOAD_BYTES = int(os.environ.get("KANAL_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# WhatsApp webhook bodies can reach ~3 MB; Django's 2.5 MB default would refuse them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024

# Public base address (links in notices, captions and feeds).
KANAL_PUBLIC_BASE_URL = os.environ.get("KANAL_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
KANAL_PUBLIC_URL = KANAL_PUBLIC_BASE_URL

# PPID (UU 14/2008). The notice clock starts at "receipt" (Pasal 22(7)) or "complete"
# (local practice; the reference marks it a guess, so it is a setting).
KANAL_PPID_CLOCK_STARTS_AT = os.environ.get("KANAL_PPID_CLOCK_STARTS_AT", "receipt")
KANAL_PPID_REMINDER_WORKING_DAYS = int(os.environ.get("KANAL_PPID_REMINDER_WORKING_DAYS", "2"))
KANAL_PPID_COMMISSION = os.environ.get("KANAL_PPID_COMMISSION", "Komisi Informasi Provinsi Lampung")
KANAL_PPID_BODY_NAME = os.environ.get("KANAL_PPID_BODY_NAME", "PPID Pemerintah Kota Bandar Lampung")
KANAL_PPID_FORM_LIMIT = int(os.environ.get("KANAL_PPID_FORM_LIMIT", "5"))
KANAL_PPID_FORM_WINDOW_SECONDS = int(os.environ.get("KANAL_PPID_FORM_WINDOW_SECONDS", "3600"))

# Social publishing: a channel without credentials is "not configured" and its posts
# are recorded as skipped. TikTok allows only private posts until the app is audited.
KANAL_FACEBOOK_GRAPH_URL = os.environ.get(
    "KANAL_FACEBOOK_GRAPH_URL", "https://graph.facebook.com/v21.0"
)
KANAL_FACEBOOK_PAGE_ID = os.environ.get("KANAL_FACEBOOK_PAGE_ID", "")
KANAL_FACEBOOK_PAGE_TOKEN = os.environ.get("KANAL_FACEBOOK_PAGE_TOKEN", "")
KANAL_INSTAGRAM_USER_ID = os.environ.get("KANAL_INSTAGRAM_USER_ID", "")
KANAL_TIKTOK_API_URL = os.environ.get("KANAL_TIKTOK_API_URL", "https://open.tiktokapis.com")
KANAL_TIKTOK_ACCESS_TOKEN = os.environ.get("KANAL_TIKTOK_ACCESS_TOKEN", "")
KANAL_TIKTOK_APP_AUDITED = env_bool("KANAL_TIKTOK_APP_AUDITED", False)

# Routing: the trained model file (rebuilt by `make routing-model`) and its data folder.
KANAL_ROUTING_MODEL_PATH = Path(
    os.environ.get(
        "KANAL_ROUTING_MODEL_PATH", BASE_DIR / "kanal" / "routing" / "model" / "router.joblib"
    )
)

# Public figures: shown only past a minimum number of cases, over a stated period.
KANAL_MIN_CASES_FOR_FIGURES = int(os.environ.get("KANAL_MIN_CASES_FOR_FIGURES", "10"))
KANAL_FIGURES_PERIOD_DAYS = int(os.environ.get("KANAL_FIGURES_PERIOD_DAYS", "365"))
KANAL_FIGURES_CACHE_SECONDS = int(os.environ.get("KANAL_FIGURES_CACHE_SECONDS", "300"))
# The channels shown on the home page; each section appears only when configured.
KANAL_WHATSAPP_DISPLAY_NUMBER = os.environ.get("KANAL_WHATSAPP_DISPLAY_NUMBER", "")
# The outbox (kanal.outbox): every message to a citizen or partner. A business-initiated
# WhatsApp message must be a template Meta approved: "name" or "name:language" (default
# language id), with body variables {{1}} tracking number, {{2}} the update. Empty: no
# template route. (The same name and format as the channels' settings block.)
_template_name, _, _template_language = os.environ.get(
    "KANAL_WHATSAPP_NOTICE_TEMPLATE", ""
).partition(":")
KANAL_WHATSAPP_NOTICE_TEMPLATE = (
    {"name": _template_name, "language": _template_language or "id"} if _template_name else {}
)
# Provider calls (channels and publishing) time out after this many seconds.
KANAL_PROVIDER_TIMEOUT_SECONDS = float(os.environ.get("KANAL_PROVIDER_TIMEOUT_SECONDS", "15"))
# A temporary provider error is retried on the same route this many times in all, waiting
# KANAL_OUTBOX_RETRY_SECONDS, then twice as long each time; then the next route is tried.
KANAL_OUTBOX_ROUTE_TRIES = int(os.environ.get("KANAL_OUTBOX_ROUTE_TRIES", "3"))
KANAL_OUTBOX_RETRY_SECONDS = int(os.environ.get("KANAL_OUTBOX_RETRY_SECONDS", "30"))
# A send interrupted between "sending" and its result is sent again only after this
# long, so that a provider's status callback (WhatsApp echoes our reference) can show
# it got through first.
KANAL_OUTBOX_RECONCILE_SECONDS = int(os.environ.get("KANAL_OUTBOX_RECONCILE_SECONDS", "600"))
KANAL_PPID_DESK_ADDRESS = os.environ.get("KANAL_PPID_DESK_ADDRESS", "")
KANAL_PPID_DESK_HOURS = os.environ.get("KANAL_PPID_DESK_HOURS", "")

# UU PDP: reporters' personal data is anonymised this many days after a case ends.
KANAL_PRIVACY_RETENTION_DAYS = int(os.environ.get("KANAL_PRIVACY_RETENTION_DAYS", "730"))
# Files of finished cases, channel conversations and raw events, PPID requesters
# (kanal.privacy.rules says what each covers; the privacy notice shows these values).
KANAL_PRIVACY_ATTACHMENT_RETENTION_DAYS = int(
    os.environ.get("KANAL_PRIVACY_ATTACHMENT_RETENTION_DAYS", "730")
)
KANAL_PRIVACY_CONVERSATION_RETENTION_DAYS = int(
    os.environ.get("KANAL_PRIVACY_CONVERSATION_RETENTION_DAYS", "730")
)
KANAL_PRIVACY_PPID_RETENTION_DAYS = int(os.environ.get("KANAL_PRIVACY_PPID_RETENTION_DAYS", "730"))
KANAL_API_CALLS_PER_MINUTE = int(os.environ.get("KANAL_API_CALLS_PER_MINUTE", "120"))
