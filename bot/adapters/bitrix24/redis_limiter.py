"""The per-portal leaky buckets kept in Redis, so several bot processes share one budget.

One Lua script per try takes a slot atomically or answers how long to wait; it reads
Redis's own clock (`TIME`), so the processes' clocks never disagree. Keys are
`scrumbot:bucket:<portal>` (a hash of level and time) and expire once the bucket has drained.

When Redis cannot be reached the limiter falls back to an in-memory bucket for
`FALLBACK_SECONDS` and logs one WARNING: members keep working, each process then keeps to the
budget on its own, and the client's retries absorb any 503 the portal still sends.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.adapters.bitrix24.limiter import MemoryLimiter, PortalRateLimits, portal_key

__all__ = ["FALLBACK_SECONDS", "KEY_PREFIX", "RedisLimiter"]

logger = logging.getLogger(__name__)

KEY_PREFIX = "scrumbot:bucket:"
FALLBACK_SECONDS = 30.0

# KEYS[1] the bucket; ARGV[1] capacity, ARGV[2] drain per second. Takes a slot and returns 0,
# or returns the seconds until one frees (taking nothing).
_TAKE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local capacity, rate = tonumber(ARGV[1]), tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'level', 'at')
local level = tonumber(state[1]) or 0
local at = tonumber(state[2]) or now
level = math.max(0, level - math.max(0, now - at) * rate)
local wait = 0
if level + 1 <= capacity then
  level = level + 1
else
  wait = (level + 1 - capacity) / rate
end
redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(level / rate * 1000) + 60000)
return tostring(wait)
"""


class RedisLimiter:
    """Leaky buckets shared through Redis by every process that uses the same URL."""

    def __init__(
        self,
        url: str,
        limits: PortalRateLimits | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limits = limits or PortalRateLimits()
        self._redis: Redis = Redis.from_url(url, socket_timeout=2.0, socket_connect_timeout=2.0)
        self._script = self._redis.register_script(_TAKE)
        self._fallback = MemoryLimiter(self._limits, clock=clock, sleep=sleep)
        self._sleep, self._clock = sleep, clock
        self._down_until: float | None = None
        self._queues: dict[str, asyncio.Lock] = {}

    async def acquire(self, portal: str) -> None:
        """Wait until one more request to `portal` stays within its shared budget."""
        async with self._queues.setdefault(portal_key(portal), asyncio.Lock()):
            while (wait := await self._try_take(portal)) > 0:
                await self._sleep(wait)

    async def _try_take(self, portal: str) -> float:
        """A slot (0) or the seconds to wait, from Redis or, while it is unreachable, memory."""
        if self._down_until is not None and self._clock() < self._down_until:
            return self._fallback.try_take(portal)
        limit = self._limits.of(portal)
        try:
            answer = await self._script(
                keys=[KEY_PREFIX + portal_key(portal)], args=[limit.capacity, limit.per_second]
            )
        except (RedisError, OSError) as error:
            if self._down_until is None:
                logger.warning(
                    "Redis is unreachable (%s); rate limits are kept in memory for %g s",
                    type(error).__name__,
                    FALLBACK_SECONDS,
                )
            self._down_until = self._clock() + FALLBACK_SECONDS
            return self._fallback.try_take(portal)
        if self._down_until is not None:
            logger.info("Redis answers again; rate limits are shared through it")
            self._down_until = None
        return float(answer.decode() if isinstance(answer, bytes) else answer)

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()
