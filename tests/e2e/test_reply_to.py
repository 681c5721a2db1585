"""Replying to the bot's task message with a bare command: the task comes from the message."""

from __future__ import annotations

import asyncio

from bot.sandbox.telegram import BotMessage, TgUser
from tests.e2e.conftest import World


async def _reply(team: World, user: TgUser, to: int, text: str) -> BotMessage:
    """Send `text` as a reply to message `to` and return the bot's answer."""
    before = len(team.telegram.bot_messages(team.chat))
    await team.telegram.send(team.chat, user, text, reply_to=to)
    return (await team.telegram.wait_for_bot_messages(team.chat, before + 1))[before]


async def test_sp_replying_to_a_change_report(team: World) -> None:
    report = await team.say(team.chat, team.bob, f"/sp {team.task} 8")

    answer = await _reply(team, team.bob, report.message_id, "/sp 3")

    assert answer.text == f"#{team.task} Fix login crash: story points 8 → 3"
    assert team.portal.item(team.task).story_points == "3"  # type: ignore[union-attr]


async def test_task_and_move_replying_to_a_card(team: World) -> None:
    card = await team.say(team.chat, team.bob, f"/task {team.task}")

    again = await _reply(team, team.alice, card.message_id, "/task")
    moved = await _reply(team, team.alice, card.message_id, "/move sprint 3")
    log = await _reply(team, team.alice, moved.message_id, "/log")

    assert again.text == card.text
    assert moved.text == f"#{team.task} Fix login crash: moved Backlog → Sprint 3"
    assert log.text.split("\n")[1].endswith("Alice Smith: sprint Backlog → Sprint 3")


async def test_a_reply_to_a_members_message_implies_nothing(team: World) -> None:
    mine = await team.telegram.send(team.chat, team.bob, f"#{team.task} is blocked")

    answer = await _reply(team, team.alice, mine, "/sp 3")

    assert answer.text == "Story points for #3?"  # 3 is read as a task: pick its points
    assert team.portal.item(team.task).story_points == "5"  # type: ignore[union-attr]


async def test_a_reply_to_a_bot_message_without_a_task_implies_nothing(team: World) -> None:
    sprints = await team.say(team.chat, team.bob, "/sprints")

    answer = await _reply(team, team.bob, sprints.message_id, "/task")

    assert "Usage: /task" in answer.text


async def test_a_reply_to_merged_reports_asks_for_the_task_number(team: World) -> None:
    second, third = (team.portal.add_task(title, group_id=team.group_id,
                                          responsible_id=team.bob_id,
                                          entity_id=team.backlog_id, story_points="3")
                     for title in ("Checkout page", "Search"))
    team.telegram.fail_next_sends(1, retry_after=1)  # the chat is over Telegram's budget
    before = len(team.telegram.bot_messages(team.chat))
    for task in (team.task, second, third):
        await team.telegram.send(team.chat, team.bob, f"/sp {task} 8")
    merged = await _merged(team, before)

    answer = await _reply(team, team.bob, merged.message_id, "/sp 13")
    named = await _reply(team, team.bob, merged.message_id, f"/sp {second} 2")

    assert answer.text.startswith("The message you replied to is about several tasks: give "
                                  "the task number.\nUsage: /sp")
    assert named.text == f"#{second} Checkout page: story points 8 → 2"
    assert team.portal.item(team.task).story_points == "8"  # type: ignore[union-attr]


async def _merged(team: World, before: int) -> BotMessage:
    """The bot's first message after `before` that reports more than one task."""
    for _ in range(200):
        for message in team.telegram.bot_messages(team.chat)[before:]:
            if sum(line.startswith("#") for line in message.text.split("\n")) > 1:
                return message
        await asyncio.sleep(0.05)
    raise TimeoutError("no merged reply in 10 s")
