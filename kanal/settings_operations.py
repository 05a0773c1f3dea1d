"""How Kanal runs as a service: the production command's sizes, the metrics endpoint,
logging and error reporting, all from the environment (docs/deploy.md).

Part of ``kanal/settings.py``, which imports every name here.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from kanal.core.env import env_float, env_int, env_list

# Production command (manage.py serve): address and sizes; 0 means "from the cores".
KANAL_BIND = os.environ.get("KANAL_BIND", "127.0.0.1:8000")
KANAL_WEB_WORKERS = env_int("KANAL_WEB_WORKERS", 0)
KANAL_WEB_THREADS = env_int("KANAL_WEB_THREADS", 0)
KANAL_TASK_WORKERS = env_int("KANAL_TASK_WORKERS", 0)
KANAL_WORKER_QUEUES = os.environ.get("KANAL_WORKER_QUEUES", "*")

# Observability: /healthz and /readyz are always on; /metrics (Prometheus) answers only a
# request with the bearer token or from an allowed address, and is off when neither is set.
KANAL_METRICS_TOKEN = os.environ.get("KANAL_METRICS_TOKEN", "")
KANAL_METRICS_ALLOWED_IPS = env_list("KANAL_METRICS_ALLOWED_IPS")

# Logs go to standard error: plain lines, or one JSON object per line (KANAL_LOG_FORMAT=json)
# carrying the request id that kanal.core.middleware.RequestIdMiddleware sets (and returns
# in the X-Request-ID header; an incoming X-Request-ID from the proxy is kept).
KANAL_LOG_FORMAT = os.environ.get("KANAL_LOG_FORMAT", "text")
if KANAL_LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured("KANAL_LOG_FORMAT is text or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "kanal.core.logs.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "kanal.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": KANAL_LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("KANAL_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Errors to Sentry (or a compatible service such as GlitchTip) when SENTRY_DSN is set.
# No personal data is sent (send_default_pii off): reporters' details stay in Kanal.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
KANAL_SENTRY_ENVIRONMENT = os.environ.get("KANAL_SENTRY_ENVIRONMENT", "production")
KANAL_SENTRY_TRACES_SAMPLE_RATE = env_float("KANAL_SENTRY_TRACES_SAMPLE_RATE", 0.0)
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=KANAL_SENTRY_ENVIRONMENT,
        traces_sample_rate=KANAL_SENTRY_TRACES_SAMPLE_RATE,
        send_default_pii=False,
    )
