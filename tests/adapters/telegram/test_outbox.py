"""The outbox against the Telegram emulator: order, merging, limits, 429s and shutdown."""

from __future__ import annotations

import asyncio
import logging

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.adapters.telegram.outbox import Outbox, Reply
from bot.adapters.telegram.send_limits import SendLimits
from bot.sandbox.telegram import RateLimits, TelegramEmulator, TgUser

ALICE, BOB = TgUser(1001, "Alice", "alice"), TgUser(1002, "Bob", "bob")
ONE_AT_A_TIME = SendLimits(chat_burst=1, chat_per_second=10.0)


@pytest.fixture
def group(emulator: TelegramEmulator) -> int:
    return emulator.add_group("Team", members=[ALICE, BOB])


def button(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(data, callback_data=data)]])


async def commands(emulator: TelegramEmulator, chat: int, count: int) -> list[int]:
    """`count` member messages the replies answer."""
    return [await emulator.send(chat, ALICE, f"/sp {n}") for n in range(count)]


async def test_a_reply_within_budget_goes_alone(
    emulator: TelegramEmulator, bot: Bot, group: int
) -> None:
    outbox = Outbox(bot)
    asked = await commands(emulator, group, 3)
    for n, message_id in enumerate(asked):
        outbox.post(Reply(group, f"<b>reply {n}</b>", reply_to=message_id))
    sent = await emulator.wait_for_bot_messages(group, 3, timeout=5)
    await outbox.close()
    assert [(m.text, m.reply_to_message_id) for m in sent] == [
        (f"reply {n}", asked[n]) for n in range(3)]
    assert sent[0].parse_mode == "HTML"


async def test_replies_beyond_the_budget_merge_in_order(
    emulator: TelegramEmulator, bot: Bot, group: int
) -> None:
    outbox = Outbox(bot)  # a burst of 3: five waiting replies become one message
    asked = await commands(emulator, group, 5)
    for n, message_id in enumerate(asked):
        outbox.post(Reply(group, f"reply {n}", button(f"b{n}") if n % 2 else None, message_id))
    await outbox.close()
    [merged] = emulator.bot_messages(group)
    assert merged.text == "\n\n".join(f"reply {n}" for n in range(5))
    assert merged.reply_to_message_id == asked[0]
    assert merged.reply_markup == {"inline_keyboard": [
        [{"text": "b1", "callback_data": "b1"}], [{"text": "b3", "callback_data": "b3"}]]}


async def test_unmergeable_and_long_replies_go_on_their_own(
    emulator: TelegramEmulator, bot: Bot, group: int
) -> None:
    outbox = Outbox(bot, ONE_AT_A_TIME)
    long_text = "x" * 3000
    outbox.post(Reply(group, "a"))
    outbox.post(Reply(group, "picker", mergeable=False))
    for text in ("b", "c", long_text, long_text, long_text):
        outbox.post(Reply(group, text))
    await outbox.close()
    texts = [m.text for m in emulator.bot_messages(group)]
    assert texts == ["a", "picker", f"b\n\nc\n\n{long_text}", long_text, long_text]
    assert all(len(text) <= 4096 for text in texts)


async def test_send_now_waits_its_turn_and_returns_the_message(
    emulator: TelegramEmulator, bot: Bot, group: int
) -> None:
    outbox = Outbox(bot, ONE_AT_A_TIME)
    outbox.post(Reply(group, "first"))
    outbox.post(Reply(group, "second"))
    picker = await asyncio.wait_for(outbox.send_now(Reply(group, "pick one", button("p"))), 5)
    await outbox.close()
    sent = emulator.bot_messages(group)
    assert [m.text for m in sent] == ["first\n\nsecond", "pick one"]
    assert picker.message_id == sent[-1].message_id


async def test_retry_after_waits_and_sends_once(
    emulator: TelegramEmulator, bot: Bot, group: int
) -> None:
    outbox = Outbox(bot)
    emulator.fail_next_sends(1, retry_after=1)
    loop = asyncio.get_running_loop()
    started = loop.time()
    outbox.post(Reply(group, "eventually"))
    [sent] = await emulator.wait_for_bot_messages(group, 1, timeout=5)
    assert loop.time() - started >= 1.0
    assert sent.text == "eventually"
    assert emulator.rate_limited() == 1
    await outbox.close()
    assert len(emulator.bot_messages(group)) == 1


async def test_failures_drop_one_reply_not_the_chat(
    emulator: TelegramEmulator, bot: Bot, group: int, caplog: pytest.LogCaptureFixture
) -> None:
    outbox = Outbox(bot, ONE_AT_A_TIME, max_retries=1)
    emulator.fail_next_sends(2, retry_after=1)
    outbox.post(Reply(group, "refused twice", mergeable=False))
    outbox.post(Reply(group, "<x>broken html</x>", mergeable=False))
    outbox.post(Reply(group, "still delivered"))
    with caplog.at_level(logging.WARNING):
        await outbox.close()
    assert [m.text for m in emulator.bot_messages(group)] == ["still delivered"]
    assert emulator.rate_limited() == 2
    dropped = [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()]
    assert len(dropped) == 2
    assert not any(emulator.token in line for line in caplog.messages)


async def test_budget_keeps_within_telegram_limits(emulator: TelegramEmulator, bot: Bot) -> None:
    emulator.set_rate_limits(RateLimits(chat_burst=2, chat_per_second=4.0,
                                        overall_messages=6, overall_period=0.5))
    outbox = Outbox(bot, SendLimits(chat_burst=2, chat_per_second=4.0,
                                    overall_messages=6, overall_period=0.5))
    chats = [emulator.add_group(f"Team {n}", members=[ALICE]) for n in range(3)]
    for n in range(6):
        for chat in chats:
            outbox.post(Reply(chat, f"reply {n}", mergeable=False))
    await outbox.close(timeout=10)
    assert emulator.rate_limited() == 0
    for chat in chats:
        assert [m.text for m in emulator.bot_messages(chat)] == [f"reply {n}" for n in range(6)]


async def test_close_delivers_what_waits_then_refuses(
    emulator: TelegramEmulator, bot: Bot, group: int, caplog: pytest.LogCaptureFixture
) -> None:
    outbox = Outbox(bot, SendLimits(chat_burst=1, chat_per_second=5.0))
    for n in range(3):
        outbox.post(Reply(group, f"reply {n}", mergeable=False))
    assert outbox.pending() == 3
    await outbox.close(timeout=5)
    assert outbox.pending() == 0
    assert len(emulator.bot_messages(group)) == 3
    with caplog.at_level(logging.WARNING):
        outbox.post(Reply(group, "too late"))
    assert "after shutdown" in caplog.text
    assert len(emulator.bot_messages(group)) == 3
