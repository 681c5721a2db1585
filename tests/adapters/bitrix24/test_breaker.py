"""The circuit breaker per portal: a dead portal fails fast, then is probed, then trusted again."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from bot.adapters.bitrix24 import Bitrix24Client
from bot.adapters.bitrix24.breaker import BreakerPolicy, CircuitBreakers
from bot.core.errors import PortalUnavailable, TaskNotFound
from bot.core.render_errors import render_error
from bot.sandbox.bitrix24 import PortalEmulator
from tests.adapters.bitrix24.limit_kit import FAST, member, statuses

BROKEN = {"status": 500, "error": "INTERNAL_SERVER_ERROR", "description": "Internal server error"}
COOLDOWN = 0.5


@pytest.fixture
def client(session: aiohttp.ClientSession) -> Bitrix24Client:
    breakers = CircuitBreakers(BreakerPolicy(threshold=3, cooldown=COOLDOWN))
    return Bitrix24Client(session, timeout=0.5, retry=FAST, breakers=breakers)


async def test_three_failures_open_the_breaker_and_later_commands_fail_fast(
    emu: PortalEmulator, client: Bitrix24Client
) -> None:
    anna = member(emu)
    emu.fail_always(**BROKEN)  # type: ignore[arg-type]
    with pytest.raises(PortalUnavailable):
        await client.call(anna, "user.current")  # 1 try + 2 retries: three failures
    assert statuses(emu) == [500, 500, 500]
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(PortalUnavailable) as caught:
        await client.call(anna, "user.current")
    assert loop.time() - started < 0.1
    assert len(emu.requests) == 3  # the portal was not asked
    assert caught.value.code == "PORTAL_NOT_ANSWERING"
    assert "not answering" in caught.value.description
    assert "tries again in 1 s" in caught.value.description
    assert "not answering" in render_error(caught.value)


async def test_after_the_cooldown_one_probe_closes_it(
    emu: PortalEmulator, client: Bitrix24Client
) -> None:
    anna = member(emu)
    emu.fail_always(**BROKEN)  # type: ignore[arg-type]
    with pytest.raises(PortalUnavailable):
        await client.call(anna, "user.current")
    emu.clear_faults()
    await asyncio.sleep(COOLDOWN + 0.05)
    answers = await asyncio.gather(
        client.call(anna, "user.current"), client.call(anna, "user.current"),
        return_exceptions=True,
    )  # fmt: skip
    assert sum(isinstance(a, dict) for a in answers) == 1  # only the probe went through
    assert statuses(emu) == [500, 500, 500, 200]
    await client.call(anna, "user.current")  # closed again: everyone goes through
    assert statuses(emu)[-1] == 200


async def test_a_failed_probe_opens_it_for_another_cooldown(
    emu: PortalEmulator, client: Bitrix24Client
) -> None:
    anna = member(emu)
    emu.fail_always(**BROKEN)  # type: ignore[arg-type]
    with pytest.raises(PortalUnavailable):
        await client.call(anna, "user.current")
    await asyncio.sleep(COOLDOWN + 0.05)
    with pytest.raises(PortalUnavailable) as probe:
        await client.call(anna, "user.current")
    assert probe.value.code == "PORTAL_NOT_ANSWERING"  # the probe failed, the retry met it open
    assert len(emu.requests) == 4
    with pytest.raises(PortalUnavailable):
        await client.call(anna, "user.current")
    assert len(emu.requests) == 4


async def test_a_dead_portal_costs_one_timeout_round_not_one_per_command(
    emu: PortalEmulator, client: Bitrix24Client
) -> None:
    anna = member(emu)
    emu.hang_seconds = 2.0
    emu.fail_always(hang=True)
    loop = asyncio.get_running_loop()
    started = loop.time()
    for _ in range(5):
        with pytest.raises(PortalUnavailable):
            await client.call(anna, "user.current")
    assert loop.time() - started < 3.0  # three timeouts, then fast failures (not 5 × 3)


async def test_other_portals_are_unaffected(emu: PortalEmulator, client: Bitrix24Client) -> None:
    other = PortalEmulator()
    await other.start()
    try:
        anna, boris = member(emu), member(other, "Boris")
        emu.fail_always(**BROKEN)  # type: ignore[arg-type]
        for _ in range(2):
            with pytest.raises(PortalUnavailable):
                await client.call(anna, "user.current")
        user = await client.call(boris, "user.current")
        assert isinstance(user, dict) and user["NAME"] == "Boris"
    finally:
        await other.stop()


async def test_a_stopped_portal_opens_it(client: Bitrix24Client) -> None:
    emu = PortalEmulator()
    await emu.start()
    anna = member(emu)
    await emu.stop()
    with pytest.raises(PortalUnavailable) as first:
        await client.call(anna, "user.current")
    assert first.value.code == "CONNECTION"
    with pytest.raises(PortalUnavailable) as second:
        await client.call(anna, "user.current")
    assert second.value.code == "PORTAL_NOT_ANSWERING"


async def test_business_errors_are_answers_and_keep_it_closed(
    emu: PortalEmulator, client: Bitrix24Client
) -> None:
    anna = member(emu)
    for _ in range(4):
        with pytest.raises(TaskNotFound):
            await client.call(anna, "tasks.api.scrum.task.get", {"id": 424242})
    assert len(emu.requests) == 4
