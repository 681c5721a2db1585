"""Retries against the portal emulator: what is asked again, how often, and what is never."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from bot.adapters.bitrix24 import Bitrix24Client
from bot.adapters.bitrix24.retry import RetryPolicy, is_repeatable
from bot.core.errors import PortalUnavailable, RateLimited
from bot.core.render_errors import render_error
from bot.sandbox.bitrix24 import PortalEmulator
from tests.adapters.bitrix24.limit_kit import FAST, member, statuses

ADD = {"fields": {"TITLE": "Write release notes", "RESPONSIBLE_ID": 1}}
BUSY = {"status": 503, "error": "QUERY_LIMIT_EXCEEDED", "description": "Too many requests"}
LIMIT = {"status": 429, "error": "OPERATION_TIME_LIMIT",
         "description": "Method is blocked due to operation time limit."}  # fmt: skip
BROKEN: list[dict[str, object]] = [
    {"status": 500, "error": "INTERNAL_SERVER_ERROR", "description": "Internal server error"},
    {"status": 502, "html": True, "description": "Bad Gateway"},
    {"status": 504, "html": True, "description": "Gateway Timeout"},
    {"drop": True},
    {"hang": True},
]


@pytest.fixture
def client(session: aiohttp.ClientSession) -> Bitrix24Client:
    return Bitrix24Client(session, timeout=0.5, retry=FAST)


def test_creates_are_never_repeated_updates_and_reads_are() -> None:
    assert is_repeatable(["tasks.api.scrum.task.update", "tasks.task.get", "user.current"])
    assert not is_repeatable(["tasks.task.add"])
    assert not is_repeatable(["batch", "tasks.task.get", "tasks.task.add"])
    assert not is_repeatable(["tasks.api.scrum.sprint.start"])


async def test_a_busy_portal_is_asked_again(emu: PortalEmulator, client: Bitrix24Client) -> None:
    anna = member(emu)
    emu.fail_next(2, **BUSY)  # type: ignore[arg-type]
    user = await client.call(anna, "user.current")
    assert isinstance(user, dict) and user["NAME"] == "Anna"
    assert statuses(emu) == [503, 503, 200]


async def test_a_busy_portal_that_stays_busy_ends_in_a_readable_error(
    emu: PortalEmulator, client: Bitrix24Client
) -> None:
    anna = member(emu)
    emu.fail_always(**BUSY)  # type: ignore[arg-type]
    with pytest.raises(RateLimited) as caught:
        await client.call(anna, "user.current")
    assert statuses(emu) == [503] * FAST.busy_attempts
    assert render_error(caught.value).startswith("Bitrix24 is busy (too many requests).")


async def test_503_is_repeated_even_for_a_create(
    emu: PortalEmulator, client: Bitrix24Client
) -> None:
    anna = member(emu)
    emu.fail_next(**BUSY)  # type: ignore[arg-type]
    await client.call(anna, "tasks.task.add", ADD)
    assert statuses(emu) == [503, 200]
    assert [task.title for task in emu.tasks_created()] == ["Write release notes"]


async def test_an_operating_limit_that_resets_soon_is_waited_out(
    emu: PortalEmulator, client: Bitrix24Client
) -> None:
    anna = member(emu)
    emu.fail_next(**LIMIT, reset_in=2.0)  # type: ignore[arg-type]
    loop = asyncio.get_running_loop()
    started = loop.time()
    await client.call(anna, "user.current")
    assert loop.time() - started >= 1.0  # operating_reset_at is a whole second 1-2 s ahead
    assert statuses(emu) == [429, 200]


async def test_an_operating_limit_far_away_tells_the_member_when(
    emu: PortalEmulator, client: Bitrix24Client
) -> None:
    anna = member(emu)
    emu.fail_next(**LIMIT, reset_in=300.0)  # type: ignore[arg-type]
    with pytest.raises(RateLimited) as caught:
        await client.call(anna, "user.current")
    expected = datetime.now(UTC) + timedelta(seconds=300)
    assert caught.value.retry_at is not None
    assert abs(caught.value.retry_at - expected) < timedelta(seconds=3)
    assert "resets at" in render_error(caught.value)
    with pytest.raises(RateLimited):  # known blocked: the portal is not even asked
        await client.call(anna, "user.current")
    assert statuses(emu) == [429]
    await client.call(anna, "user.get", {"ID": anna.user_id})  # other methods still work
    assert statuses(emu) == [429, 200]


@pytest.mark.parametrize("fault", BROKEN)
async def test_a_broken_answer_is_retried_for_a_read(
    emu: PortalEmulator, client: Bitrix24Client, fault: dict[str, object]
) -> None:
    anna = member(emu)
    emu.hang_seconds = 1.0
    emu.fail_next(**fault)  # type: ignore[arg-type]
    user = await client.call(anna, "user.current")
    assert isinstance(user, dict) and user["NAME"] == "Anna"
    await asyncio.sleep(0.6 if fault.get("hang") else 0)  # the hung request reaches the log
    assert sorted(statuses(emu)) == sorted([200, 499 if fault.get("drop") else fault_status(fault)])


def fault_status(fault: dict[str, object]) -> int:
    """The status a fault is logged with (a hang answers the default 503 once it ends)."""
    status = fault.get("status", 503)
    assert isinstance(status, int)
    return status


@pytest.mark.parametrize("fault", BROKEN)
async def test_a_broken_answer_is_never_retried_for_a_create(
    emu: PortalEmulator, client: Bitrix24Client, fault: dict[str, object]
) -> None:
    anna = member(emu)
    emu.hang_seconds = 1.0
    emu.fail_always(**fault)  # type: ignore[arg-type]
    with pytest.raises(PortalUnavailable):
        await client.call(anna, "tasks.task.add", ADD)
    commands = {"task": ("tasks.task.add", ADD), "me": ("user.current", {})}
    with pytest.raises(PortalUnavailable):
        await client.batch(anna, commands, halt=True)
    await asyncio.sleep(1.2 if fault.get("hang") else 0)
    assert [request.method for request in emu.requests] == ["tasks.task.add", "batch"]


async def test_a_persistent_failure_gives_up_after_the_bounded_tries(
    emu: PortalEmulator, client: Bitrix24Client
) -> None:
    anna = member(emu)
    emu.fail_always(status=500, error="INTERNAL_SERVER_ERROR", description="Internal error")
    with pytest.raises(PortalUnavailable) as caught:
        await client.call(anna, "tasks.api.scrum.task.update", {"id": 1, "fields": {}})
    assert caught.value.code == "INTERNAL_SERVER_ERROR"
    assert statuses(emu) == [500] * (1 + FAST.transient_retries)


async def test_retries_stop_at_the_total_time_budget(
    emu: PortalEmulator, session: aiohttp.ClientSession
) -> None:
    anna = member(emu)
    emu.fail_always(**BUSY)  # type: ignore[arg-type]
    patient = RetryPolicy(busy_attempts=100, busy_delay=0.1, max_delay=0.1, total=0.5)
    client = Bitrix24Client(session, retry=patient)
    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(RateLimited):
        await client.call(anna, "user.current")
    assert loop.time() - started < 1.0
    assert 3 <= len(emu.requests) <= 12
