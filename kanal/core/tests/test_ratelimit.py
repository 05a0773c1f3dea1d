import redis

from kanal.core import ratelimit


def test_hits_within_the_limit_are_allowed_then_refused():
    results = [ratelimit.hit("t", "k", limit=3, window=60) for _ in range(5)]
    assert [r.allowed for r in results] == [True, True, True, False, False]
    assert 0 < results[-1].retry_after <= 60


def test_keys_are_counted_separately_and_can_be_reset():
    for _ in range(3):
        ratelimit.hit("t", "a", limit=2, window=60)
    assert not ratelimit.peek("t", "a", limit=2, window=60).allowed
    assert ratelimit.hit("t", "b", limit=2, window=60).allowed
    ratelimit.reset("t", "a", window=60)
    assert ratelimit.hit("t", "a", limit=2, window=60).allowed


def test_many_counters_count_together_the_same_as_one_by_one():
    hits = [ratelimit.Hit("m", "device", 2, 60), ratelimit.Hit("m", "address", 3, 60)]
    rounds = [ratelimit.hit_many(hits) for _ in range(4)]
    assert [[r.count for r in results] for results in rounds] == [[1, 1], [2, 2], [3, 3], [4, 4]]
    assert [[r.allowed for r in results] for results in rounds] == [
        [True, True],
        [True, True],
        [False, True],
        [False, False],
    ]
    assert ratelimit.peek("m", "address", limit=3, window=60).count == 4


def test_on_redis_the_counters_take_one_round_trip_and_expire(redis_cache):
    cache = redis_cache

    hits = [ratelimit.Hit("r", "device", 2, 60), ratelimit.Hit("r", "address", 5, 60)]
    for _ in range(3):
        results = ratelimit.hit_many(hits)
    assert [r.count for r in results] == [3, 3]
    assert [r.allowed for r in results] == [False, True]
    # The counters are the cache's own values (peek reads them) and carry their expiry.
    assert ratelimit.peek("r", "device", limit=2, window=60).count == 3
    key = cache.make_and_validate_key(ratelimit._cache_key("r", "device", 60)[0])
    assert 0 < redis.Redis.from_url("redis://127.0.0.1:6379/0").ttl(key) <= 61
    # One round trip for both counters: the pipeline sends once.
    client = ratelimit._redis_client()
    calls = []
    real = type(client).pipeline

    def counting_pipeline(self, *args, **kwargs):
        pipe = real(self, *args, **kwargs)
        execute = pipe.execute
        pipe.execute = lambda *a, **k: calls.append(len(pipe.command_stack)) or execute(*a, **k)
        return pipe

    type(client).pipeline = counting_pipeline
    try:
        ratelimit.hit_many(hits)
    finally:
        type(client).pipeline = real
    assert calls == [4]  # SET NX EX and INCR per counter, in one MULTI/EXEC
