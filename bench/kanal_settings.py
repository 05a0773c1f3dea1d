"""Settings for benchmarks and fault tests: production settings plus what a proxy gives.

Everything comes from ``kanal.settings`` (DEBUG off through KANAL_DEBUG=0, PostgreSQL
through DATABASE_URL, Redis through REDIS_URL). Only what a real deployment sets in
its environment or in front of Kanal is added here:

- the client address header (nginx sets X-Forwarded-For; the load generator sends one
  address per simulated citizen, so the per-address report limit applies per citizen);
- the Meta app secret the webhook signatures are checked against;
- health-checked persistent database connections (the settings the lead adds);
- a cache key prefix, so runs never share rate-limit counters in Redis.
"""

import os

from kanal.settings import *  # noqa: F403
from kanal.settings import CACHES, DATABASES

KANAL_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
KANAL_META_APP_SECRET = os.environ.get("KANAL_META_APP_SECRET", "bench-meta-app-secret")
KANAL_META_VERIFY_TOKEN = "bench-verify-token"  # noqa: S105 - loopback only
KANAL_WHATSAPP_PHONE_NUMBER_ID = "106540352242922"
# No provider is reachable from the bench: replies go to a closed port and fail fast.
KANAL_GRAPH_URL = os.environ.get("KANAL_GRAPH_URL", "http://127.0.0.1:9/graph")
KANAL_WHATSAPP_TOKEN = os.environ.get("KANAL_WHATSAPP_TOKEN", "")
KANAL_WHATSAPP_NOTICE_TEMPLATE = {}
# Per-token API quota is a policy for partners, not capacity: lifted for the load runs.
KANAL_API_CALLS_PER_MINUTE = int(os.environ.get("KANAL_API_CALLS_PER_MINUTE", "1000000"))
KANAL_TASK_LEASE_SECONDS = int(os.environ.get("KANAL_TASK_LEASE_SECONDS", "900"))

DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
CACHES["default"]["KEY_PREFIX"] = os.environ.get("KANAL_CACHE_PREFIX", "bench")
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False  # plain HTTP on loopback
CSRF_COOKIE_SECURE = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KANAL_LOG_LEVEL", "WARNING")},
}
