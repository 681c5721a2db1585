"""The operating-time budget of each method, read from answers, so 429s do not come.

Bitrix24 sums each method's execution time per webhook over 10 minutes and, past the limit
(480 s by default), refuses that method with 429 OPERATION_TIME_LIMIT until
`operating_reset_at` (§8.3). Every answer reports the running sum in `time.operating` (in a
batch, each sub-result in `result_time`; the batch itself in the top-level `time`). This meter
keeps the last reading per (portal, webhook user, method) — Bitrix24 keys the budget by
credential — and asks callers to slow down once a method passes `soft` of its limit: the pause
grows from 0 at `soft` to `max_pause` at the limit, and at the limit a call waits for the reset.
A reading expires at its `operating_reset_at`, when Bitrix24 drops the oldest minute.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.core.errors import RateLimited

__all__ = ["OperatingMeter", "OperatingPolicy"]

Key = tuple[str, int, str]  # (portal, webhook user id, lower-cased method)
BLOCKED = "Method is blocked due to operation time limit."


@dataclass(frozen=True)
class OperatingPolicy:
    """The budget per method and where slowing down starts."""

    limit: float = 480.0
    soft: float = 0.8  # fraction of `limit`
    max_pause: float = 10.0  # seconds, just below the limit


@dataclass(frozen=True)
class _Reading:
    operating: float
    reset_at: float  # unix time


class OperatingMeter:
    """The last `time.operating` seen per (portal, user, method)."""

    def __init__(self, policy: OperatingPolicy | None = None) -> None:
        self.policy = policy or OperatingPolicy()
        self._readings: dict[Key, _Reading] = {}

    def observe(self, key: Key, time_block: object) -> None:
        """Remember what one answer's `time` block says about the method's budget."""
        if not isinstance(time_block, Mapping):
            return
        operating = _number(time_block.get("operating"))
        reset_at = _number(time_block.get("operating_reset_at"))
        if operating is not None and reset_at is not None:
            self._readings[key] = _Reading(operating, reset_at)

    def block(self, key: Key, reset_at: float) -> None:
        """Bitrix24 refused the method with 429: its budget is used up until `reset_at`."""
        self._readings[key] = _Reading(self.policy.limit, reset_at)

    def exhausted(self, key: Key, now: float) -> float | None:
        """The unix time the budget frees up, when the last reading says it is used up."""
        reading = self._fresh(key, now)
        if reading is None or reading.operating < self.policy.limit:
            return None
        return reading.reset_at

    def wait_before(self, keys: Sequence[Key], now: float, patience: float) -> float:
        """Seconds to wait before a request calling these methods (a batch calls several).

        RateLimited (with `retry_at`) when a method is used up for longer than `patience`.
        """
        resets = [reset for key in keys if (reset := self.exhausted(key, now)) is not None]
        if resets and max(resets) - now > patience:
            retry_at = datetime.fromtimestamp(max(resets), UTC)
            raise RateLimited("OPERATION_TIME_LIMIT", BLOCKED, retry_at=retry_at)
        if resets:
            return max(resets) - now
        return max((self.pause(key, now) for key in keys), default=0.0)

    def pause(self, key: Key, now: float) -> float:
        """Seconds to wait before calling the method, so its budget lasts until the reset."""
        reading = self._fresh(key, now)
        soft = self.policy.soft * self.policy.limit
        if reading is None or reading.operating <= soft:
            return 0.0
        share = min(1.0, (reading.operating - soft) / (self.policy.limit - soft))
        return share * min(self.policy.max_pause, reading.reset_at - now)

    def _fresh(self, key: Key, now: float) -> _Reading | None:
        reading = self._readings.get(key)
        if reading is not None and reading.reset_at <= now:
            del self._readings[key]
            return None
        return reading


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None
