"""`/new`: a task created in the chat's Scrum, in the backlog or a sprint, never twice."""

from __future__ import annotations

import pytest

from bot.core.errors import EntityNotFound, NameNotFound, NotLinked
from bot.core.grammar_new import NewTask, parse_new
from bot.core.render_buttons import created
from bot.services.new_task import NewTasks
from tests.unit.team import BACKLOG, BORIS, CHAT, MOBILE, NOBODY, SPRINT_3, Team


def typed(text: str) -> NewTask:
    return parse_new(text.split())


@pytest.fixture
def new_tasks(team: Team) -> NewTasks:
    return NewTasks(team.store.unit_of_work, team.tracker, team.catalog, team.clock)


async def test_new_task_lands_in_the_backlog(team: Team, new_tasks: NewTasks) -> None:
    team.warm_cache()
    outcome = await new_tasks.create(CHAT, BORIS, typed("Write release notes"))

    info = team.tracker.tasks[outcome.task.id]
    assert (info.title, info.group_id, info.responsible) == (
        "Write release notes", MOBILE, "Boris Petrov")
    item = team.tracker.items[info.id]
    assert (item.entity_id, item.story_points) == (BACKLOG, "")
    assert team.tracker.calls == ["create_task", "update_item"]
    assert created(outcome) == f"<b>#{info.id}</b> Write release notes: created in Backlog"
    assert [(c.field, c.new_value, c.outcome) for c in team.store.changes] == [
        ("created", "Backlog", "ok")]


async def test_new_task_in_a_sprint_with_points(team: Team, new_tasks: NewTasks) -> None:
    team.warm_cache()
    outcome = await new_tasks.create(CHAT, BORIS, typed("Dark mode 5sp > sprint-3"))

    item = team.tracker.items[outcome.task.id]
    assert (item.entity_id, item.story_points) == (SPRINT_3, "5")
    assert created(outcome) == (f"<b>#{outcome.task.id}</b> Dark mode: created in Sprint 3, "
                                "5 story points")


async def test_an_unknown_sprint_creates_nothing(team: Team, new_tasks: NewTasks) -> None:
    team.warm_cache()
    before = set(team.tracker.tasks)
    with pytest.raises(NameNotFound):
        await new_tasks.create(CHAT, BORIS, typed("Dark mode > sprnt 9"))
    assert set(team.tracker.tasks) == before
    assert "create_task" not in team.tracker.calls


async def test_a_failed_placement_says_the_task_exists(team: Team, new_tasks: NewTasks) -> None:
    team.warm_cache()
    del team.tracker.sprints[SPRINT_3]  # deleted in Bitrix24; the cache still has it

    outcome = await new_tasks.create(CHAT, BORIS, typed("Dark mode > sprint-3"))

    assert isinstance(outcome.failed, EntityNotFound)
    assert team.tracker.calls.count("create_task") == 1  # never repeated
    assert outcome.task.id in team.tracker.tasks and outcome.task.id not in team.tracker.items
    text = created(outcome)
    assert text.startswith(f"<b>#{outcome.task.id}</b> Dark mode: created, but it could not be "
                           "put in Sprint 3:")
    assert [(c.field, c.outcome) for c in team.store.changes] == [("created", "error")]


async def test_only_linked_members_create(team: Team, new_tasks: NewTasks) -> None:
    with pytest.raises(NotLinked):
        await new_tasks.create(CHAT, NOBODY, parse_new(["Anything"]))
    assert team.tracker.calls == []
