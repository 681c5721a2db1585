"""`update_items` against the portal emulator: what the portal holds afterwards, what each task's
result says, and how many HTTP requests it cost (at most ceil(N/25) + 1)."""

from __future__ import annotations

import math

import pytest

from bot.core.errors import (
    AccessDenied,
    CredentialsRejected,
    EpicNotFound,
    NotInScrum,
    TaskNotFound,
)
from bot.core.model import ItemChanges, ItemWrite, TaskState
from tests.adapters.bitrix24.conftest import Scrum

TASK_GET, ITEM_GET = "tasks.task.get", "tasks.api.scrum.task.get"
ITEM_UPDATE, TASK_LIST = "tasks.api.scrum.task.update", "tasks.task.list"


def points(task_ids: list[int], value: str = "8") -> list[ItemWrite]:
    """A story-points write per task."""
    return [ItemWrite(task_id, ItemChanges(story_points=value)) for task_id in task_ids]


def states(results: list[TaskState | Exception]) -> list[TaskState]:
    """The results, which must all be states (no task failed)."""
    assert all(isinstance(r, TaskState) for r in results), results
    return [r for r in results if isinstance(r, TaskState)]


async def test_one_write_is_one_request(scrum: Scrum) -> None:
    (task_id,) = scrum.tasks(1, story_points="3")
    scrum.emu.clear_log()
    (before,) = states(await scrum.tracker.update_items(scrum.credential, points([task_id])))
    assert before.item is not None
    assert (before.info.id, before.item.story_points) == (task_id, "3")
    assert scrum.held(task_id).story_points == "8"
    assert scrum.batches() == [(TASK_GET, ITEM_GET, ITEM_UPDATE)]


async def test_sixteen_writes_are_one_request(scrum: Scrum) -> None:
    ids = scrum.tasks(16)
    scrum.emu.clear_log()
    results = states(await scrum.tracker.update_items(scrum.credential, points(ids)))
    assert [r.info.id for r in results] == ids
    assert all(r.item is not None and r.item.story_points == "1" for r in results)
    assert [scrum.held(t).story_points for t in ids] == ["8"] * 16
    assert scrum.batches() == [(TASK_GET, ITEM_GET, ITEM_UPDATE) * 16]


async def test_seventeen_writes_are_a_listing_and_one_write_batch(scrum: Scrum) -> None:
    ids = scrum.tasks(17)
    scrum.emu.clear_log()
    results = states(await scrum.tracker.update_items(scrum.credential, points(ids, "5")))
    assert [(r.info.id, r.info.title) for r in results] == [
        (t, f"Task {n}") for n, t in enumerate(ids)
    ]
    assert [scrum.held(t).story_points for t in ids] == ["5"] * 17
    assert scrum.batches() == [(TASK_LIST,), (ITEM_GET, ITEM_UPDATE) * 17]


async def test_two_hundred_writes_cost_at_most_n_over_25_plus_one_requests(scrum: Scrum) -> None:
    ids = scrum.tasks(200)
    sprint = scrum.emu.add_sprint(scrum.group_id, "Sprint 1", "active")
    writes = [ItemWrite(t, ItemChanges(entity_id=sprint, story_points=str(t % 13))) for t in ids]
    scrum.emu.clear_log()
    results = states(await scrum.tracker.update_items(scrum.credential, writes))
    assert [r.info.id for r in results] == ids
    assert all(r.item is not None and r.item.entity_id == scrum.backlog_id for r in results)
    assert [(scrum.held(t).entity_id, scrum.held(t).story_points) for t in ids] == [
        (sprint, str(t % 13)) for t in ids
    ]
    batches = scrum.batches()
    assert len(batches) <= math.ceil(200 / 25) + 1
    assert len(batches) == 9
    assert batches[0] == (TASK_LIST,) * 4
    assert all(len(b) <= 50 for b in batches)


@pytest.mark.parametrize("padding", [0, 20], ids=["one batch", "listing first"])
async def test_one_bad_task_never_fails_the_others(scrum: Scrum, padding: int) -> None:
    emu = scrum.emu
    good, *others = scrum.tasks(1 + padding, story_points="2")
    loose = emu.add_task("Loose", group_id=scrum.group_id, responsible_id=scrum.user_id)
    boss = emu.add_user("Boss")
    board = emu.add_group("Board", owner_id=boss, scrum_master_id=boss)
    hidden = emu.add_task(
        "Hidden", group_id=board, responsible_id=boss, entity_id=emu.backlog_id(board),
        story_points="3",
    )  # fmt: skip
    new_home = ItemChanges(entity_id=scrum.backlog_id, story_points="8", created_by=scrum.user_id)
    writes = [
        ItemWrite(good, ItemChanges(story_points="8")),
        ItemWrite(424242, ItemChanges(story_points="8")),
        ItemWrite(loose, new_home),  # no item and not `create`: must not be put in the Scrum
        ItemWrite(hidden, ItemChanges(story_points="8")),
        ItemWrite(good, ItemChanges(epic_id=777)),
        *points(others),
    ]
    emu.clear_log()
    results = await scrum.tracker.update_items(scrum.credential, writes)
    kinds = [type(r) for r in results[:5]]
    assert kinds == [TaskState, TaskNotFound, NotInScrum, AccessDenied, EpicNotFound]
    not_in_scrum = results[2]
    assert isinstance(not_in_scrum, NotInScrum) and not_in_scrum.task is not None
    assert (not_in_scrum.task.id, not_in_scrum.task.title) == (loose, "Loose")
    assert (emu.item(loose), emu.item(424242)) == (None, None)
    assert (scrum.held(hidden).story_points, scrum.held(good).story_points) == ("3", "8")
    assert scrum.held(good).epic_id == 0
    assert [scrum.held(t).story_points for t in others] == ["8"] * padding
    assert len(emu.requests) == (1 if padding == 0 else 2)


@pytest.mark.parametrize("padding", [0, 20], ids=["one batch", "listing first"])
async def test_create_puts_tasks_without_an_item_in_the_backlog(scrum: Scrum, padding: int) -> None:
    emu = scrum.emu
    loose = [
        emu.add_task(f"Loose {n}", group_id=scrum.group_id, responsible_id=scrum.user_id)
        for n in range(2)
    ]
    new_home = ItemChanges(entity_id=scrum.backlog_id, story_points="5", created_by=scrum.user_id)
    writes = [ItemWrite(t, new_home, create=True) for t in loose] + points(scrum.tasks(padding))
    results = states(await scrum.tracker.update_items(scrum.credential, writes))
    assert [(r.info.title, r.item) for r in results[:2]] == [("Loose 0", None), ("Loose 1", None)]
    assert [(scrum.held(t).entity_id, scrum.held(t).story_points) for t in loose] == [
        (scrum.backlog_id, "5"),
        (scrum.backlog_id, "5"),
    ]


async def test_the_same_task_twice_sees_its_first_write(scrum: Scrum) -> None:
    (task_id,) = scrum.tasks(1, story_points="1")
    writes = points([task_id], "3") + points([task_id], "5")
    first, second = states(await scrum.tracker.update_items(scrum.credential, writes))
    assert (first.item, second.item) != (None, None)
    assert [s.item.story_points for s in (first, second) if s.item] == ["1", "3"]
    assert scrum.held(task_id).story_points == "5"


async def test_a_rejected_webhook_is_raised_not_returned(scrum: Scrum) -> None:
    ids = scrum.tasks(20)
    scrum.emu.revoke_webhook(scrum.credential.secret)
    for chunk in (ids[:3], ids):
        with pytest.raises(CredentialsRejected):
            await scrum.tracker.update_items(scrum.credential, points(chunk))
    assert {scrum.held(t).story_points for t in ids} == {"1"}


async def test_no_writes_cost_nothing_and_empty_changes_are_refused(scrum: Scrum) -> None:
    scrum.emu.clear_log()
    assert await scrum.tracker.update_items(scrum.credential, []) == []
    with pytest.raises(ValueError, match="at least one field"):
        await scrum.tracker.update_items(scrum.credential, [ItemWrite(1, ItemChanges())])
    assert scrum.emu.requests == []
