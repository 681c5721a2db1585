"""When the client asks Bitrix24 again, and how long it waits first.

- 503 QUERY_LIMIT_EXCEEDED: the portal refused the request, so repeating it is always safe;
  up to `busy_attempts` tries in all, backing off from `busy_delay` (doubling, jittered).
- 429 OPERATION_TIME_LIMIT: when `time.operating_reset_at` is at most `operating_wait` seconds
  away, wait until then and try once more; otherwise the member is told when to try again.
- 500/502/504, HTML or other non-JSON pages, connection resets and timeouts: up to
  `transient_retries` more tries with jittered backoff, and only when every method of the
  request is safe to repeat — never a create (`*.add` …): a lost answer may hide a task that
  was made, and asking again would make a second one. Updates set absolute values: safe.
- No retry starts later than `total` seconds after the first try.
Everything else (business errors, rejected credentials, an open circuit) is final.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.core.errors import PortalUnavailable, RateLimited, TrackerError

__all__ = ["RetryPolicy", "breaks_circuit", "is_repeatable"]

_UNSAFE_VERBS = ("add", "create", "copy", "delete", "start", "complete")
_NO_ANSWER = frozenset({"TIMEOUT", "CONNECTION", "DNS", "TLS"})
_TRANSIENT = frozenset({"TIMEOUT", "CONNECTION", "NOT_JSON", "INTERNAL_SERVER_ERROR"})
_PERMANENT = frozenset({"ACCESS_DENIED", "PORTAL_DELETED", "OVERLOAD_LIMIT"})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently one request is tried again."""

    busy_attempts: int = 5
    busy_delay: float = 0.5
    transient_retries: int = 2
    transient_delay: float = 0.5
    max_delay: float = 2.0
    operating_wait: float = 15.0
    total: float = 20.0

    def delay(
        self,
        error: TrackerError,
        status: int | None,
        attempt: int,
        *,
        repeatable: bool,
        now: float,
        rng: random.Random,
    ) -> float | None:
        """Seconds to wait before try `attempt + 1`, or None to give up with `error`."""
        if isinstance(error, RateLimited):
            if error.code.upper() == "OPERATION_TIME_LIMIT":
                return self._until_reset(error.retry_at, attempt, now, rng)
            if attempt < self.busy_attempts:
                return self._backoff(self.busy_delay, attempt, rng)
            return None
        if repeatable and attempt <= self.transient_retries and _transient(error, status):
            return self._backoff(self.transient_delay, attempt, rng)
        return None

    def _until_reset(
        self, retry_at: datetime | None, attempt: int, now: float, rng: random.Random
    ) -> float | None:
        if retry_at is None or attempt > 2:
            return None
        wait = max(0.0, retry_at.timestamp() - now)
        if wait > self.operating_wait:
            return None
        return wait + rng.uniform(0.05, 0.5)

    def _backoff(self, base: float, attempt: int, rng: random.Random) -> float:
        """`base`, doubling per try, capped, then scaled by a random 50-100 % (jitter)."""
        return min(self.max_delay, base * 2.0 ** (attempt - 1)) * rng.uniform(0.5, 1.0)


def is_repeatable(methods: Iterable[str]) -> bool:
    """True when no method creates, copies, deletes or starts something."""
    for method in methods:
        verb = method.rsplit(".", 1)[-1].lower()
        if verb.startswith(_UNSAFE_VERBS):
            return False
    return True


def breaks_circuit(error: TrackerError, status: int | None) -> bool:
    """True for a request that got no HTTP answer, or a 5xx that is not a rate limit."""
    if isinstance(error, RateLimited):
        return False
    if status is None:
        return isinstance(error, PortalUnavailable) and error.code in _NO_ANSWER
    return status >= 500


def _transient(error: TrackerError, status: int | None) -> bool:
    """A failure that asking again may cure: 5xx, foreign pages, resets, timeouts."""
    if not isinstance(error, PortalUnavailable) or error.code.upper() in _PERMANENT:
        return False
    if error.code in _TRANSIENT:
        return True
    return status is not None and status >= 500
