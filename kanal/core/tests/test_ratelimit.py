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
