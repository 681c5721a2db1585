"""The fake tracker's bulk writes, task creation and group moves answer like the adapter does
(see tests/adapters/bitrix24), so use-case tests built on them prove something."""

from __future__ import annotations

import pytest

from bot.core.errors import AccessDenied, EpicNotFound, NotInScrum, TaskNotFound
from bot.core.model import ItemChanges, ItemWrite, TaskInfo, TaskState
from tests.unit.team import ANNA, BACKLOG, MARKETING, MOBILE, VERA, WEB, Team


async def test_update_items_returns_each_tasks_state_or_error_in_order(team: Team) -> None:
    anna = team.creds[ANNA]
    writes = [
        ItemWrite(42, ItemChanges(story_points="8")),
        ItemWrite(999, ItemChanges(story_points="8")),
        ItemWrite(44, ItemChanges(entity_id=BACKLOG, story_points="8", created_by=1)),
        ItemWrite(46, ItemChanges(story_points="8")),
        ItemWrite(43, ItemChanges(epic_id=777)),
    ]
    results = await team.tracker.update_items(anna, writes)
    assert [type(r) for r in results] == [
        TaskState,
        TaskNotFound,
        NotInScrum,
        TaskState,
        EpicNotFound,
    ]
    first, not_in_scrum = results[0], results[2]
    assert (
        isinstance(first, TaskState) and first.item is not None and first.item.story_points == "5"
    )
    assert isinstance(not_in_scrum, NotInScrum) and not_in_scrum.task is not None
    assert not_in_scrum.task.id == 44
    assert (team.tracker.items[42].story_points, 44 in team.tracker.items) == ("8", False)
    assert team.tracker.calls == ["update_items"]


async def test_update_items_creates_items_when_asked(team: Team) -> None:
    changes = ItemChanges(entity_id=BACKLOG, story_points="3", created_by=1)
    (before,) = await team.tracker.update_items(
        team.creds[ANNA], [ItemWrite(44, changes, create=True)]
    )
    assert isinstance(before, TaskState) and before.item is None
    assert team.tracker.items[44].story_points == "3"


async def test_update_items_refuses_empty_changes(team: Team) -> None:
    with pytest.raises(ValueError, match="at least one field"):
        await team.tracker.update_items(team.creds[ANNA], [ItemWrite(42, ItemChanges())])


async def test_create_task_and_its_refusal(team: Team) -> None:
    info = await team.tracker.create_task(team.creds[ANNA], MOBILE, "Dark mode", 2)
    assert info == TaskInfo(47, "Dark mode", 2, "Boris Petrov", MOBILE)
    assert team.tracker.tasks[47] == info and 47 not in team.tracker.items
    with pytest.raises(AccessDenied):
        await team.tracker.create_task(team.creds[VERA], MOBILE, "Sneaky", 3)
    assert set(team.tracker.tasks) == {42, 43, 44, 45, 46, 47}


async def test_move_to_group(team: Team) -> None:
    anna, vera = team.creds[ANNA], team.creds[VERA]
    await team.tracker.move_to_group(anna, 45, MOBILE)
    assert team.tracker.tasks[45].group_id == MOBILE
    for credential, task_id, group_id in (
        (vera, 42, WEB),
        (vera, 46, MARKETING),
        (anna, 999, MOBILE),
    ):
        with pytest.raises(AccessDenied):
            await team.tracker.move_to_group(credential, task_id, group_id)
    assert (team.tracker.tasks[42].group_id, team.tracker.tasks[46].group_id) == (MOBILE, WEB)
