"""The production cache backend (kanal.core.cache) on the real Redis."""

from __future__ import annotations

import threading


def test_one_client_is_built_per_pool_and_reused(redis_cache):
    inner = redis_cache._cache
    assert inner.get_client(write=True) is inner.get_client(write=True)
    assert inner.get_client() is inner.get_client(write=True)  # one server: one pool


def test_the_shared_client_serves_threads_at_once(redis_cache):
    errors = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                redis_cache.set(f"k{n}-{i}", {"n": n, "i": i}, 30)
                assert redis_cache.get(f"k{n}-{i}") == {"n": n, "i": i}
                assert redis_cache.incr(f"count{n}", 1) if i else redis_cache.add(f"count{n}", 1)
            assert redis_cache.get(f"count{n}") == 50
            redis_cache.delete_many([f"k{n}-{i}" for i in range(50)] + [f"count{n}"])
        except Exception as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert redis_cache.get("k0-0") is None
