"""Telegram's flood limits: 429s are waited out, replies merge under pressure, none is lost."""

from __future__ import annotations

import asyncio
import re

from bot.sandbox.telegram import BotMessage, RateLimits
from tests.e2e.conftest import World

POINTS = re.compile(r"story points (\S+) → (\S+)")


async def replies_after(team: World, before: int, changes: int, wait: float) -> list[BotMessage]:
    """The bot's messages in the team chat after `before`, once `changes` replies are in."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        sent = team.telegram.bot_messages(team.chat)[before:]
        if sum(len(POINTS.findall(m.text)) for m in sent) >= changes or loop.time() > deadline:
            return sent
        await asyncio.sleep(0.05)


async def test_retry_after_is_waited_out_and_the_reply_sent_once(team: World) -> None:
    team.telegram.fail_next_sends(1, retry_after=1)
    before = len(team.telegram.bot_messages(team.chat))
    reply = await team.say(team.chat, team.bob, f"/sp {team.task} 8", wait=5)
    assert reply.text.endswith("story points 5 → 8")
    assert team.telegram.rate_limited() == 1
    await asyncio.sleep(0.5)
    assert len(team.telegram.bot_messages(team.chat)) == before + 1


async def test_replies_waiting_for_the_budget_merge_into_one(team: World) -> None:
    team.telegram.fail_next_sends(1, retry_after=2)  # Telegram says: this chat is over budget
    before = len(team.telegram.bot_messages(team.chat))
    asked = [await team.telegram.send(team.chat, team.bob, f"/sp {team.task} {n}")
             for n in range(1, 5)]
    sent = await replies_after(team, before, 4, wait=10)
    assert [POINTS.findall(m.text) for m in sent] == [
        [("5", "1")], [("1", "2"), ("2", "3"), ("3", "4")]]
    first, merged = sent
    assert first.reply_to_message_id == asked[0]
    assert merged.reply_to_message_id == asked[1]
    assert "\n\n" in merged.text
    assert team.telegram.rate_limited() == 1


async def test_a_busy_standup_stays_within_telegram_limits(team: World) -> None:
    team.telegram.set_rate_limits(RateLimits())  # Telegram's own: 429 beyond them
    before = len(team.telegram.bot_messages(team.chat))
    for n in range(1, 13):
        member = team.alice if n % 2 else team.bob
        await team.telegram.send(team.chat, member, f"/sp {team.task} {n}")
    sent = await replies_after(team, before, 12, wait=20)
    changes = [change for message in sent for change in POINTS.findall(message.text)]
    assert changes == [("5", "1"), *[(str(n - 1), str(n)) for n in range(2, 13)]]
    assert team.telegram.rate_limited() == 0
    assert len(sent) < 12  # some replies were merged rather than sent one by one
