"""Pickers: `/sp 42`, `/move 42`, `/epic 42` answer with buttons; a press acts as the presser."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot.adapters.storage.database import create_engine
from bot.sandbox.telegram import BotMessage, CallbackAnswer, TgUser
from tests.e2e.conftest import World


def buttons(message: BotMessage) -> list[tuple[str, str]]:
    """(label, callback data) of every button, in reading order."""
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


def labels(message: BotMessage) -> list[str]:
    return [label for label, _data in buttons(message)]


async def press(world: World, message: BotMessage, user: TgUser, label: str) -> CallbackAnswer:
    """Press the button with this label and return the bot's answer to the press."""
    data = dict(buttons(message))[label]
    before = len(world.telegram.callback_answers)
    await world.telegram.press(world.chat, message.message_id, user, data)
    answers = await world.telegram.wait_for_callback_answers(before + 1)
    return answers[before]


async def press_for_reply(
    world: World, message: BotMessage, user: TgUser, label: str
) -> tuple[CallbackAnswer, BotMessage]:
    """Press, then wait for the bot's next message in the chat (the command's reply)."""
    sent = len(world.telegram.bot_messages(world.chat))
    answer = await press(world, message, user, label)
    replies = await world.telegram.wait_for_bot_messages(world.chat, sent + 1)
    return answer, replies[sent]


def current(world: World, message: BotMessage) -> BotMessage:
    """The message as it is now (after edits)."""
    return next(m for m in world.telegram.bot_messages(world.chat)
                if m.message_id == message.message_id)


async def edited(world: World, message: BotMessage) -> BotMessage:
    """The message once the bot has edited it again (within five seconds)."""
    def changed() -> bool:
        now = current(world, message)
        return (now.text, now.reply_markup) != (message.text, message.reply_markup)

    assert await world.telegram.state.pulse.wait_until(changed, 5.0), "the bot did not edit it"
    return current(world, message)


async def test_points_picker_writes_the_pressed_value(team: World) -> None:
    picker = await team.say(team.chat, team.bob, f"/sp {team.task}")
    assert picker.text == f"Story points for #{team.task}?"
    assert labels(picker) == ["1", "2", "3", "5", "8", "13", "21", "?", "Cancel"]
    assert all(len(data.encode()) <= 64 and data.startswith("b:") for _l, data in
               buttons(picker))

    answer, result = await press_for_reply(team, picker, team.bob, "8")

    assert answer.show_alert is False
    assert "8" in result.text and f"#{team.task}" in result.text
    item = team.portal.item(team.task)
    assert item is not None and item.story_points == "8" and item.modified_by == team.bob_id
    after = current(team, picker)
    assert after.reply_markup is None and after.text.endswith("Bob chose 8")


async def test_a_press_by_another_member_acts_as_that_member(team: World) -> None:
    picker = await team.say(team.chat, team.bob, f"/sp {team.task}")
    team.portal.clear_log()

    await press_for_reply(team, picker, team.alice, "13")

    item = team.portal.item(team.task)
    assert item is not None and item.story_points == "13" and item.modified_by == team.alice_id
    assert {r.user_id for r in team.portal.requests} == {team.alice_id}


async def test_an_unlinked_member_gets_an_alert_and_changes_nothing(team: World) -> None:
    picker = await team.say(team.chat, team.bob, f"/sp {team.task}")
    team.portal.clear_log()

    answer = await press(team, picker, team.carol, "8")

    assert answer.show_alert is True
    assert answer.text is not None and answer.text.startswith("Link your Bitrix24 account first")
    assert team.portal.requests == []
    assert team.portal.item(team.task).story_points == "5"  # type: ignore[union-attr]
    assert labels(current(team, picker)) == labels(picker)  # still there for the team
    await press_for_reply(team, picker, team.bob, "3")
    assert team.portal.item(team.task).story_points == "3"  # type: ignore[union-attr]


async def test_move_picker_offers_backlog_active_and_planned(team: World) -> None:
    picker = await team.say(team.chat, team.bob, f"/move {team.task}")
    assert labels(picker) == ["Backlog", "Sprint 2", "Sprint 3", "Sprint 4", "Cancel"]

    _answer, result = await press_for_reply(team, picker, team.bob, "Sprint 3")

    assert "Sprint 3" in result.text
    assert team.portal.item(team.task).entity_id == team.sprint_next  # type: ignore[union-attr]


async def test_move_picker_moves_several_tasks(team: World) -> None:
    other = team.portal.add_task("Second task", group_id=team.group_id,
                                 responsible_id=team.bob_id, entity_id=team.backlog_id)
    picker = await team.say(team.chat, team.bob, f"/move {team.task},{other}")
    assert picker.text == f"Where should #{team.task}, #{other} go?"

    await press_for_reply(team, picker, team.bob, "Sprint 2")

    for task in (team.task, other):
        assert team.portal.item(task).entity_id == team.sprint_active  # type: ignore[union-attr]


async def test_epic_picker_pages_then_sets_the_epic(team: World) -> None:
    extra = {f"Epic {n:02}": team.portal.add_epic(team.group_id, f"Epic {n:02}")
             for n in range(8)}
    await team.say(team.chat, team.bob, "/refresh")
    picker = await team.say(team.chat, team.bob, f"/epic {team.task}")
    assert picker.text == f"Epic for #{team.task}? (page 1 of 2)"
    assert labels(picker) == [*[f"Epic {n:02}" for n in range(8)], "▶", "No epic", "Cancel"]

    answer = await press(team, picker, team.bob, "▶")
    assert answer.show_alert is False
    page_two = await edited(team, picker)
    assert page_two.text == f"Epic for #{team.task}? (page 2 of 2)"
    assert labels(page_two) == ["Onboarding", "Payments", "◀", "No epic", "Cancel"]

    await press_for_reply(team, page_two, team.bob, "Payments")
    assert team.portal.item(team.task).epic_id == team.epic_payments  # type: ignore[union-attr]
    assert extra  # the first page was full of them


async def test_an_unknown_sprint_name_offers_candidates(team: World) -> None:
    picker = await team.say(team.chat, team.bob, f"/move {team.task} sprnt 4")
    assert picker.text.startswith("No sprint called “sprnt 4”. Did you mean: Sprint 4")
    assert "Sprint 4" in labels(picker) and labels(picker)[-1] == "Cancel"

    await press_for_reply(team, picker, team.bob, "Sprint 4")

    assert team.portal.item(team.task).entity_id == team.sprint_later  # type: ignore[union-attr]


async def test_an_unknown_epic_name_offers_candidates(team: World) -> None:
    picker = await team.say(team.chat, team.bob, f"/epic {team.task} paymnts")
    assert picker.text.startswith("No epic called “paymnts”. Did you mean: Payments")

    await press_for_reply(team, picker, team.alice, "Payments")

    item = team.portal.item(team.task)
    assert item is not None and item.epic_id == team.epic_payments
    assert item.modified_by == team.alice_id


async def test_cancel_removes_the_picker(team: World) -> None:
    picker = await team.say(team.chat, team.bob, f"/sp {team.task}")
    team.portal.clear_log()

    answer = await press(team, picker, team.alice, "Cancel")

    assert answer.show_alert is False
    after = await edited(team, picker)
    assert after.reply_markup is None and after.text.endswith("Cancelled by Alice")
    assert team.portal.requests == []


@pytest.mark.parametrize("statement", [
    "UPDATE buttons SET expires_at = :past",
    "DELETE FROM buttons",
])
async def test_expired_and_unknown_buttons_get_an_alert(
    team: World, bot_database_url: str, statement: str
) -> None:
    picker = await team.say(team.chat, team.bob, f"/sp {team.task}")
    engine = create_engine(bot_database_url)
    try:
        async with engine.begin() as connection:
            past = datetime(2020, 1, 1, tzinfo=UTC).replace(tzinfo=None)
            await connection.execute(text(statement), {"past": past})
    finally:
        await engine.dispose()
    team.portal.clear_log()

    answer = await press(team, picker, team.bob, "8")

    assert answer.show_alert is True
    assert answer.text is not None and "expired or was already used" in answer.text
    assert team.portal.requests == []
    assert team.portal.item(team.task).story_points == "5"  # type: ignore[union-attr]


async def test_a_sprint_named_like_a_task_number_is_chosen_by_its_id(team: World) -> None:
    weeks = team.portal.add_sprint(team.group_id, "2 weeks", "planned", sort=9)
    other = team.portal.item(team.secret_task)
    picker = await team.say(team.chat, team.bob, f"/move {team.task} weeks")
    assert picker.text.startswith("No sprint called “weeks”. Did you mean: 2 weeks")

    await press_for_reply(team, picker, team.bob, "2 weeks")

    assert team.portal.item(team.task).entity_id == weeks  # type: ignore[union-attr]
    assert team.portal.item(team.secret_task) == other  # task 2 is not touched


async def test_an_epic_named_like_a_number_is_chosen_by_its_id(team: World) -> None:
    year = team.portal.add_epic(team.group_id, "2025")
    picker = await team.say(team.chat, team.bob, f"/epic {team.task} y2025")
    assert picker.text.startswith("No epic called “y2025”. Did you mean: 2025")

    await press_for_reply(team, picker, team.bob, "2025")

    assert year != 2025
    assert team.portal.item(team.task).epic_id == year  # type: ignore[union-attr]
