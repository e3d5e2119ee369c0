"""The client-side rate limiter: waits for the next window once the budget is spent, bounded and cancellable."""

from __future__ import annotations

import pytest

from tests.hub_support import FakeClock
from wizard.hub.errors import RateLimited
from wizard.hub.ratelimit import RateLimiter
from wizard.tasks import Cancelled, CancelToken

HEADERS = {"X-RateLimit-Limit": "3", "X-RateLimit-Remaining": "1", "X-RateLimit-Reset": ""}


def _limiter(clock: FakeClock, **options: float) -> RateLimiter:
    return RateLimiter(clock=clock, sleep=clock.sleep, **options)


def test_a_spent_window_is_waited_out_until_its_reset_and_tokens_are_apart() -> None:
    clock = FakeClock(1000.0)
    limiter = _limiter(clock, margin=1.0)
    limiter.acquire("a")  # nothing known yet: the first request goes
    limiter.observe("a", 200, {**HEADERS, "X-RateLimit-Reset": "1020"})
    limiter.acquire("a")  # the last one of the window
    assert clock.sleeps == []
    limiter.acquire("b")  # another token has its own window
    limiter.acquire("a")
    assert clock() == 1021.0 and sum(clock.sleeps) == 21.0  # until the reset (plus the margin)
    limiter.acquire("a")
    limiter.acquire("a")  # a new window: the limit (3) again, without waiting
    assert clock() == 1021.0


def test_a_429_blocks_the_token_for_what_retry_after_says() -> None:
    clock = FakeClock(1000.0)
    limiter = _limiter(clock)
    limiter.observe("a", 429, {"Retry-After": "7", "X-RateLimit-Reset": "900"})  # its clock is off
    limiter.acquire("a")
    assert clock() == 1007.0


def test_waits_are_bounded_and_cancellable() -> None:
    clock = FakeClock(1000.0)
    limiter = _limiter(clock, max_wait=30.0)
    limiter.observe("a", 200, {**HEADERS, "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1100"})
    with pytest.raises(RateLimited) as caught:
        limiter.acquire("a")
    assert caught.value.retry_after > 30 and clock.sleeps == []
    limiter.observe("a", 200, {**HEADERS, "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1020"})
    cancel = CancelToken()
    original = clock.sleep

    def sleep_then_cancel(seconds: float) -> None:
        original(seconds)
        if clock() >= 1005:
            cancel.cancel()

    limiter = RateLimiter(clock=clock, sleep=sleep_then_cancel, max_wait=30.0)
    limiter.observe("a", 200, {**HEADERS, "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1020"})
    with pytest.raises(Cancelled):
        limiter.acquire("a", cancel)
    assert 1005 <= clock() < 1006  # stopped within a step of the Cancel, not at the reset
