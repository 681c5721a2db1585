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

    def record(self, key: tuple[str, str], started: float, seconds: float) -> None:
        """Add one call's processing time."""
        self.calls.setdefault(key, deque()).append((started, seconds))

    def read(self, key: tuple[str, str], now: float) -> tuple[float, int]:
        """Return (operating seconds, operating_reset_at unix time)."""
        window = self.calls.get(key, deque())
        while window and window[0][0] < now - OPERATING_WINDOW:
            window.popleft()
        oldest = window[0][0] if window else now
        return sum(seconds for _, seconds in window), int(oldest + OPERATING_WINDOW)
