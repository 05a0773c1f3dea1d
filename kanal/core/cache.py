"""The shared cache on Redis, with one redis-py client per connection pool.

Django's ``RedisCache`` builds a new ``redis.Redis`` for every cache call. With redis-py
6 that constructor fills a case-insensitive table of ~160 response callbacks, which cost
more CPU than the command itself: a fifth of a webhook acknowledgement's CPU
(``bench/webhook_cpu.py``). A client holds no connection of its own (each command takes
one from the pool and gives it back) and redis-py documents clients as safe to share
between threads, so one per pool is kept and reused. Pools, options, serialisation and
every command are Django's.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client, handing out one ``redis.Redis`` per connection pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:  # two threads may both build one: either is fine to keep
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with reused clients."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
