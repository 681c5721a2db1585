"""The leaky bucket in Redis: several processes share one portal's budget (TEST_REDIS_URL)."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator

import aiohttp
import pytest
from redis.asyncio import Redis

from bot.adapters.bitrix24 import Bitrix24Client
from bot.adapters.bitrix24.limiter import PortalRateLimits, RateLimit
from bot.adapters.bitrix24.redis_limiter import KEY_PREFIX, RedisLimiter
from bot.sandbox.bitrix24 import PortalEmulator
from tests.adapters.bitrix24.limit_kit import FAST, member, statuses

REDIS_ENV = "TEST_REDIS_URL"
BURST, RATE = 5, 40.0

WORKER = f"""
import asyncio, json, sys, time
from bot.adapters.bitrix24.limiter import PortalRateLimits, RateLimit
from bot.adapters.bitrix24.redis_limiter import RedisLimiter

async def main(url, portal, count):
    limiter = RedisLimiter(url, PortalRateLimits(RateLimit({BURST}, {RATE})))
    await limiter.acquire("warm-up-" + portal)  # connect before the race starts
    while time.time() < float(sys.argv[4]):
        await asyncio.sleep(0.001)
    granted = []
    for _ in range(count):
        await limiter.acquire(portal)
        granted.append(time.time())
    await limiter.close()
    print(json.dumps(granted))

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"{REDIS_ENV} is not set: no Redis server to test against")
    yield url
    redis = Redis.from_url(url)
    try:
        keys = [key async for key in redis.scan_iter(match=KEY_PREFIX + "*test-*")]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


def overflows(granted: list[float], burst: int, rate: float) -> int:
    """How many of these requests a portal with this bucket would have refused."""
    level, last, refused = 0.0, None, 0
    for moment in sorted(granted):
        level = max(0.0, level - (moment - last) * rate) if last is not None else level
        last = moment
        if level + 1 > burst + 1e-6:
            refused += 1
        else:
            level += 1
    return refused


def test_overflows_counts_what_a_portal_refuses() -> None:
    assert overflows([0.0] * 5, 5, 1.0) == 0
    assert overflows([0.0] * 7, 5, 1.0) == 2
    assert overflows([0.0] * 5 + [1.0], 5, 1.0) == 0


async def test_two_processes_share_one_bucket(redis_url: str) -> None:
    portal = f"test-{uuid.uuid4().hex}.bitrix24.com"
    start = str(time.time() + 2.0)  # both start together once their imports are done
    args = [sys.executable, "-c", WORKER, redis_url, portal, "40", start]
    workers = [
        await asyncio.create_subprocess_exec(*args, stdout=subprocess.PIPE) for _ in range(2)
    ]
    outputs = await asyncio.wait_for(asyncio.gather(*(w.communicate() for w in workers)), 30)
    assert all(worker.returncode == 0 for worker in workers)
    granted = [moment for out, _ in outputs for moment in json.loads(out)]
    assert len(granted) == 80
    assert overflows(granted, BURST, RATE) == 0  # together, within the portal's bucket
    assert max(granted) - min(granted) >= (80 - BURST) / RATE * 0.9  # so they did wait
    # each alone would have gone faster: neither process had the budget to itself
    first = json.loads(outputs[0][0])
    assert max(first) - min(first) >= 40 / RATE


async def test_two_bot_processes_never_overflow_the_portal(
    redis_url: str, emu: PortalEmulator, session: aiohttp.ClientSession
) -> None:
    emu.set_rate_limit(True, burst=5, per_second=50)
    anna, boris = member(emu, "Anna"), member(emu, "Boris")
    limits = PortalRateLimits(overrides={emu.base_url.split("//")[1]: RateLimit(5, 50)})
    first, second = RedisLimiter(redis_url, limits), RedisLimiter(redis_url, limits)
    try:
        one = Bitrix24Client(session, limiter=first, retry=FAST)
        two = Bitrix24Client(session, limiter=second, retry=FAST)
        calls = [(one if n % 2 else two).call(anna if n % 3 else boris, "user.current")
                 for n in range(100)]  # fmt: skip
        await asyncio.gather(*calls)
    finally:
        await first.close()
        await second.close()
        redis = Redis.from_url(redis_url)
        await redis.delete(KEY_PREFIX + emu.base_url.split("//")[1])
        await redis.aclose()
    assert statuses(emu) == [200] * 100


async def test_the_bucket_lives_under_its_key_and_expires(redis_url: str) -> None:
    portal = f"test-{uuid.uuid4().hex}.bitrix24.com"
    limiter = RedisLimiter(redis_url, PortalRateLimits(RateLimit(BURST, RATE)))
    try:
        await limiter.acquire(f"https://{portal}")
    finally:
        await limiter.close()
    redis = Redis.from_url(redis_url)
    try:
        ttl = await redis.pttl(KEY_PREFIX + portal)
        level = await redis.hget(KEY_PREFIX + portal, "level")
    finally:
        await redis.aclose()
    assert 0 < ttl <= 61_000
    assert level is not None and float(level) == pytest.approx(1.0, abs=0.1)


async def test_unreachable_redis_falls_back_to_memory_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"redis://:hunter2@127.0.0.1:{port}/0"
    limiter = RedisLimiter(url, PortalRateLimits(RateLimit(4, 20)))
    loop = asyncio.get_running_loop()
    started = loop.time()
    with caplog.at_level(logging.WARNING, logger="bot.adapters.bitrix24"):
        for _ in range(6):
            await limiter.acquire("https://test-fallback.bitrix24.com")
    await limiter.close()
    assert loop.time() - started >= 4 / 20 * 0.9  # still paced: 2 at once, then 20 a second
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "in memory" in warnings[0]
    assert "hunter2" not in warnings[0]
