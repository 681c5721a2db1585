"""`/new`: a member creates a task in the chat's Scrum from the standup."""

from __future__ import annotations

import re

from tests.e2e.conftest import World


def _new_task_id(text: str) -> int:
    match = re.search(r"#([0-9]+)", text)
    assert match is not None, text
    return int(match.group(1))


async def test_new_task_goes_to_the_backlog(team: World) -> None:
    reply = await team.say(team.chat, team.bob, "/new Write release notes")

    task_id = _new_task_id(reply.text)
    assert reply.text == f"#{task_id} Write release notes: created in Backlog"
    [created] = team.portal.tasks_created()
    assert (created.id, created.title, created.group_id) == (
        task_id, "Write release notes", team.group_id)
    assert created.responsible_id == team.bob_id and created.created_by == team.bob_id
    item = team.portal.item(task_id)
    assert item is not None and item.entity_id == team.backlog_id
    assert item.created_by == team.bob_id and item.story_points == ""


async def test_new_task_in_a_sprint_with_story_points(team: World) -> None:
    reply = await team.say(team.chat, team.alice, "/new Dark mode <beta> 5sp > sprint-3")

    task_id = _new_task_id(reply.text)
    assert reply.text == f"#{task_id} Dark mode <beta>: created in Sprint 3, 5 story points"
    assert team.portal.task(task_id).group_id == team.group_id
    item = team.portal.item(task_id)
    assert item is not None and item.entity_id == team.sprint_next and item.story_points == "5"
    assert item.created_by == team.alice_id


async def test_a_reply_to_the_new_task_acts_on_it(team: World) -> None:
    reply = await team.say(team.chat, team.bob, "/new Tidy the settings screen")
    task_id = _new_task_id(reply.text)

    before = len(team.telegram.bot_messages(team.chat))
    await team.telegram.send(team.chat, team.bob, "/sp 3", reply_to=reply.message_id)
    await team.telegram.wait_for_bot_messages(team.chat, before + 1)

    assert team.portal.item(task_id).story_points == "3"  # type: ignore[union-attr]


async def test_an_unknown_sprint_creates_nothing(team: World) -> None:
    reply = await team.say(team.chat, team.bob, "/new Dark mode > sprnt 3")

    assert "No sprint called “sprnt 3”" in reply.text and "Sprint 3" in reply.text
    assert team.portal.tasks_created() == []


async def test_without_a_title_the_usage_line_is_shown(team: World) -> None:
    reply = await team.say(team.chat, team.bob, "/new 5sp")
    assert reply.text.startswith("Usage: /new <title>")
    assert team.portal.tasks_created() == []


async def test_a_failed_placement_still_names_the_created_task(team: World) -> None:
    del team.portal.state.entities[team.sprint_later]  # deleted after the bot cached it

    reply = await team.say(team.chat, team.bob, "/new Offline mode > sprint 4")

    [created] = team.portal.tasks_created()  # created once, never again
    assert reply.text.startswith(f"#{created.id} Offline mode: created, but it could not be put "
                                 "in Sprint 4:")
    assert team.portal.item(created.id) is None
    assert [r.method for r in team.portal.requests].count("tasks.task.add") == 1
