"""The operating-time budget: the client slows a method down before Bitrix24 would block it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from bot.adapters.bitrix24 import Bitrix24Client
from bot.adapters.bitrix24.operating import OperatingMeter, OperatingPolicy
from bot.core.errors import RateLimited
from bot.sandbox.bitrix24 import PortalEmulator
from tests.adapters.bitrix24.limit_kit import FAST, member, statuses

BUDGET = 10.0  # the emulated portal's operating limit, seconds per 10 minutes


class Pauses:
    """Sleeps for real and remembers every pause the client took."""

    def __init__(self) -> None:
        self.taken: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.taken.append(seconds)
        await asyncio.sleep(seconds)


def careful(session: aiohttp.ClientSession, pauses: Pauses) -> Bitrix24Client:
    """A client that knows the portal's budget and starts slowing down at half of it."""
    meter = OperatingMeter(OperatingPolicy(limit=BUDGET, soft=0.5, max_pause=0.4))
    return Bitrix24Client(session, retry=FAST, operating=meter, sleep=pauses)


async def test_a_method_near_its_budget_is_slowed_then_held_back_not_refused(
    emu: PortalEmulator, session: aiohttp.ClientSession
) -> None:
    anna = member(emu)
    emu.set_operating_limit(BUDGET, charge=3.0)  # every call bills 3 s
    pauses = Pauses()
    client = careful(session, pauses)
    for _ in range(4):  # 3 s, 6 s, 9 s, 12 s used; the portal allows a call below 10 s
        await client.call(anna, "user.current")
    assert pauses.taken == [pytest.approx(0.08), pytest.approx(0.32)]  # 20 % and 80 % of the way
    with pytest.raises(RateLimited) as caught:  # 12 s: the portal would refuse; not sent
        await client.call(anna, "user.current")
    assert statuses(emu) == [200, 200, 200, 200]
    retry_at = caught.value.retry_at
    assert retry_at is not None
    assert retry_at > datetime.now(UTC) + timedelta(minutes=9)
    with pytest.raises(RateLimited):
        await client.call(anna, "user.current")
    assert 429 not in statuses(emu)


async def test_without_the_meter_the_portal_refuses_with_429(
    emu: PortalEmulator, session: aiohttp.ClientSession
) -> None:
    """The control: the emulator really blocks a method past its budget."""
    anna = member(emu)
    emu.set_operating_limit(BUDGET, charge=3.0)
    client = Bitrix24Client(session, retry=FAST)  # believes in the default 480 s
    for _ in range(4):
        await client.call(anna, "user.current")
    with pytest.raises(RateLimited):
        await client.call(anna, "user.current")
    assert statuses(emu) == [200, 200, 200, 200, 429]


async def test_batch_sub_results_count_for_their_own_methods(
    emu: PortalEmulator, session: aiohttp.ClientSession
) -> None:
    anna = member(emu)
    emu.set_operating_limit(BUDGET, charge=2.0)
    pauses = Pauses()
    client = careful(session, pauses)
    commands = {f"me{n}": ("user.current", {}) for n in range(4)}  # 8 s of user.current
    await client.batch(anna, commands, halt=False)
    assert pauses.taken == []
    await client.call(anna, "user.current")
    assert pauses.taken == [pytest.approx(0.24)]  # 8 s is 60 % of the way from 5 s to 10 s
    await client.call(anna, "user.get", {"ID": anna.user_id})  # another method: no pause
    assert len(pauses.taken) == 1
