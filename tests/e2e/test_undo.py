"""Undo during the standup: the button under a change, `/undo`, and `/log`."""

from __future__ import annotations

import asyncio
import math
import re

from bot.sandbox.telegram import BotMessage
from tests.e2e.conftest import World

POINTS = re.compile(r"story points (\S+) → (\S+)")


def _undo_data(message: BotMessage, label: str | None = None) -> str:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    [(text, data)] = [(button["text"], button.get("callback_data", "")) for row in rows
                      for button in row if button.get("callback_data", "").startswith("u:")]
    assert label is None or text == label
    assert len(data.encode()) <= 64
    return str(data)


async def _press(team: World, message: BotMessage, user: object, data: str) -> None:
    """Press the button and wait until the bot answered the press."""
    answered = len(team.telegram.callback_answers)
    await team.telegram.press(team.chat, message.message_id, user, data)  # type: ignore[arg-type]
    await team.telegram.wait_for_callback_answers(answered + 1)


async def test_undo_by_button_restores_and_takes_the_button_away(team: World) -> None:
    second = team.portal.add_task("Checkout page", group_id=team.group_id,
                                  responsible_id=team.bob_id, entity_id=team.backlog_id,
                                  story_points="3")
    report = await team.say(team.chat, team.bob, f"/sp {team.task} {second} 8")
    data = _undo_data(report, "Undo 2 changes")
    before = len(team.telegram.bot_messages(team.chat))

    await _press(team, report, team.bob, data)
    [restored] = (await team.telegram.wait_for_bot_messages(team.chat, before + 1))[before:]

    assert restored.text.split("\n") == [
        "Undone:",
        f"#{team.task} Fix login crash: story points 8 → 5",
        f"#{second} Checkout page: story points 8 → 3",
    ]
    assert team.portal.item(team.task).story_points == "5"  # type: ignore[union-attr]
    assert team.portal.item(second).story_points == "3"  # type: ignore[union-attr]
    original = next(m for m in team.telegram.bot_messages(team.chat)
                    if m.message_id == report.message_id)
    assert not (original.reply_markup or {}).get("inline_keyboard")
    assert original.text == report.text
    assert team.telegram.callback_answers[-1].show_alert is False


async def test_another_member_pressing_gets_an_alert_and_nothing_changes(team: World) -> None:
    report = await team.say(team.chat, team.bob, f"/sp {team.task} 8")
    before = len(team.telegram.bot_messages(team.chat))
    team.portal.clear_log()

    await _press(team, report, team.alice, _undo_data(report, f"Undo #{team.task}"))

    answer = team.telegram.callback_answers[-1]
    assert (answer.text, answer.show_alert) == ("Only Bob Jones can undo this.", True)
    assert team.portal.item(team.task).story_points == "8"  # type: ignore[union-attr]
    assert team.portal.requests == []
    assert len(team.telegram.bot_messages(team.chat)) == before
    assert _undo_data(team.telegram.bot_messages(team.chat)[before - 1])  # still offered


async def test_undo_refuses_a_task_someone_changed_since(team: World) -> None:
    report = await team.say(team.chat, team.bob, f"/sp {team.task} 8")
    item = team.portal.item(team.task)
    assert item is not None
    item.story_points = "13"  # Alice changes it in the Bitrix24 UI meanwhile
    before = len(team.telegram.bot_messages(team.chat))

    await _press(team, report, team.bob, _undo_data(report))
    [answer] = (await team.telegram.wait_for_bot_messages(team.chat, before + 1))[before:]

    assert answer.text.split("\n") == [
        "Undo: 0 restored, 1 left as they are:",
        f"#{team.task} Fix login crash: not undone, its story points were changed since to 13",
    ]
    assert item.story_points == "13"


async def test_slash_undo_puts_back_the_members_last_message(team: World) -> None:
    await team.say(team.chat, team.bob, f"/move {team.task} sprint-3")
    await team.say(team.chat, team.bob, f"/sp {team.task} 8")
    await team.say(team.chat, team.alice, f"/rank {team.task} 100")

    first = await team.say(team.chat, team.bob, "/undo")
    second = await team.say(team.chat, team.bob, "/undo")
    third = await team.say(team.chat, team.bob, "/undo")

    assert first.text == f"Undone:\n#{team.task} Fix login crash: story points 8 → 5"
    assert second.text == f"Undone:\n#{team.task} Fix login crash: moved Sprint 3 → Backlog"
    assert third.text == "You have no change in this chat to undo."
    item = team.portal.item(team.task)
    assert item is not None
    assert (item.story_points, item.entity_id, item.sort) == ("5", team.backlog_id, 100)


async def test_log_lists_the_bots_changes_newest_first(team: World) -> None:
    await team.say(team.chat, team.bob, f"/sp {team.task} 8")
    await team.say(team.chat, team.alice, f"/move {team.task} next")
    await team.say(team.chat, team.bob, "/undo")
    team.portal.clear_log()

    log = await team.say(team.chat, team.alice, f"/log {team.task}")

    lines = log.text.split("\n")
    assert lines[0] == f"#{team.task}: changes made through the bot, newest first"
    assert [line.split(" UTC ", 1)[1] for line in lines[1:]] == [
        "Bob Jones undid: story points 8 → 5",
        "Alice Smith: sprint Backlog → Sprint 3",
        "Bob Jones: story points 5 → 8",
    ]
    assert team.portal.requests == []  # the bot's own log: no Bitrix24 request


async def test_replies_merged_under_pressure_keep_one_undo_button_each(team: World) -> None:
    tasks = [team.portal.add_task(f"Story {n}", group_id=team.group_id,
                                  responsible_id=team.bob_id, entity_id=team.backlog_id,
                                  story_points="3") for n in (1, 2, 3)]
    team.telegram.fail_next_sends(1, retry_after=1)  # the chat is over Telegram's budget
    before = len(team.telegram.bot_messages(team.chat))
    for task in tasks:
        await team.telegram.send(team.chat, team.bob, f"/sp {task} 8")
    sent = await _replies_after(team, before, 3)
    merged = next(m for m in sent if len(POINTS.findall(m.text)) > 1)
    labels = [button["text"] for row in (merged.reply_markup or {})["inline_keyboard"]
              for button in row]
    middle = f"Undo #{tasks[1]}"
    assert middle in labels and len(labels) == len(POINTS.findall(merged.text))

    count = len(team.telegram.bot_messages(team.chat))
    await _press(team, merged, team.bob, _data(merged, middle))
    await team.telegram.wait_for_bot_messages(team.chat, count + 1)

    points = [team.portal.item(t).story_points for t in tasks]  # type: ignore[union-attr]
    assert points == ["8", "3", "8"]
    edited = next(m for m in team.telegram.bot_messages(team.chat)
                  if m.message_id == merged.message_id)
    left = [b["text"] for row in (edited.reply_markup or {})["inline_keyboard"] for b in row]
    assert left == [label for label in labels if label != middle]


async def test_undo_of_a_bulk_message_reads_in_bulk_and_restores_every_value(team: World
                                                                           ) -> None:
    count = 60
    tasks = [team.portal.add_task(f"Story {n}", group_id=team.group_id,
                                  responsible_id=team.bob_id, entity_id=team.backlog_id,
                                  story_points=str(n % 5 + 1)) for n in range(count)]
    report = await team.say(team.chat, team.bob, f"/sp {' '.join(map(str, tasks))} 8", wait=30.0)
    assert report.text.startswith(f"{count} tasks: {count} changed, 0 failed\n")
    before = len(team.telegram.bot_messages(team.chat))
    team.portal.clear_log()

    await _press(team, report, team.bob, _undo_data(report, f"Undo {count} changes"))
    [restored] = (await team.telegram.wait_for_bot_messages(team.chat, before + 1,
                                                            timeout=30.0))[before:]

    assert restored.text.split("\n")[0] == "Undone:"
    assert len(restored.text.split("\n")) == count + 1
    held = [team.portal.item(t).story_points for t in tasks]  # type: ignore[union-attr]
    assert held == [str(n % 5 + 1) for n in range(count)]
    log = [request.sub_methods for request in team.portal.requests]
    first_write = next(i for i, methods in enumerate(log) if "tasks.api.scrum.task.update"
                       in methods)
    assert log[first_write - 1] == ("tasks.task.list",) * 2  # the write's own listing
    reads = log[:first_write - 1]
    assert len(reads) <= math.ceil(count / 50) + 2, log  # was one request per task
    assert sum(methods.count("tasks.api.scrum.task.get") for methods in reads) == count
    assert len(log) <= math.ceil(count / 50) + 2 + math.ceil(count / 25) + 1, log
    print(f"undo of {count} tasks: {len(reads)} read + {len(log) - len(reads)} write requests")


def _data(message: BotMessage, label: str) -> str:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return str(next(b["callback_data"] for row in rows for b in row if b["text"] == label))


async def _replies_after(team: World, before: int, changes: int) -> list[BotMessage]:
    """The bot's messages after `before`, once `changes` story-point changes are reported."""
    for _ in range(200):
        sent = team.telegram.bot_messages(team.chat)[before:]
        if sum(len(POINTS.findall(m.text)) for m in sent) >= changes:
            return sent
        await asyncio.sleep(0.05)
    raise TimeoutError(f"{changes} changes not reported in 10 s")


async def test_a_late_press_answer_refused_by_telegram_still_undoes_and_replies(
    team: World,
) -> None:
    report = await team.say(team.chat, team.bob, f"/sp {team.task} 8")
    before = len(team.telegram.bot_messages(team.chat))
    team.telegram.answer_too_late()  # "query is too old": the answer came after ~15 s

    await team.telegram.press(team.chat, report.message_id, team.bob, _undo_data(report))
    [restored] = (await team.telegram.wait_for_bot_messages(team.chat, before + 1))[before:]

    assert restored.text == f"Undone:\n#{team.task} Fix login crash: story points 8 → 5"
    assert team.portal.item(team.task).story_points == "5"  # type: ignore[union-attr]
    original = next(m for m in team.telegram.bot_messages(team.chat)
                    if m.message_id == report.message_id)
    assert not (original.reply_markup or {}).get("inline_keyboard")
    assert team.telegram.callback_answers == []


async def test_log_lists_only_the_changes_made_through_this_chat(team: World) -> None:
    other = team.telegram.add_group("Mobile planning", admins=[team.alice.id],
                                    members=[team.alice, team.bob])
    bound = await team.say(other, team.alice, f"/bind {team.group_id}")
    assert "Mobile team" in bound.text
    await team.say(team.chat, team.bob, f"/sp {team.task} 8")
    await team.say(other, team.alice, f"/sp {team.task} 13")

    here = (await team.say(team.chat, team.bob, f"/log {team.task}")).text.split("\n")
    there = (await team.say(other, team.alice, f"/log {team.task}")).text.split("\n")

    assert [line.split(" UTC ", 1)[1] for line in here[1:]] == ["Bob Jones: story points 5 → 8"]
    assert [line.split(" UTC ", 1)[1] for line in there[1:]] == [
        "Alice Smith: story points 8 → 13"]


async def test_an_undo_the_portal_was_too_busy_for_can_be_pressed_again(team: World) -> None:
    report = await team.say(team.chat, team.bob, f"/sp {team.task} 8")
    data = _undo_data(report)
    team.portal.fail_always()  # QUERY_LIMIT_EXCEEDED on every request
    await _press(team, report, team.bob, data)
    assert team.telegram.callback_answers[-1].show_alert is True
    assert team.portal.item(team.task).story_points == "8"  # type: ignore[union-attr]
    team.portal.clear_faults()
    before = len(team.telegram.bot_messages(team.chat))

    await _press(team, report, team.bob, data)
    [restored] = (await team.telegram.wait_for_bot_messages(team.chat, before + 1))[before:]

    assert restored.text == f"Undone:\n#{team.task} Fix login crash: story points 8 → 5"
    assert team.portal.item(team.task).story_points == "5"  # type: ignore[union-attr]
