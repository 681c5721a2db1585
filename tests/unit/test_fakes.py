"""The fakes behave like the adapters they stand for, or the use-case tests prove nothing."""

from __future__ import annotations

import pytest

from bot.core.errors import (
    AccessDenied,
    CredentialsRejected,
    EntityNotFound,
    EpicNotFound,
    GroupNotFound,
    ItemNotCreated,
    NotInScrum,
    TaskNotFound,
)
from bot.core.model import (
    Change,
    ChatBinding,
    Credential,
    ItemChanges,
    ScrumItem,
    ScrumSnapshot,
)
from tests.unit.fakes import PORTAL, InMemoryStore
from tests.unit.team import ANNA, BACKLOG, MOBILE, NOW, SPRINT_3, Team

BINDING = ChatBinding(-5, PORTAL, MOBILE, "Mobile team", ANNA)
CHANGE = Change(NOW, -5, ANNA, PORTAL, 1, 42, "rank", "1", "2", "ok")


async def test_a_unit_of_work_sees_its_own_writes_and_commits_them_for_others() -> None:
    store = InMemoryStore()

    async with store.unit_of_work() as first:
        await first.chats.save(BINDING)
        assert await first.chats.get(-5) == BINDING
        async with store.unit_of_work() as second:
            assert await second.chats.get(-5) is None  # not committed yet
        await first.commit()

    async with store.unit_of_work() as third:
        assert await third.chats.get(-5) == BINDING
    assert store.commits == 1


async def test_leaving_without_commit_discards_writes_and_deletes() -> None:
    store = InMemoryStore(chats={-5: BINDING})

    async with store.unit_of_work() as uow:
        assert await uow.chats.delete(-5) is True
        assert await uow.chats.get(-5) is None
        assert await uow.chats.delete(-5) is False

    assert store.chats == {-5: BINDING}
    assert store.rollbacks == 1


async def test_leaving_on_an_error_discards_pending_writes() -> None:
    store = InMemoryStore()

    async def fail_midway() -> None:
        async with store.unit_of_work() as uow:
            await uow.scrum_cache.save(PORTAL, ScrumSnapshot(MOBILE, BACKLOG, (), (), NOW))
            await uow.changes.add(CHANGE)
            assert await uow.changes.for_task(PORTAL, -5, 42) == [CHANGE]
            raise RuntimeError

    with pytest.raises(RuntimeError):
        await fail_midway()

    assert store.scrum_cache == {}
    assert store.changes == []


async def test_update_item_returns_the_state_before_the_write(team: Team) -> None:
    anna = team.creds[ANNA]

    before = await team.tracker.update_item(anna, 42, ItemChanges(story_points="8"))

    assert before.item is not None
    assert before.item.story_points == "5"
    assert team.tracker.items[42].story_points == "8"


async def test_update_item_of_a_task_without_an_item(team: Team) -> None:
    anna = team.creds[ANNA]

    with pytest.raises(NotInScrum) as caught:
        await team.tracker.update_item(anna, 44, ItemChanges(sort=1))
    assert caught.value.task is not None
    assert caught.value.task.id == 44

    with pytest.raises(ItemNotCreated):
        await team.tracker.update_item(anna, 44, ItemChanges(sort=1), create=True)

    created = ItemChanges(entity_id=SPRINT_3, sort=1, created_by=1)
    before = await team.tracker.update_item(anna, 44, created, create=True)
    assert before.item is None
    assert team.tracker.items[44] == ScrumItem(SPRINT_3, "", 0, 1, MOBILE)


@pytest.mark.parametrize(
    ("task", "changes", "error"),
    [
        (999, ItemChanges(sort=1), TaskNotFound),
        (42, ItemChanges(epic_id=999), EpicNotFound),
        (42, ItemChanges(entity_id=999), EntityNotFound),
    ],
)
async def test_update_item_refusals_write_nothing(
    team: Team, task: int, changes: ItemChanges, error: type[Exception]
) -> None:
    with pytest.raises(error):
        await team.tracker.update_item(team.creds[ANNA], task, changes)

    assert team.tracker.items[42] == ScrumItem(BACKLOG, "5", 0, 10, MOBILE)


async def test_the_portal_checks_who_is_calling(team: Team) -> None:
    vera = team.tracker.add_user(3, "Vera Ivanova", "veraSecret03")
    stranger = Credential(PORTAL, 1, "guessedSecret")

    with pytest.raises(AccessDenied):
        await team.tracker.read_task(vera, 42)
    with pytest.raises(AccessDenied):
        await team.tracker.load_scrum(vera, MOBILE)
    with pytest.raises(GroupNotFound):
        await team.tracker.find_group(vera, "Mobile team")
    with pytest.raises(CredentialsRejected):
        await team.tracker.current_user(stranger)
    assert team.tracker.calls == ["read_task", "load_scrum", "find_group", "current_user"]
