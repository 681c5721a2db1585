"""Bitrix24's request limit during a busy standup: members wait a moment, never read an error."""

from __future__ import annotations

import asyncio
import re

import pytest

from bot.sandbox.telegram import TgUser
from tests.e2e.conftest import World

CHATS = 6  # chats bound to the same Scrum: their commands run side by side
COMMANDS = 300  # /sp commands in all, each on its own task
BURST, PER_SECOND = 10, 20  # the portal's leaky bucket, kept small so the test stays fast
CHANGE = re.compile(r"#(\d+) [^\n]*: story points (\S*) → (\S+)")
REFUSED = ("limit", "busy", "too many", "try again")


@pytest.fixture
def bot_settings() -> dict[str, object]:
    """The portal's budget as the bot knows it."""
    return {"bitrix24_rate_limit": f"{BURST}/{PER_SECOND}"}


async def more_members(team: World, count: int) -> list[TgUser]:
    """Alice and Bob, and `count` more Scrum members who linked their webhooks."""
    members = [team.alice, team.bob]
    for n in range(count):
        user_id = team.portal.add_user(f"Dev{n}", "Team")
        team.portal.add_member(team.group_id, user_id)
        member = TgUser(3000 + n, f"Dev{n}", f"dev{n}")
        hook = team.portal.webhook_url(user_id, team.portal.add_webhook(user_id))
        assert (await team.link(member, hook)).text.startswith("Linked as")
        members.append(member)
    return members


async def bound_chats(team: World, members: list[TgUser]) -> list[int]:
    """The team's chat and `CHATS - 1` more, each bound to the same Scrum."""
    chats = [team.chat]
    for n in range(1, CHATS):
        chat = team.telegram.add_group(f"Mobile standup {n}", admins=[team.alice.id],
                                       members=members)
        assert "Mobile team" in (await team.say(chat, team.alice, f"/bind {team.group_id}")).text
        chats.append(chat)
    return chats


async def reported(team: World, chats: list[int], before: dict[int, int], tasks: set[int]
                   ) -> dict[int, tuple[str, str]]:
    """The change the bot reported for each task (replies may be merged), within 40 s."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 40
    while True:
        changes = {int(task): (old, new)
                   for chat in chats for message in team.telegram.bot_messages(chat)[before[chat]:]
                   for task, old, new in CHANGE.findall(message.text)}
        if tasks <= changes.keys() or loop.time() > deadline:
            return changes
        await asyncio.sleep(0.1)


def written(team: World, task: int) -> str | None:
    """The story points the portal holds for a task."""
    item = team.portal.item(task)
    return None if item is None else item.story_points


async def test_a_burst_of_300_commands_stays_within_the_portal_limit(team: World) -> None:
    members = await more_members(team, 3)
    chats = await bound_chats(team, members)
    tasks = [team.portal.add_task(f"Story {n}", group_id=team.group_id, responsible_id=team.bob_id,
                                  entity_id=team.backlog_id) for n in range(COMMANDS)]
    points = {task: str(n % 13 + 1) for n, task in enumerate(tasks)}
    team.portal.clear_log()
    team.portal.set_rate_limit(True, burst=BURST, per_second=PER_SECOND)
    before = {chat: len(team.telegram.bot_messages(chat)) for chat in chats}
    started = asyncio.get_running_loop().time()
    for n, task in enumerate(tasks):
        member = members[n % len(members)]
        await team.telegram.send(chats[n % CHATS], member, f"/sp {task} {points[task]}")
    changes = await reported(team, chats, before, set(tasks))
    elapsed = asyncio.get_running_loop().time() - started
    texts = [message.text for chat in chats for message in team.telegram.bot_messages(chat)]
    statuses = [request.status for request in team.portal.requests]
    assert {task: changes.get(task) for task in tasks} == {
        task: ("—", points[task]) for task in tasks}  # every member's change was reported
    assert not [text for text in texts if any(word in text.lower() for word in REFUSED)]
    assert statuses.count(503) == 0  # the portal never had to refuse a request
    assert {task: written(team, task) for task in tasks} == points  # and Bitrix24 holds them
    assert len(statuses) > 3 * BURST  # far more requests than the burst allows at once
    assert elapsed >= (len(statuses) - BURST) / PER_SECOND * 0.9  # spread at the portal's rate
    assert elapsed < 45
