"""Bitrix24's request limit during a busy standup: members wait a moment, never read an error."""

from __future__ import annotations

import asyncio
import re

import pytest

from tests.e2e.conftest import World

POINTS = re.compile(r"story points (\S+) → (\S+)")
CHATS = 6  # chats bound to the same Scrum: their commands run side by side
COMMANDS = 120  # /sp commands in all (Telegram's per-chat reply budget, not Bitrix24, caps more)


@pytest.fixture
def bot_settings() -> dict[str, object]:
    """The portal's budget as the bot knows it: burst 5, then 20 a second."""
    return {"bitrix24_rate_limit": "5/20"}


async def changes_in(team: World, chat: int, before: int, count: int) -> list[str]:
    """The bot's replies in a chat after `before`, once `count` changes are reported."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 30
    while True:
        texts = [m.text for m in team.telegram.bot_messages(chat)[before:]]
        if sum(len(POINTS.findall(t)) for t in texts) >= count or loop.time() > deadline:
            return texts
        await asyncio.sleep(0.1)


async def test_a_burst_of_commands_stays_within_the_portal_limit(team: World) -> None:
    team.portal.set_rate_limit(True, burst=5, per_second=20)
    chats = [team.chat]
    for n in range(1, CHATS):
        chat = team.telegram.add_group(
            f"Mobile standup {n}", admins=[team.alice.id], members=[team.alice, team.bob]
        )
        assert "Mobile team" in (await team.say(chat, team.alice, f"/bind {team.group_id}")).text
        chats.append(chat)
    team.portal.clear_log()
    before = {chat: len(team.telegram.bot_messages(chat)) for chat in chats}
    loop = asyncio.get_running_loop()
    started = loop.time()
    for n in range(COMMANDS):
        member = team.alice if n % 2 else team.bob
        await team.telegram.send(chats[n % CHATS], member, f"/sp {team.task} {n % 13 + 1}")
    replies = [
        text
        for chat in chats
        for text in await changes_in(team, chat, before[chat], COMMANDS // CHATS)
    ]
    elapsed = loop.time() - started
    changes = sum(len(POINTS.findall(text)) for text in replies)
    statuses = [request.status for request in team.portal.requests]
    assert changes == COMMANDS  # every member's change was made and reported
    assert not [text for text in replies if "busy" in text or "limit" in text]
    assert statuses.count(503) == 0  # the portal never had to refuse a request
    assert len(statuses) > 4 * 5  # far more requests than the burst allows at once
    assert elapsed >= (len(statuses) - 5) / 20 * 0.9  # so they were spread at 20 a second
