"""Writes of one member that arrive while their request is in flight share the next request.

The emulator answers after `latency` seconds, so "in flight" is a real, measurable window.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.core.errors import CredentialsRejected, TaskNotFound
from bot.core.model import ItemChanges, ItemWrite, TaskState
from tests.adapters.bitrix24.conftest import Scrum
from tests.portals import link

LATENCY = 0.2
IN_FLIGHT = 0.05  # well inside the first request's latency


async def test_writes_during_a_request_ride_together_in_the_next(scrum: Scrum) -> None:
    first, *rest = scrum.tasks(6, story_points="1")
    scrum.emu.latency = LATENCY
    scrum.emu.clear_log()
    tracker, credential = scrum.tracker, scrum.credential
    opening = asyncio.create_task(
        tracker.update_item(credential, first, ItemChanges(story_points="2"))
    )
    await asyncio.sleep(IN_FLIGHT)
    singles = [tracker.update_item(credential, t, ItemChanges(story_points="3")) for t in rest[:3]]
    bulk = tracker.update_items(
        credential, [ItemWrite(t, ItemChanges(story_points="5")) for t in rest[3:]]
    )
    async with asyncio.timeout(5):
        before_first = await opening
        *befores, bulk_results = await asyncio.gather(*singles, bulk)
    assert before_first.info.id == first
    assert [b.info.id for b in befores] == rest[:3]
    assert [r.info.id for r in bulk_results if isinstance(r, TaskState)] == rest[3:]
    assert [scrum.held(t).story_points for t in [first, *rest]] == ["2", "3", "3", "3", "5", "5"]
    assert len(scrum.emu.requests) == 2
    assert len(scrum.batches()[1]) == 5 * 3


async def test_each_caller_gets_its_own_error(scrum: Scrum) -> None:
    first, second = scrum.tasks(2)
    scrum.emu.latency = LATENCY
    tracker, credential = scrum.tracker, scrum.credential
    opening = asyncio.create_task(
        tracker.update_item(credential, first, ItemChanges(story_points="2"))
    )
    await asyncio.sleep(IN_FLIGHT)
    async with asyncio.timeout(5):
        missing, found = await asyncio.gather(
            tracker.update_item(credential, 424242, ItemChanges(story_points="3")),
            tracker.update_item(credential, second, ItemChanges(story_points="3")),
            return_exceptions=True,
        )
        await opening
    assert isinstance(missing, TaskNotFound)
    assert isinstance(found, TaskState) and found.info.id == second
    assert scrum.held(second).story_points == "3"
    assert len(scrum.emu.requests) == 2


async def test_more_than_sixteen_waiting_writes_take_two_requests(scrum: Scrum) -> None:
    first, *rest = scrum.tasks(21)
    scrum.emu.latency = LATENCY
    tracker, credential = scrum.tracker, scrum.credential
    opening = asyncio.create_task(
        tracker.update_item(credential, first, ItemChanges(story_points="2"))
    )
    await asyncio.sleep(IN_FLIGHT)
    async with asyncio.timeout(5):
        results = await asyncio.gather(
            *(tracker.update_item(credential, t, ItemChanges(story_points="4")) for t in rest)
        )
        await opening
    assert [r.info.id for r in results] == rest
    assert {scrum.held(t).story_points for t in rest} == {"4"}
    assert [len(b) for b in scrum.batches()] == [3, 16 * 3, 4 * 3]


async def test_different_members_never_share_a_request(scrum: Scrum) -> None:
    emu = scrum.emu
    boris = emu.add_user("Boris")
    emu.add_member(scrum.group_id, boris)
    boris_credential = link(emu, boris)
    first, anna_task, boris_task = scrum.tasks(3)
    emu.latency = LATENCY
    emu.clear_log()
    tracker, anna = scrum.tracker, scrum.credential
    opening = asyncio.create_task(tracker.update_item(anna, first, ItemChanges(story_points="2")))
    await asyncio.sleep(IN_FLIGHT)
    async with asyncio.timeout(5):
        await asyncio.gather(
            tracker.update_item(anna, anna_task, ItemChanges(story_points="3")),
            tracker.update_item(boris_credential, boris_task, ItemChanges(story_points="5")),
        )
        await opening
    assert sorted(r.user_id or 0 for r in emu.requests) == [scrum.user_id] * 2 + [boris]
    assert scrum.held(boris_task).modified_by == boris
    assert scrum.held(anna_task).modified_by == scrum.user_id


async def test_a_failed_request_fails_every_caller_riding_in_it(scrum: Scrum) -> None:
    ids = scrum.tasks(4)
    scrum.emu.latency = LATENCY
    tracker, credential = scrum.tracker, scrum.credential
    opening = asyncio.create_task(
        tracker.update_item(credential, ids[0], ItemChanges(story_points="2"))
    )
    await asyncio.sleep(IN_FLIGHT)
    riders = [tracker.update_item(credential, t, ItemChanges(story_points="3")) for t in ids[1:]]
    scrum.emu.revoke_webhook(credential.secret)
    async with asyncio.timeout(5):
        outcomes = await asyncio.gather(opening, *riders, return_exceptions=True)
    assert [type(o) for o in outcomes] == [CredentialsRejected] * 4
    assert {scrum.held(t).story_points for t in ids} == {"1"}


@pytest.mark.parametrize("count", [1, 3])
async def test_writes_started_together_go_out_at_once(scrum: Scrum, count: int) -> None:
    ids = scrum.tasks(count)
    scrum.emu.clear_log()
    async with asyncio.timeout(5):
        await asyncio.gather(
            *(
                scrum.tracker.update_item(scrum.credential, t, ItemChanges(story_points="7"))
                for t in ids
            )
        )
    assert len(scrum.emu.requests) == 1
    assert {scrum.held(t).story_points for t in ids} == {"7"}
