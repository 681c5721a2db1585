"""`read_tasks` against the portal emulator: what each task's result says and how many HTTP
requests it cost (one up to 25 tasks, at most ceil(N/50) + 1 beyond)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest

from bot.core.errors import AccessDenied, CredentialsRejected, TaskNotFound, TrackerError
from bot.core.model import TaskState
from tests.adapters.bitrix24.conftest import Scrum

TASK_GET, ITEM_GET, TASK_LIST = "tasks.task.get", "tasks.api.scrum.task.get", "tasks.task.list"
MISSING = 424242


def odd_ones(scrum: Scrum) -> tuple[int, int]:
    """A task of the Scrum's group without a Scrum item, and one in a group the member is not in."""
    emu = scrum.emu
    loose = emu.add_task("Loose", group_id=scrum.group_id, responsible_id=scrum.user_id)
    boss = emu.add_user("Boss")
    board = emu.add_group("Board", owner_id=boss, scrum_master_id=boss)
    hidden = emu.add_task(
        "Hidden", group_id=board, responsible_id=boss, entity_id=emu.backlog_id(board),
        story_points="3",
    )  # fmt: skip
    return loose, hidden


def points(results: Sequence[TaskState | TrackerError]) -> list[tuple[int, str, str | None]]:
    """(id, title, story points or None without an item) per result, which must all be states."""
    assert all(isinstance(r, TaskState) for r in results), results
    return [
        (r.info.id, r.info.title, r.item.story_points if r.item else None)
        for r in results
        if isinstance(r, TaskState)
    ]


@pytest.mark.parametrize("padding", [0, 40], ids=["one batch", "listing"])
async def test_each_task_in_order_with_its_own_error(scrum: Scrum, padding: int) -> None:
    (good,) = scrum.tasks(1, story_points="5")
    loose, hidden = odd_ones(scrum)
    others = scrum.tasks(padding, story_points="2")
    scrum.emu.clear_log()
    asked = [good, MISSING, loose, hidden, good, *others]
    results = await scrum.tracker.read_tasks(scrum.credential, asked)
    assert len(results) == len(asked)
    assert [type(r) for r in results[:5]] == [
        TaskState, TaskNotFound, TaskState, AccessDenied, TaskState,
    ]  # fmt: skip
    assert points([results[0], results[2], results[4]]) == [
        (good, "Task 0", "5"), (loose, "Loose", None), (good, "Task 0", "5"),
    ]  # fmt: skip
    first = results[0]
    assert isinstance(first, TaskState) and first.item is not None
    assert first.item.entity_id == scrum.backlog_id
    assert points(results[5:]) == [(t, f"Task {n}", "2") for n, t in enumerate(others)]
    batches = scrum.batches()
    if padding == 0:  # four distinct tasks: a task read and an item read each
        assert batches == [(TASK_GET, ITEM_GET) * 4]
    else:  # 44 distinct tasks: one listing page and 44 item reads fill one batch
        assert batches == [(TASK_LIST,) + (ITEM_GET,) * 44]


async def test_twenty_five_tasks_are_one_request(scrum: Scrum) -> None:
    ids = scrum.tasks(25)
    scrum.emu.clear_log()
    results = await scrum.tracker.read_tasks(scrum.credential, ids)
    assert points(results) == [(t, f"Task {n}", "1") for n, t in enumerate(ids)]
    assert scrum.batches() == [(TASK_GET, ITEM_GET) * 25]


@pytest.mark.parametrize("count", [26, 60, 200])
async def test_many_tasks_cost_at_most_n_over_50_plus_one_requests(
    scrum: Scrum, count: int
) -> None:
    ids = scrum.tasks(count, story_points="3")
    for n, task_id in enumerate(ids):
        scrum.held(task_id).story_points = str(n % 13)
    scrum.emu.clear_log()
    results = await scrum.tracker.read_tasks(scrum.credential, ids)
    assert points(results) == [(t, f"Task {n}", str(n % 13)) for n, t in enumerate(ids)]
    batches = scrum.batches()
    pages = math.ceil(count / 50)
    assert len(batches) == math.ceil((pages + count) / 50) <= pages + 1
    assert batches[0][:pages] == (TASK_LIST,) * pages
    assert all(len(b) <= 50 for b in batches)
    assert sum(b.count(ITEM_GET) for b in batches) == count


async def test_missing_and_hidden_tasks_beyond_one_batch(scrum: Scrum) -> None:
    loose, hidden = odd_ones(scrum)
    ids = scrum.tasks(60)
    scrum.emu.clear_log()
    results = await scrum.tracker.read_tasks(
        scrum.credential, [*ids[:30], hidden, MISSING, loose, *ids[30:]]
    )
    assert (type(results[30]), type(results[31])) == (AccessDenied, TaskNotFound)
    assert points(results[:30] + results[32:]) == [
        *[(t, f"Task {n}", "1") for n, t in enumerate(ids[:30])],
        (loose, "Loose", None),
        *[(t, f"Task {n + 30}", "1") for n, t in enumerate(ids[30:])],
    ]
    assert len(scrum.batches()) == 2  # 2 listing pages and 63 item reads


async def test_a_rejected_webhook_is_raised_not_returned(scrum: Scrum) -> None:
    ids = scrum.tasks(30)
    scrum.emu.revoke_webhook(scrum.credential.secret)
    for chunk in (ids[:3], ids):
        with pytest.raises(CredentialsRejected):
            await scrum.tracker.read_tasks(scrum.credential, chunk)


async def test_no_tasks_cost_nothing(scrum: Scrum) -> None:
    scrum.emu.clear_log()
    assert await scrum.tracker.read_tasks(scrum.credential, []) == []
    assert scrum.emu.requests == []
