"""Many tasks in one message during the standup: one bulk write, one reply."""

from __future__ import annotations

import asyncio
import time

from tests.e2e.conftest import World


def _tasks(team: World, count: int, points: str = "3") -> list[int]:
    return [team.portal.add_task(f"Story {n}", group_id=team.group_id,
                                 responsible_id=team.bob_id, entity_id=team.backlog_id,
                                 story_points=points)
            for n in range(1, count + 1)]


async def test_one_failing_task_among_good_ones(team: World) -> None:
    first, second = _tasks(team, 2)
    before = len(team.telegram.bot_messages(team.chat))

    reply = await team.say(team.chat, team.bob, f"/sp {first} 99999 {second} 8")

    assert reply.text.split("\n") == [
        "3 tasks: 2 changed, 1 failed",
        f"#{first} Story 1: story points 3 → 8",
        "#99999: not found or not visible to you",
        f"#{second} Story 2: story points 3 → 8",
    ]
    for task in (first, second):
        assert team.portal.item(task).story_points == "8"  # type: ignore[union-attr]
    assert [r.method for r in team.portal.requests] == ["batch"]
    await asyncio.sleep(0.3)
    assert len(team.telegram.bot_messages(team.chat)) == before + 1  # one reply


async def test_pairs_give_each_task_its_own_points(team: World) -> None:
    first, second = _tasks(team, 2)

    reply = await team.say(team.chat, team.bob, f"/sp {first} 8 {second} 13 {team.task} 1")

    assert reply.text.startswith("3 tasks: 3 changed, 0 failed\n")
    values = [team.portal.item(t).story_points for t in (first, second, team.task)]  # type: ignore[union-attr]
    assert values == ["8", "13", "1"]


async def test_200_tasks_in_one_message_take_a_handful_of_requests(team: World) -> None:
    tasks = _tasks(team, 200)
    before = len(team.telegram.bot_messages(team.chat))
    started = time.monotonic()

    reply = await team.say(team.chat, team.alice, f"/sp {' '.join(map(str, tasks))} 5",
                           wait=60.0)

    elapsed = time.monotonic() - started
    assert reply.text.startswith("200 tasks: 200 changed, 0 failed\n")
    assert len(reply.text) <= 4096
    assert all(team.portal.item(t).story_points == "5" for t in tasks)  # type: ignore[union-attr]
    assert len(team.portal.requests) <= 9, [r.method for r in team.portal.requests]
    await asyncio.sleep(0.3)
    assert len(team.telegram.bot_messages(team.chat)) == before + 1
    print(f"200 tasks: {len(team.portal.requests)} requests, {elapsed:.2f} s")


async def test_move_and_epic_of_several_tasks(team: World) -> None:
    first, second = _tasks(team, 2)

    moved = await team.say(team.chat, team.bob, f"/move {first},{second} sprint-3")
    epic = await team.say(team.chat, team.bob, f"/epic {first} {second} Payments")

    assert moved.text.split("\n")[0] == "2 tasks: 2 changed, 0 failed"
    assert f"#{second} Story 2: moved Backlog → Sprint 3" in moved.text
    assert epic.text.split("\n")[1] == f"#{first} Story 1: epic no epic → Payments"
    for task in (first, second):
        item = team.portal.item(task)
        assert item is not None
        assert (item.entity_id, item.epic_id) == (team.sprint_next, team.epic_payments)
    assert [r.method for r in team.portal.requests] == ["batch", "batch"]  # warm cache


async def test_a_task_of_this_scrum_without_an_item_joins_the_backlog(team: World) -> None:
    loose = team.portal.add_task("Loose end", group_id=team.group_id,
                                 responsible_id=team.bob_id)

    reply = await team.say(team.chat, team.bob, f"/sp {team.task} {loose} 2")

    assert reply.text.split("\n")[2] == f"#{loose} Loose end: story points — → 2"
    item = team.portal.item(loose)
    assert item is not None and (item.entity_id, item.story_points) == (team.backlog_id, "2")
