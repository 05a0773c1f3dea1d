"""Django's PostgreSQL backend with a health check that costs no round trip when the
connection is evidently fine (``DATABASES["default"]["ENGINE"]`` on PostgreSQL)."""
