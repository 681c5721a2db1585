"""The Telegram emulator's flood limits, forced 429s and call timestamps."""

from __future__ import annotations

import time

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from bot.adapters.telegram.outbox import retry_seconds as seconds
from bot.sandbox.telegram import RateLimits, TelegramEmulator, TgUser

ALICE = TgUser(1001, "Alice", "alice")
BOB = TgUser(1002, "Bob", "bob")


async def test_no_limits_by_default(emulator: TelegramEmulator, bot: Bot) -> None:
    chat = emulator.add_group("Team", members=[ALICE])
    for n in range(25):
        await bot.send_message(chat, f"message {n}")
    assert len(emulator.bot_messages(chat)) == 25
    assert emulator.rate_limited() == 0


async def test_forced_failures_then_success(emulator: TelegramEmulator, bot: Bot) -> None:
    chat = emulator.add_private_chat(ALICE)
    emulator.fail_next_sends(2, retry_after=3)
    for _ in range(2):
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(chat, "hello")
        assert seconds(caught.value) == 3
    await bot.send_message(chat, "hello")
    assert [m.text for m in emulator.bot_messages(chat)] == ["hello"]
    assert emulator.rate_limited() == 2
    assert ("sendMessage", "Too Many Requests: retry after 3") in emulator.errors


async def test_chat_burst_then_one_per_second(emulator: TelegramEmulator, bot: Bot) -> None:
    emulator.set_rate_limits(RateLimits(chat_burst=3, chat_per_second=1.0))
    chat, other = emulator.add_private_chat(ALICE), emulator.add_private_chat(BOB)
    for n in range(3):
        await bot.send_message(chat, f"burst {n}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(chat, "one too many")
    assert seconds(caught.value) == 1
    await bot.send_message(other, "another chat has its own budget")
    assert len(emulator.bot_messages(chat)) == 3
    assert len(emulator.bot_messages(other)) == 1


async def test_group_window_spares_private_chats(emulator: TelegramEmulator, bot: Bot) -> None:
    emulator.set_rate_limits(RateLimits(chat_burst=100, chat_per_second=100.0,
                                        group_messages=5, group_period=60.0))
    group, private = emulator.add_group("Team", members=[ALICE]), emulator.add_private_chat(BOB)
    for n in range(5):
        await bot.send_message(group, f"group {n}")
        await bot.send_message(private, f"private {n}")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(group, "the sixth within a minute")
    assert 55 <= seconds(caught.value) <= 60
    await bot.send_message(private, "private chats have no group window")


async def test_overall_window(emulator: TelegramEmulator, bot: Bot) -> None:
    emulator.set_rate_limits(RateLimits(overall_messages=4, overall_period=1.0))
    chats = [emulator.add_group(f"Team {n}", members=[ALICE]) for n in range(5)]
    for chat in chats[:4]:
        await bot.send_message(chat, "hello")
    with pytest.raises(RetryAfter):
        await bot.send_message(chats[4], "the fifth within a second")
    assert emulator.rate_limited() == 1


async def test_timestamps_of_updates_and_sends(emulator: TelegramEmulator, bot: Bot) -> None:
    chat = emulator.add_private_chat(ALICE)
    before = time.time()
    await emulator.send(chat, ALICE, "/start")
    [timing] = emulator.update_timings()
    assert (timing.kind, timing.chat_id, timing.delivered_at) == ("message", chat, None)
    [update] = await bot.get_updates(timeout=1)
    await bot.send_message(chat, "hi")
    [timing] = emulator.update_timings()
    [sent] = emulator.bot_messages(chat)
    assert timing.update_id == update.update_id
    assert timing.delivered_at is not None
    assert before <= timing.queued_at <= timing.delivered_at <= sent.received_at <= time.time()
