"""`create_task` and `move_to_group` against the portal emulator: `/new <title>` and adopting a
task from another project, as the portal holds them afterwards."""

from __future__ import annotations

import pytest

from bot.core.errors import AccessDenied
from bot.core.model import ItemChanges, TaskInfo
from tests.adapters.bitrix24.conftest import Scrum
from tests.portals import link


async def test_create_task_is_one_request_and_gives_the_task(scrum: Scrum) -> None:
    scrum.emu.clear_log()
    info = await scrum.tracker.create_task(
        scrum.credential, scrum.group_id, "Dark mode", scrum.user_id
    )
    (created,) = scrum.emu.tasks_created()
    assert info == TaskInfo(created.id, "Dark mode", 2, "Anna Petrova", scrum.group_id)
    assert (created.title, created.group_id, created.created_by) == (
        "Dark mode",
        scrum.group_id,
        scrum.user_id,
    )
    assert [r.method for r in scrum.emu.requests] == ["tasks.task.add"]
    assert scrum.emu.item(created.id) is None


async def test_new_task_joins_the_backlog_with_its_first_item_write(scrum: Scrum) -> None:
    info = await scrum.tracker.create_task(
        scrum.credential, scrum.group_id, "Dark mode", scrum.user_id
    )
    changes = ItemChanges(entity_id=scrum.backlog_id, story_points="3", created_by=scrum.user_id)
    before = await scrum.tracker.update_item(scrum.credential, info.id, changes, create=True)
    assert (before.info, before.item) == (info, None)
    held = scrum.held(info.id)
    assert (held.entity_id, held.story_points, held.created_by) == (
        scrum.backlog_id,
        "3",
        scrum.user_id,
    )


async def test_create_task_in_a_group_the_member_is_not_in(scrum: Scrum) -> None:
    boss = scrum.emu.add_user("Boss")
    board = scrum.emu.add_group("Board", owner_id=boss, scrum_master_id=boss)
    scrum.emu.clear_log()
    with pytest.raises(AccessDenied) as caught:
        await scrum.tracker.create_task(scrum.credential, board, "Sneaky", scrum.user_id)
    assert caught.value.description == "Action on the task is not allowed"
    assert scrum.emu.tasks_created() == []
    assert len(scrum.emu.requests) == 1


async def test_adopt_a_task_from_another_project(scrum: Scrum) -> None:
    emu = scrum.emu
    side = emu.add_group("Side project", owner_id=scrum.user_id)
    task_id = emu.add_task("Old bug", group_id=side, responsible_id=scrum.user_id)
    emu.clear_log()
    await scrum.tracker.move_to_group(scrum.credential, task_id, scrum.group_id)
    assert emu.task(task_id).group_id == scrum.group_id
    assert [r.method for r in emu.requests] == ["tasks.task.update"]
    changes = ItemChanges(entity_id=scrum.backlog_id, story_points="2", created_by=scrum.user_id)
    before = await scrum.tracker.update_item(scrum.credential, task_id, changes, create=True)
    assert (before.info.group_id, before.item) == (scrum.group_id, None)
    assert (scrum.held(task_id).entity_id, scrum.held(task_id).story_points) == (
        scrum.backlog_id,
        "2",
    )


async def test_moving_into_a_group_the_member_is_not_in_changes_nothing(scrum: Scrum) -> None:
    boss = scrum.emu.add_user("Boss")
    board = scrum.emu.add_group("Board", owner_id=boss, scrum_master_id=boss)
    (task_id,) = scrum.tasks(1)
    with pytest.raises(AccessDenied):
        await scrum.tracker.move_to_group(scrum.credential, task_id, board)
    assert scrum.emu.task(task_id).group_id == scrum.group_id


async def test_moving_a_task_the_member_cannot_see_changes_nothing(scrum: Scrum) -> None:
    stranger = scrum.emu.add_user("Stranger")
    elsewhere = scrum.emu.add_group("Elsewhere", owner_id=stranger)
    task_id = scrum.emu.add_task("Private", group_id=elsewhere, responsible_id=stranger)
    with pytest.raises(AccessDenied):
        await scrum.tracker.move_to_group(scrum.credential, task_id, scrum.group_id)
    assert scrum.emu.task(task_id).group_id == elsewhere
    # the stranger can move their own task once they belong to the target group
    scrum.emu.add_member(scrum.group_id, stranger)
    await scrum.tracker.move_to_group(link(scrum.emu, stranger), task_id, scrum.group_id)
    assert scrum.emu.task(task_id).group_id == scrum.group_id
