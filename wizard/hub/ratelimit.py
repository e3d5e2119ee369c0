"""A client-side rate limiter for the Data API: never more requests per window than the hub allows.

The real hub allows a number of requests per token in fixed one-minute windows and says where each token
stands on every answer: `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (the window's
end, epoch seconds). The limiter keeps that per token, counts what it sends, and once a window's budget is
spent waits until the window ends instead of sending a request the hub would refuse. A 429 (another program
sharing the token, a clock off by a second) blocks the token until the reset the hub named. Every wait is
bounded (longer than `max_wait` raises `RateLimited`) and cancellable.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from wizard.hub.errors import RateLimited
from wizard.tasks import CancelToken

PAUSE_STEP = 0.5  # seconds between looks at the Cancel button while waiting


@dataclass
class _Window:
    limit: int | None = None
    remaining: int | None = None
    reset: float | None = None  # epoch seconds when the current window ends


def _number(headers: Mapping[str, str], name: str) -> float | None:
    try:
        return float(headers.get(name, "").strip())
    except ValueError:
        return None


class RateLimiter:
    """Per-token windows learned from the hub's rate-limit headers. Thread-safe."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        max_wait: float = 90.0,
        margin: float = 1.0,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self.max_wait = max_wait
        self.margin = margin  # the reset header is whole seconds and the hub's clock may run a little ahead
        self._windows: dict[str, _Window] = {}
        self._lock = threading.Lock()
        self.waits: list[float] = []  # what we waited, for progress and tests

    def for_token(self, token: str, cancel: CancelToken | None = None) -> TokenLimit:
        return TokenLimit(self, hashlib.sha256(token.encode()).hexdigest(), cancel)

    def acquire(self, key: str, cancel: CancelToken | None = None) -> None:
        """Take one request from the token's budget, first waiting for the next window if it is spent."""
        with self._lock:
            window = self._windows.setdefault(key, _Window())
            now = self._clock()
            if window.reset is not None and now >= window.reset:
                window.remaining, window.reset = window.limit, None  # a new window
            if window.remaining is None or window.remaining > 0 or window.reset is None:
                if window.remaining is not None:
                    window.remaining -= 1
                return
            wait = window.reset - now
        if wait > self.max_wait:
            raise RateLimited(
                f"The hub asked us to wait {wait:.0f} s before the next request.",
                "Wait a minute, then try again.",
                retry_after=wait,
            )
        self.waits.append(wait)
        self._pause(wait, cancel)
        with self._lock:  # waited out: a new window, and this request is its first
            window.remaining = None if window.limit is None else window.limit - 1
            window.reset = None

    def observe(self, key: str, status: int, headers: Mapping[str, str]) -> None:
        """Learn where the token stands from one answer (any answer: 200, 404, 429…)."""
        limit = _number(headers, "X-RateLimit-Limit")
        remaining = _number(headers, "X-RateLimit-Remaining")
        reset = _number(headers, "X-RateLimit-Reset")
        with self._lock:
            window = self._windows.setdefault(key, _Window())
            if limit is not None:
                window.limit = int(limit)
            if remaining is not None:
                window.remaining = int(remaining)
            if reset is not None:
                window.reset = reset + self.margin
            if status == 429:
                # Blocked until the hub says; Retry-After is relative, so it survives a clock that is off.
                window.remaining = 0
                after = _number(headers, "Retry-After")
                if after is not None:
                    window.reset = self._clock() + after
                elif reset is None:
                    window.reset = self._clock() + 1.0

    def _pause(self, seconds: float, cancel: CancelToken | None) -> None:
        if cancel is None:
            self._sleep(seconds)
            return
        left = seconds
        while left > 0:  # in steps, so Cancel is honoured within half a second
            cancel.raise_if_cancelled()
            step = min(left, PAUSE_STEP)
            self._sleep(step)
            left -= step
        cancel.raise_if_cancelled()


@dataclass(frozen=True)
class TokenLimit:
    """The limiter bound to one token (kept only as a hash) and the run's Cancel button."""

    limiter: RateLimiter
    key: str
    cancel: CancelToken | None = None

    def before(self) -> None:
        self.limiter.acquire(self.key, self.cancel)

    def after(self, status: int, headers: Mapping[str, str]) -> None:
        self.limiter.observe(self.key, status, headers)
