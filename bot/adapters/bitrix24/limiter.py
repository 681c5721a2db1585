"""One leaky bucket per portal, so all its members' requests stay under Bitrix24's rate limit.

Bitrix24 counts requests per portal: each adds 1, the count drains `per_second`, and past
`burst` the portal answers 503 QUERY_LIMIT_EXCEEDED (§8.1). Every HTTP request the bot sends
(a `batch` is one) first takes a slot here and waits (an async sleep) until one is free, so a
member waits a moment instead of reading an error. The bucket keeps a safety margin of
`SAFETY_MARGIN` requests below the portal's burst, so network jitter between our clock and the
portal's does not turn into 503s.

A slot is taken only at the moment the request is sent (never reserved ahead and slept on),
so a late wake-up of the event loop cannot release a bunch of requests at once; one waiter per
portal polls at a time, the others queue behind it in arrival order.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

__all__ = [
    "SAFETY_MARGIN",
    "MemoryLimiter",
    "PortalRateLimits",
    "RateLimit",
    "RateLimiter",
    "parse_portal_rates",
    "parse_rate",
    "portal_key",
]

SAFETY_MARGIN = 2  # requests kept free below the portal's burst


@dataclass(frozen=True)
class RateLimit:
    """A portal's request budget: `burst` requests at once, then `per_second` a second."""

    burst: int = 50
    per_second: float = 2.0

    @property
    def capacity(self) -> int:
        """How many requests the bot lets through at once: the burst less the safety margin."""
        return max(1, self.burst - SAFETY_MARGIN)


@dataclass(frozen=True)
class PortalRateLimits:
    """The default budget and per-portal overrides (keyed by host, or host:port)."""

    default: RateLimit = RateLimit()
    overrides: Mapping[str, RateLimit] = field(default_factory=dict)

    def of(self, portal: str) -> RateLimit:
        """The budget of one portal (a base URL or a host name)."""
        key = portal_key(portal)
        return self.overrides.get(key) or self.overrides.get(key.split(":")[0], self.default)


class RateLimiter(Protocol):
    """Hands out request slots per portal, waiting when the portal's bucket is full."""

    async def acquire(self, portal: str) -> None:
        """Wait until one more request to `portal` stays within its budget."""

    async def close(self) -> None:
        """Release connections (a shared store's, if any)."""


def portal_key(portal: str) -> str:
    """The bucket's name for a portal: its host (and port, when not the default)."""
    text = portal.strip().lower()
    netloc = urlsplit(text if "//" in text else f"//{text}").netloc
    return netloc.rstrip(".") or text


def parse_rate(text: str) -> RateLimit:
    """`50/2` → burst 50, then 2 a second; ValueError with a reason otherwise."""
    burst_text, slash, rate_text = text.strip().partition("/")
    try:
        burst, per_second = int(burst_text), float(rate_text)
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not BURST/PER_SECOND, e.g. 50/2") from None
    if not slash or burst < 1 or not 0 < per_second < 10_000:
        raise ValueError(f"{text.strip()!r} needs a burst of at least 1 and a positive rate")
    return RateLimit(burst, per_second)


def parse_portal_rates(text: str) -> dict[str, RateLimit]:
    """`big.bitrix24.ru=250/5,other.bitrix24.de=100/3` → budgets by portal host."""
    rates: dict[str, RateLimit] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        portal, equals, rate = item.partition("=")
        if not equals or not portal.strip():
            raise ValueError(f"{item!r} is not PORTAL=BURST/PER_SECOND")
        rates[portal_key(portal)] = parse_rate(rate)
    return rates


@dataclass
class _Bucket:
    level: float = 0.0
    updated: float = 0.0


class MemoryLimiter:
    """Leaky buckets in this process's memory (one bot process per set of portals)."""

    def __init__(
        self,
        limits: PortalRateLimits | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._limits = limits or PortalRateLimits()
        self._clock, self._sleep = clock, sleep
        self._buckets: dict[str, _Bucket] = {}
        self._queues: dict[str, asyncio.Lock] = {}

    def try_take(self, portal: str) -> float:
        """Take a slot of `portal`'s bucket and answer 0, or answer the seconds until one frees."""
        limit = self._limits.of(portal)
        now = self._clock()
        bucket = self._buckets.setdefault(portal_key(portal), _Bucket(0.0, now))
        bucket.level = max(0.0, bucket.level - (now - bucket.updated) * limit.per_second)
        bucket.updated = now
        if bucket.level + 1 <= limit.capacity:
            bucket.level += 1
            return 0.0
        return (bucket.level + 1 - limit.capacity) / limit.per_second

    async def acquire(self, portal: str) -> None:
        """Wait until one more request to `portal` stays within its budget."""
        async with self._queues.setdefault(portal_key(portal), asyncio.Lock()):
            while (wait := self.try_take(portal)) > 0:
                await self._sleep(wait)

    async def close(self) -> None:
        """Nothing to release."""
