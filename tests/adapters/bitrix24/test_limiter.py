"""The per-portal leaky bucket: settings, arithmetic, and 300 requests against the portal's own."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from bot.adapters.bitrix24 import Bitrix24Client
from bot.adapters.bitrix24.limiter import (
    MemoryLimiter,
    PortalRateLimits,
    RateLimit,
    parse_portal_rates,
    parse_rate,
    portal_key,
)
from bot.config import SettingsError, load_settings
from bot.sandbox.bitrix24 import PortalEmulator
from tests.adapters.bitrix24.limit_kit import FAST, member, statuses

PORTAL = "https://team.bitrix24.com"


class FakeTime:
    """A clock that only moves when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_rates_parse_from_settings_text() -> None:
    assert parse_rate("50/2") == RateLimit(50, 2.0)
    assert parse_rate(" 250/5 ") == RateLimit(250, 5.0)
    rates = parse_portal_rates("big.bitrix24.ru=250/5, https://other.bitrix24.de/=100/3,")
    assert rates == {"big.bitrix24.ru": RateLimit(250, 5.0), "other.bitrix24.de": RateLimit(100, 3)}
    assert parse_portal_rates("") == {}


@pytest.mark.parametrize("text", ["50", "0/2", "50/0", "x/y", "50/-1", "50/2/3", ""])
def test_a_malformed_rate_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"BURST/PER_SECOND|burst of at least 1"):
        parse_rate(text)


def test_overrides_apply_to_their_portal_only() -> None:
    limits = PortalRateLimits(RateLimit(50, 2), parse_portal_rates("big.bitrix24.ru=250/5"))
    assert limits.of("https://big.bitrix24.ru") == RateLimit(250, 5)
    assert limits.of("https://BIG.bitrix24.ru/") == RateLimit(250, 5)
    assert limits.of(PORTAL) == RateLimit(50, 2)
    assert portal_key("http://127.0.0.1:8080") == "127.0.0.1:8080"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("BITRIX24_RATE_LIMIT", "fast", "BITRIX24_RATE_LIMIT: 'fast' is not BURST/PER_SECOND"),
        ("BITRIX24_PORTAL_RATE_LIMITS", "big.bitrix24.ru", "BITRIX24_PORTAL_RATE_LIMITS: "),
        ("REDIS_URL", "localhost:6379", "REDIS_URL: must be a redis://"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_settings_defaults_and_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    defaults = load_settings()
    assert (defaults.rate_limits.default, defaults.redis_url) == (RateLimit(50, 2), None)
    monkeypatch.setenv("BITRIX24_RATE_LIMIT", "40/1.5")
    monkeypatch.setenv("BITRIX24_PORTAL_RATE_LIMITS", "big.bitrix24.ru=250/5")
    limits = load_settings().rate_limits
    assert limits.of(PORTAL) == RateLimit(40, 1.5)
    assert limits.of("https://big.bitrix24.ru") == RateLimit(250, 5)


def test_the_bucket_keeps_a_margin_then_drains_at_the_portal_rate() -> None:
    clock = FakeTime()
    limiter = MemoryLimiter(PortalRateLimits(RateLimit(5, 2)), clock=clock, sleep=clock.sleep)
    waits = [limiter.try_take(PORTAL) for _ in range(5)]
    assert waits == [0.0, 0.0, 0.0, 0.5, 0.5]  # burst 5 less a margin of 2; a wait takes none
    clock.now += 10.0
    assert limiter.try_take(PORTAL) == 0.0


async def test_waiters_are_let_through_at_the_drain_rate() -> None:
    clock = FakeTime()
    limiter = MemoryLimiter(PortalRateLimits(RateLimit(5, 2)), clock=clock, sleep=clock.sleep)
    sent = []
    for _ in range(6):
        await limiter.acquire(PORTAL)
        sent.append(clock.now)
    assert sent == [0.0, 0.0, 0.0, 0.5, 1.0, 1.5]


async def test_members_of_one_portal_share_a_bucket_other_portals_do_not() -> None:
    clock = FakeTime()
    limiter = MemoryLimiter(PortalRateLimits(RateLimit(4, 1)), clock=clock, sleep=clock.sleep)
    await limiter.acquire(PORTAL)  # Anna
    await limiter.acquire(PORTAL + "/")  # Boris, same portal
    assert clock.now == 0.0
    await limiter.acquire("https://other.bitrix24.com")
    assert clock.now == 0.0  # a portal of its own
    await limiter.acquire(PORTAL)  # the third request to the shared portal waits
    assert clock.now == pytest.approx(1.0)


async def test_300_requests_from_two_members_never_overflow_the_portal(
    emu: PortalEmulator, session: aiohttp.ClientSession
) -> None:
    emu.set_rate_limit(True, burst=5, per_second=50)
    anna, boris = member(emu, "Anna"), member(emu, "Boris")
    limiter = MemoryLimiter(PortalRateLimits(RateLimit(5, 50)))
    client = Bitrix24Client(session, limiter=limiter, retry=FAST)
    started = asyncio.get_running_loop().time()
    answers = await asyncio.gather(
        *(client.call(anna if n % 2 else boris, "user.current") for n in range(300))
    )
    elapsed = asyncio.get_running_loop().time() - started
    assert len(answers) == 300
    assert statuses(emu) == [200] * 300  # the portal never had to refuse one
    assert elapsed >= (300 - 3) / 50 * 0.95  # they waited for slots


async def test_without_the_limiter_the_same_burst_overflows(
    emu: PortalEmulator, session: aiohttp.ClientSession
) -> None:
    """The control: the emulator's bucket really refuses a burst the limiter would shape."""
    emu.set_rate_limit(True, burst=5, per_second=50)
    anna = member(emu)
    generous = MemoryLimiter(PortalRateLimits(RateLimit(10_000, 1000)))
    client = Bitrix24Client(session, limiter=generous, retry=FAST)
    calls = (client.call(anna, "user.current") for _ in range(30))
    await asyncio.gather(*calls, return_exceptions=True)
    assert 503 in statuses(emu)
