"""The portal emulator's fault and limit controls, seen from a plain HTTP client."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.sandbox.bitrix24 import PortalEmulator


@pytest.fixture
async def portal() -> AsyncIterator[tuple[PortalEmulator, str, aiohttp.ClientSession]]:
    emu = PortalEmulator()
    await emu.start()
    user = emu.add_user("Anna")
    async with aiohttp.ClientSession() as http:
        yield emu, emu.webhook_url(user, emu.add_webhook(user)) + "user.current", http
    await emu.stop()


async def ask(http: aiohttp.ClientSession, url: str) -> tuple[int, dict[str, object]]:
    async with http.post(url, json={}) as response:
        return response.status, await response.json()


async def test_fail_always_lasts_until_cleared_after_queued_faults(
    portal: tuple[PortalEmulator, str, aiohttp.ClientSession],
) -> None:
    emu, url, http = portal
    emu.fail_next(status=502, error="X", description="queued")
    emu.fail_always(status=500, error="INTERNAL_SERVER_ERROR", description="Internal")
    assert [(await ask(http, url))[0] for _ in range(3)] == [502, 500, 500]
    emu.clear_faults()
    assert (await ask(http, url))[0] == 200


async def test_drop_closes_the_connection_without_an_answer(
    portal: tuple[PortalEmulator, str, aiohttp.ClientSession],
) -> None:
    emu, url, http = portal
    emu.fail_next(drop=True)
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await ask(http, url)
    assert [r.status for r in emu.requests] == [499]
    assert (await ask(http, url))[0] == 200


async def test_operating_limit_answers_429_with_the_reset_time(
    portal: tuple[PortalEmulator, str, aiohttp.ClientSession],
) -> None:
    emu, url, http = portal
    emu.set_operating_limit(5.0, charge=3.0)
    first, second = await ask(http, url), await ask(http, url)
    assert (first[0], second[0]) == (200, 200)
    assert isinstance(second[1]["time"], dict) and second[1]["time"]["operating"] == 6.0
    status, body = await ask(http, url)
    assert status == 429
    assert body["error"] == "OPERATION_TIME_LIMIT"
    assert body["error_description"] == "Method is blocked due to operation time limit."
    block = body["time"]
    assert isinstance(block, dict)
    assert time.time() + 590 < block["operating_reset_at"] <= time.time() + 600
    emu.set_operating_limit(None)
    assert (await ask(http, url))[0] == 200


async def test_an_injected_429_can_carry_its_reset_time(
    portal: tuple[PortalEmulator, str, aiohttp.ClientSession],
) -> None:
    emu, url, http = portal
    emu.fail_next(status=429, error="OPERATION_TIME_LIMIT", description="blocked", reset_in=30)
    status, body = await ask(http, url)
    block = body["time"]
    assert status == 429 and isinstance(block, dict)
    assert time.time() + 28 <= block["operating_reset_at"] <= time.time() + 30
