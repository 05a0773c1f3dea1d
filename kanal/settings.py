"""One settings module, driven by environment variables.

Defaults give a working development system on SQLite under ``var/`` with no service
installed. Production sets ``KANAL_DEBUG=0``, ``KANAL_SECRET_KEY``, ``DATABASE_URL``
(PostgreSQL), ``REDIS_URL`` and ``KANAL_ALLOWED_HOSTS``.
"""

import importlib.util
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from kanal.core.env import env_bool, env_float, env_int, env_json
from kanal.core.region import read_region_file

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KANAL_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The key from the environment, else one generated once and kept in var/."""
    if key := os.environ.get("KANAL_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        # Written aside, then linked into place: processes starting together (parallel
        # test workers, web and worker) all read the one complete key that won.
        draft = path.with_name(f"secret_key.{os.getpid()}")
        draft.write_text(secrets.token_urlsafe(50))
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


DEBUG = env_bool("KANAL_DEBUG", True)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = os.environ.get("KANAL_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("KANAL_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# django-ninja's folder, found without importing it (see STATICFILES_DIRS).
_NINJA = Path(importlib.util.find_spec("ninja").submodule_search_locations[0])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
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
    "kanal.field",
    "kanal.portal",
]

MIDDLEWARE = [
    # First: /healthz, /readyz and /metrics answer probes before host checks, HTTPS
    # redirects and sessions; then every other request gets its request id.
    "kanal.core.middleware.ProbeMiddleware",
    "kanal.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "kanal.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kanal.core.middleware.ChosenLanguageMiddleware",
    "kanal.core.outage.DatabaseOutageMiddleware",
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
        "DIRS": [BASE_DIR / "kanal" / "templates", _NINJA / "templates"],
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
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a cheaper health check (kanal/core/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "kanal.core.postgresql"
# A connection broken by a database restart is replaced on the next request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A task still RUNNING after this lease lost its worker (killed); it is queued again.
KANAL_TASK_LEASE_SECONDS = int(os.environ.get("KANAL_TASK_LEASE_SECONDS", "900"))
KANAL_TASK_MAX_ATTEMPTS = int(os.environ.get("KANAL_TASK_MAX_ATTEMPTS", "5"))
# Finished tasks are deleted after this many days; failed ones are kept longer to study.
KANAL_TASK_KEEP_DAYS = env_int("KANAL_TASK_KEEP_DAYS", 14)
KANAL_TASK_KEEP_FAILED_DAYS = env_int("KANAL_TASK_KEEP_FAILED_DAYS", 90)

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
    CACHES = {"default": {"BACKEND": "kanal.core.cache.RedisCache", "LOCATION": redis_url}}
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
KANAL_PERMISSIONS_POLICY = os.environ.get(
    "KANAL_PERMISSIONS_POLICY",
    "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), browsing-topics=()",
)
# The request header holding the client address set by a proxy you control (e.g.
# HTTP_X_REAL_IP); empty without a proxy. kanal.core.ratelimit.client_ip reads it.
KANAL_TRUSTED_PROXY_HEADER = os.environ.get("KANAL_TRUSTED_PROXY_HEADER", "")

# Interface: Indonesian first, English second; display in WIB, store in UTC.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "kanal" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "kanal" / "static"]
# Leaflet's files come from the django-leaflet package (static/leaflet/...), served by
# Kanal itself. The package is not an installed app: its app needs GDAL, its files don't.
if _leaflet := importlib.util.find_spec("leaflet"):
    STATICFILES_DIRS.append(Path(_leaflet.submodule_search_locations[0]) / "static")
# django-ninja's API docs page (templates/ninja, static/ninja) likewise: as an installed
# app it would be imported, with pydantic, by every process at setup (~15 MB in the
# scheduler and the task workers, which never serve the API; issue 24).
STATICFILES_DIRS.append(_NINJA / "static")
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
# Uploads: the local folder (one machine) or an S3-compatible store (MinIO, AWS, …) that
# several web nodes and workers share. Static files always come from WhiteNoise.
KANAL_MEDIA_STORAGE = os.environ.get("KANAL_MEDIA_STORAGE", "local")
KANAL_S3_BUCKET = os.environ.get("KANAL_S3_BUCKET", "")
KANAL_S3_ENDPOINT_URL = os.environ.get("KANAL_S3_ENDPOINT_URL", "")
KANAL_S3_REGION = os.environ.get("KANAL_S3_REGION", "")
KANAL_S3_ACCESS_KEY_ID = os.environ.get("KANAL_S3_ACCESS_KEY_ID", "")
KANAL_S3_SECRET_ACCESS_KEY = os.environ.get("KANAL_S3_SECRET_ACCESS_KEY", "")
KANAL_S3_PREFIX = os.environ.get("KANAL_S3_PREFIX", "media")
if KANAL_MEDIA_STORAGE == "local":
    _media = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif KANAL_MEDIA_STORAGE == "s3":
    if not KANAL_S3_BUCKET:
        raise ImproperlyConfigured("KANAL_MEDIA_STORAGE=s3 needs KANAL_S3_BUCKET")
    _media = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": KANAL_S3_BUCKET,
            "endpoint_url": KANAL_S3_ENDPOINT_URL or None,
            "region_name": KANAL_S3_REGION or None,
            "access_key": KANAL_S3_ACCESS_KEY_ID or None,
            "secret_key": KANAL_S3_SECRET_ACCESS_KEY or None,
            "location": KANAL_S3_PREFIX,
            # Private objects: every file is served by Kanal after its permission check.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured("KANAL_MEDIA_STORAGE is local or s3")
STORAGES = {
    "default": _media,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Background work: the Tasks API with the database queue (no broker needed). Named queues
# let a deployment give each kind of work its own workers (serve --queues intake):
# intake (a delivery becoming a case, routing), notices (messages to citizens),
# periodic (the scheduler's jobs), default (the rest).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("KANAL_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "intake", "notices", "periodic"],
    }
}

# The production command's sizes, metrics, logging and Sentry (kanal/settings_operations.py).
from kanal.settings_operations import *  # noqa: E402, F403

# --- Kanal -----------------------------------------------------------------------------

# The region: its reference files (`load_reference_data`) and region.toml, which names the
# city everywhere (greeting, privacy notice, Open311, tracking numbers, PPID documents).
# Each name can be overridden by its own variable; kanal.core.region.current() reads them.
KANAL_REGION_DIR = Path(
    os.environ.get("KANAL_REGION_DIR", BASE_DIR / "data" / "regions" / "bandar-lampung")
)
if not KANAL_REGION_DIR.is_absolute():
    KANAL_REGION_DIR = BASE_DIR / KANAL_REGION_DIR
_REGION = read_region_file(KANAL_REGION_DIR)
KANAL_CITY_NAME = os.environ.get("KANAL_CITY_NAME", _REGION["city_name"])
KANAL_SITE_NAME = os.environ.get("KANAL_SITE_NAME", _REGION["site_name"])
KANAL_TRACKING_PREFIX = os.environ.get("KANAL_TRACKING_PREFIX", _REGION["tracking_prefix"])
KANAL_PPID_BODY_NAME = os.environ.get("KANAL_PPID_BODY_NAME", _REGION["ppid_body"])
KANAL_PPID_COMMISSION = os.environ.get("KANAL_PPID_COMMISSION", _REGION["ppid_commission"])
KANAL_OPEN311_JURISDICTION = os.environ.get(
    "KANAL_OPEN311_JURISDICTION", _REGION["open311_jurisdiction"]
)
KANAL_OPEN311_CONTACT = os.environ.get("KANAL_OPEN311_CONTACT", _REGION["open311_contact"])
KANAL_PRIVACY_CONTROLLER = os.environ.get("KANAL_PRIVACY_CONTROLLER", _REGION["privacy_controller"])
KANAL_PRIVACY_CONTROLLER_EN = os.environ.get(
    "KANAL_PRIVACY_CONTROLLER_EN", _REGION["privacy_controller_en"]
)

# Working-day calendar: cuti bersama (collective leave) is a day off for the city's
# offices unless the deployment decides otherwise.
KANAL_COLLECTIVE_LEAVE_IS_DAY_OFF = env_bool("KANAL_COLLECTIVE_LEAVE_IS_DAY_OFF", True)

# Staff login: failed attempts per account in the window before each further one waits.
KANAL_LOGIN_ATTEMPTS = int(os.environ.get("KANAL_LOGIN_ATTEMPTS", "5"))
KANAL_LOGIN_WINDOW_SECONDS = int(os.environ.get("KANAL_LOGIN_WINDOW_SECONDS", "900"))
# The public report form: reports per client address per hour.
# Case deadlines: overrides of kanal.complaints.rules.DEFAULT_DEADLINES, as JSON
# (e.g. {"follow_up_working_days": 7}).
KANAL_COMPLAINT_DEADLINES = env_json("KANAL_COMPLAINT_DEADLINES", {})
# Inbox lists count at most this many rows (beyond it the count reads "1000+").
KANAL_INBOX_COUNT_CAP = env_int("KANAL_INBOX_COUNT_CAP", 1000)
# Audit events younger than this may still be unsealed without an alarm.
KANAL_AUDIT_SEAL_GRACE_SECONDS = env_int("KANAL_AUDIT_SEAL_GRACE_SECONDS", 600)
# Failed logins from one address within the window before it must wait (a whole office
# behind one NAT shares an address; successful logins never count).
KANAL_LOGIN_ADDRESS_FAILURES = int(os.environ.get("KANAL_LOGIN_ADDRESS_FAILURES", "50"))
# Per account, after KANAL_LOGIN_ATTEMPTS failures each further one doubles the wait,
# up to this many seconds (a slowdown, never a lock-out).
KANAL_LOGIN_MAX_DELAY_SECONDS = int(os.environ.get("KANAL_LOGIN_MAX_DELAY_SECONDS", "300"))
# A browser that passed the second factor is remembered this long and never slowed down.
KANAL_KNOWN_DEVICE_DAYS = int(os.environ.get("KANAL_KNOWN_DEVICE_DAYS", "90"))
# Most rows one export of the console's inbox may hold.
KANAL_EXPORT_MAX_ROWS = int(os.environ.get("KANAL_EXPORT_MAX_ROWS", "10000"))

# Field app (/lapangan/): a phone stays signed in for this many days; after this many
# minutes without use it asks for the second-factor code again before sending; a record
# kept offline keeps the time it was heard if that is at most this many days ago.
KANAL_FIELD_SESSION_DAYS = int(os.environ.get("KANAL_FIELD_SESSION_DAYS", "30"))
KANAL_FIELD_IDLE_MINUTES = int(os.environ.get("KANAL_FIELD_IDLE_MINUTES", "30"))
KANAL_FIELD_MAX_RECORD_AGE_DAYS = int(os.environ.get("KANAL_FIELD_MAX_RECORD_AGE_DAYS", "7"))

# Uploads (case attachments, KTP images, content images): size per file, and how many
# files one request may carry (Django's default of 100 invites abuse).
KANAL_MAX_UPLOAD_BYTES = int(os.environ.get("KANAL_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# WhatsApp webhook bodies can reach ~3 MB; Django's 2.5 MB default would refuse them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024

# Public base address (links in notices, captions and feeds).
KANAL_PUBLIC_BASE_URL = os.environ.get("KANAL_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
KANAL_PUBLIC_URL = KANAL_PUBLIC_BASE_URL

# The citizen's side (issue 18). Map tiles: a URL template such as
# https://tile.openstreetmap.org/{z}/{x}/{y}.png (its origin must also be in
# KANAL_MAP_TILE_ORIGINS); empty draws the kelurahan boundaries from the region data.
KANAL_MAP_TILE_URL = os.environ.get("KANAL_MAP_TILE_URL", "")
KANAL_MAP_TILE_ATTRIBUTION = os.environ.get("KANAL_MAP_TILE_ATTRIBUTION", "")
# Reports before submitting: same topic within this distance or the same kelurahan.
KANAL_NEARBY_DAYS = int(os.environ.get("KANAL_NEARBY_DAYS", "30"))
KANAL_NEARBY_METRES = int(os.environ.get("KANAL_NEARBY_METRES", "500"))
# Public form limits, fair to shared (CGNAT) addresses: per device (a signed cookie),
# a higher ceiling per address, and the old per-address limit for clients without the
# device cookie or the form's time stamp. A form sent faster than the time trap is a bot.
KANAL_REPORTS_PER_DEVICE_PER_HOUR = int(os.environ.get("KANAL_REPORTS_PER_DEVICE_PER_HOUR", "10"))
KANAL_REPORTS_PER_ADDRESS_PER_HOUR = int(os.environ.get("KANAL_REPORTS_PER_ADDRESS_PER_HOUR", "60"))
KANAL_REPORTS_PER_HOUR = int(os.environ.get("KANAL_REPORTS_PER_HOUR", "10"))
KANAL_REPORT_MIN_SECONDS = int(os.environ.get("KANAL_REPORT_MIN_SECONDS", "3"))
# "My reports": how long a device stays signed in after the one-time code.
KANAL_CITIZEN_SESSION_DAYS = int(os.environ.get("KANAL_CITIZEN_SESSION_DAYS", "30"))

# PPID (UU 14/2008). The notice clock starts at "receipt" (Pasal 22(7)) or "complete"
# (local practice; the reference marks it a guess, so it is a setting).
KANAL_PPID_CLOCK_STARTS_AT = os.environ.get("KANAL_PPID_CLOCK_STARTS_AT", "receipt")
KANAL_PPID_REMINDER_WORKING_DAYS = int(os.environ.get("KANAL_PPID_REMINDER_WORKING_DAYS", "2"))
KANAL_PPID_FORM_LIMIT = int(os.environ.get("KANAL_PPID_FORM_LIMIT", "5"))
KANAL_PPID_FORM_WINDOW_SECONDS = int(os.environ.get("KANAL_PPID_FORM_WINDOW_SECONDS", "3600"))

# Waiting for a provider to finish a posted video: attempts and seconds between them.
KANAL_PUBLISHING_POLL_ATTEMPTS = env_int("KANAL_PUBLISHING_POLL_ATTEMPTS", 5)
KANAL_PUBLISHING_POLL_SECONDS = env_float("KANAL_PUBLISHING_POLL_SECONDS", 3)

# Open311 GeoReport v2: the discovery document and what POST requests answer.
KANAL_OPEN311_KEY_SERVICE = os.environ.get(
    "KANAL_OPEN311_KEY_SERVICE", "Ask the Dinas Komunikasi dan Informatika for a partner api_key."
)
KANAL_OPEN311_ENDPOINT_TYPE = os.environ.get("KANAL_OPEN311_ENDPOINT_TYPE", "production")
KANAL_OPEN311_RESPONSE = os.environ.get("KANAL_OPEN311_RESPONSE", "id")  # "id" or "token"

# Routing: the trained model file (rebuilt by `make routing-model`) and its data folder.
KANAL_ROUTING_MODEL_PATH = Path(
    os.environ.get(
        "KANAL_ROUTING_MODEL_PATH", BASE_DIR / "kanal" / "routing" / "model" / "router.joblib"
    )
)
KANAL_ROUTING_DATA_DIR = Path(
    os.environ.get("KANAL_ROUTING_DATA_DIR", BASE_DIR / "data" / "routing")
)
# Below this confidence a suggestion goes to the operator instead of being applied.
KANAL_ROUTING_OPERATOR_THRESHOLD = env_float("KANAL_ROUTING_OPERATOR_THRESHOLD", 0.5)

# Public figures: shown only past a minimum number of cases, over a stated period.
KANAL_MIN_CASES_FOR_FIGURES = int(os.environ.get("KANAL_MIN_CASES_FOR_FIGURES", "10"))
KANAL_FIGURES_PERIOD_DAYS = int(os.environ.get("KANAL_FIGURES_PERIOD_DAYS", "365"))
KANAL_FIGURES_CACHE_SECONDS = int(os.environ.get("KANAL_FIGURES_CACHE_SECONDS", "300"))
# The channels shown on the home page; each section appears only when configured.
KANAL_WHATSAPP_DISPLAY_NUMBER = os.environ.get("KANAL_WHATSAPP_DISPLAY_NUMBER", "")
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

# Sending mail (SMTP), under Django's own names. With EMAIL_HOST set the SMTP backend is
# used; without it, development writes mail to var/mail and production still tries SMTP.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or os.environ.get(
    "KANAL_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if "EMAIL_HOST" in os.environ or not DEBUG
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or os.environ.get(
    "KANAL_FROM_EMAIL", "kanal@localhost"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Every channel credential and provider address (kanal/settings_channels.py).
from kanal.settings_channels import *  # noqa: E402, F403
