"""How the embedded hub behaves: vendor delays, hold threshold, rate limit, fault injection, the clock.

Everything has a realistic default; tests shrink delays to zero and inject a clock so nothing sleeps.
Fault rules can also come from the environment (`WIZARD_HUB_FAULTS`) so a tester can make a standalone hub
misbehave without touching code.
"""

from __future__ import annotations

import fnmatch
import os
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from wizard.errors import UsageError

FAULTS_ENV = "WIZARD_HUB_FAULTS"
MAX_FILE_BYTES = 1024 * 1024 * 1024  # the default largest roster file in one upload


@dataclass
class FaultRule:
    """One kind of misbehaviour for requests whose path matches `pattern` (shell-style, e.g. `/v3.0/*`).

    `rate` is the share of matching requests affected; `times` caps how many are affected in all (None: no
    cap), which makes recovery tests deterministic ("the first two calls fail, then it works").
    """

    pattern: str
    error_rate: float = 0.0  # share answered with `error_status`
    error_status: int = 503
    latency: float = 0.0  # seconds added to every matching request
    drop_rate: float = 0.0  # share whose connection is cut mid-answer
    rate_limit_rate: float = 0.0  # share answered 429 with Retry-After
    retry_after: int = 1
    times: int | None = None

    def matches(self, path: str) -> bool:
        return fnmatch.fnmatchcase(path, self.pattern)


def parse_fault_rules(text: str) -> list[FaultRule]:
    """Parse `PATTERN:key=value,key=value;PATTERN:...`, e.g. `/v3.0/*:error=0.2,latency=0.05,429=0.1`."""
    keys: dict[str, str] = {
        "error": "error_rate",
        "status": "error_status",
        "latency": "latency",
        "drop": "drop_rate",
        "429": "rate_limit_rate",
        "retry_after": "retry_after",
        "times": "times",
    }
    rules: list[FaultRule] = []
    for chunk in filter(None, (part.strip() for part in text.split(";"))):
        pattern, _, options = chunk.partition(":")
        rule = FaultRule(pattern=pattern.strip() or "*")
        for option in filter(None, (item.strip() for item in options.split(","))):
            key, _, value = option.partition("=")
            attribute = keys.get(key.strip())
            if attribute is None:
                raise UsageError(
                    f"Unknown fault option {key.strip()!r} in the fault rules ({FAULTS_ENV} or --faults).",
                    f"Use one of: {', '.join(keys)}.",
                )
            try:
                number: float | int = (
                    int(value) if attribute in {"error_status", "retry_after", "times"} else float(value)
                )
            except ValueError:
                raise UsageError(f"Fault option {key.strip()!r} needs a number, not {value!r}.") from None
            setattr(rule, attribute, number)
        rules.append(rule)
    return rules


@dataclass
class HubSettings:
    """The knobs of the simulated hub. All durations are in seconds."""

    vendor_delay: float = 20.0  # how long a simulated vendor takes to answer
    simulate_vendors: bool = True  # False: only real vendor calls decide (tests of the decision endpoint)
    hold_threshold: float = 0.25  # share of records changed by an upload above which it is put on hold
    rate_limit: int = 1200  # Data API requests per token per window
    rate_window: float = 60.0
    # Bytes per file one upload may hold (413 past it). Processing streams the files in batches, so memory
    # does not grow with the district; this bounds the disk an upload takes (about six times its size).
    max_upload_bytes: int = MAX_FILE_BYTES
    signup_limit: int = 10  # districts one client may register per signup window
    signup_window: float = 600.0
    code_lifetime: float = 60.0  # Instant Login authorization codes
    max_page_size: int = 10000
    default_page_size: int = 100
    faults: list[FaultRule] = field(default_factory=list)
    clock: Callable[[], float] = time.time
    random_seed: int | None = None

    def __post_init__(self) -> None:
        self._random = random.Random(self.random_seed)
        self._fault_counts: dict[int, int] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, vendor_delay: float | None = None
    ) -> HubSettings:
        env = os.environ if environ is None else environ
        settings = cls() if vendor_delay is None else cls(vendor_delay=vendor_delay)
        if env.get(FAULTS_ENV):
            settings.faults = [*settings.faults, *parse_fault_rules(env[FAULTS_ENV])]
        return settings

    def roll(self, share: float) -> bool:
        """True for about `share` of the calls (deterministic with a seed)."""
        if share <= 0:
            return False
        with self._lock:
            return share >= 1 or self._random.random() < share

    def take_fault(self, rule: FaultRule) -> bool:
        """Count one use of `rule`; False once its `times` budget is spent."""
        with self._lock:
            used = self._fault_counts.get(id(rule), 0)
            if rule.times is not None and used >= rule.times:
                return False
            self._fault_counts[id(rule)] = used + 1
            return True
