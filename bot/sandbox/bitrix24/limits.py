"""Injected faults, the leaky-bucket rate limit and the operating-time meter."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

OPERATING_WINDOW = 600.0


@dataclass(frozen=True)
class Fault:
    """How one upcoming ``/rest/`` request should fail."""

    status: int
    error: str
    description: str
    html: bool = False
    hang: bool = False
    in_body_200: bool = False
    drop: bool = False  # close the connection without any answer
    reset_in: float | None = None  # a ``time`` block with operating_reset_at = now + reset_in


@dataclass
class FaultPlan:
    """Queued one-shot faults first, then an optional fault for every request."""

    queued: deque[Fault] = field(default_factory=deque)
    always: Fault | None = None

    def take(self) -> Fault | None:
        """The fault for the request at hand, if any."""
        if self.queued:
            return self.queued.popleft()
        return self.always

    def clear(self) -> None:
        """Forget every injected fault."""
        self.queued.clear()
        self.always = None


@dataclass
class LeakyBucket:
    """Per-portal request counter: +1 per request, drains ``per_second``; over ``burst`` → 503."""

    enabled: bool = False
    burst: int = 50
    per_second: float = 2.0
    level: float = 0.0
    updated: float = field(default_factory=time.monotonic)

    def configure(self, enabled: bool, burst: int, per_second: float) -> None:
        """Switch the limit on/off with new parameters and an empty bucket."""
        self.enabled, self.burst, self.per_second = enabled, burst, per_second
        self.level, self.updated = 0.0, time.monotonic()

    def admit(self) -> bool:
        """Count one request; False when it must be rejected."""
        now = time.monotonic()
        self.level = max(0.0, self.level - (now - self.updated) * self.per_second)
        self.updated = now
        if not self.enabled:
            return True
        if self.level + 1 > self.burst:
            return False
        self.level += 1
        return True


@dataclass
class OperatingMeter:
    """Execution time per (webhook, method) over a sliding 10-minute window."""

    calls: dict[tuple[str, str], deque[tuple[float, float]]] = field(default_factory=dict)
    limit: float | None = None  # seconds per window; over it → 429 OPERATION_TIME_LIMIT
    charge: float | None = None  # seconds billed per call instead of the measured time

    def record(self, key: tuple[str, str], started: float, seconds: float) -> None:
        """Add one call's processing time."""
        billed = seconds if self.charge is None else self.charge
        self.calls.setdefault(key, deque()).append((started, billed))

    def blocked(self, key: tuple[str, str], now: float) -> tuple[float, int] | None:
        """(operating, reset_at) when the method's budget is used up, else None."""
        operating, reset_at = self.read(key, now)
        if self.limit is None or operating < self.limit:
            return None
        return operating, reset_at

    def read(self, key: tuple[str, str], now: float) -> tuple[float, int]:
        """Return (operating seconds, operating_reset_at unix time)."""
        window = self.calls.get(key, deque())
        while window and window[0][0] < now - OPERATING_WINDOW:
            window.popleft()
        oldest = window[0][0] if window else now
        return sum(seconds for _, seconds in window), int(oldest + OPERATING_WINDOW)
