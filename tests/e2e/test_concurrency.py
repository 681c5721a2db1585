"""Chats in parallel, each chat in order: one slow or dead portal does not stall other teams."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.sandbox.bitrix24 import PortalEmulator
from bot.sandbox.telegram import BotMessage, TgUser
from tests.e2e.conftest import World

POINTS = re.compile(r"story points (\S+) → (\S+)")


@dataclass
class WebTeam:
    """A second team in its own chat, bound to a Scrum on another portal."""

    portal: PortalEmulator
    dave: TgUser
    chat: int
    task: int


@pytest.fixture
async def web(team: World) -> AsyncIterator[WebTeam]:
    portal = PortalEmulator()
    await portal.start()
    try:
        dave_id = portal.add_user("Dave", "Brown")
        group = portal.add_group("Web team", owner_id=dave_id, scrum_master_id=dave_id)
        task = portal.add_task("Fix signup", group_id=group, responsible_id=dave_id,
                               created_by=dave_id, entity_id=portal.backlog_id(group),
                               story_points="3")
        dave = TgUser(1004, "Dave", "dave")
        chat = team.telegram.add_group("Web standup", admins=[dave.id], members=[dave])
        await team.link(dave, portal.webhook_url(dave_id, portal.add_webhook(dave_id)))
        bound = await team.say(chat, dave, f"/bind {group}")
        assert "Web team" in bound.text
        yield WebTeam(portal, dave, chat, task)
    finally:
        await portal.stop()


async def first_reply(team: World, chat: int, after: int, wait: float) -> BotMessage:
    """The bot's first message in the chat after the `after` it had already sent."""
    return (await team.telegram.wait_for_bot_messages(chat, after + 1, timeout=wait))[after]


async def test_one_chat_answers_in_command_order(team: World) -> None:
    team.portal.latency = 0.05
    before = len(team.telegram.bot_messages(team.chat))
    asked = {}
    for n in range(1, 7):
        member = team.alice if n % 2 else team.bob
        asked[await team.telegram.send(team.chat, member, f"/sp {team.task} {n}")] = n
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 15
    sent: list[BotMessage] = []
    while loop.time() < deadline and sum(len(POINTS.findall(m.text)) for m in sent) < 6:
        await asyncio.sleep(0.05)
        sent = team.telegram.bot_messages(team.chat)[before:]
    changes = [change for message in sent for change in POINTS.findall(message.text)]
    assert changes == [("5", "1"), ("1", "2"), ("2", "3"), ("3", "4"), ("4", "5"), ("5", "6")]
    for message in sent:  # a merged message quotes the first command it answers
        first_after = POINTS.findall(message.text)[0][1]
        assert asked[message.reply_to_message_id or 0] == int(first_after)
    assert team.portal.item(team.task).story_points == "6"  # type: ignore[union-attr]


async def test_a_slow_portal_does_not_hold_up_another_team(team: World, web: WebTeam) -> None:
    team.portal.latency = 1.0
    mobile_before = len(team.telegram.bot_messages(team.chat))
    web_before = len(team.telegram.bot_messages(web.chat))
    await team.telegram.send(team.chat, team.bob, f"/sp {team.task} 8")
    await team.telegram.send(web.chat, web.dave, f"/sp {web.task} 2")
    web_reply = await first_reply(team, web.chat, web_before, wait=0.9)
    assert web_reply.text.endswith("story points 3 → 2")
    assert len(team.telegram.bot_messages(team.chat)) == mobile_before  # still waiting
    mobile_reply = await first_reply(team, team.chat, mobile_before, wait=5)
    assert mobile_reply.text.endswith("story points 5 → 8")
    assert mobile_reply.received_at > web_reply.received_at


async def test_a_dead_portal_does_not_hold_up_another_team(team: World, web: WebTeam) -> None:
    team.portal.hang_seconds = 30
    team.portal.fail_next(5, hang=True)  # every try of the dead portal hangs
    mobile_before = len(team.telegram.bot_messages(team.chat))
    web_before = len(team.telegram.bot_messages(web.chat))
    await team.telegram.send(team.chat, team.bob, f"/sp {team.task} 8")
    await asyncio.sleep(0.2)  # the mobile team's command is now stuck on its portal
    loop = asyncio.get_running_loop()
    asked_at = loop.time()
    await team.telegram.send(web.chat, web.dave, f"/sp {web.task} 2")
    web_reply = await first_reply(team, web.chat, web_before, wait=5)
    assert loop.time() - asked_at < 1.0
    assert web_reply.text.endswith("story points 3 → 2")
    assert len(team.telegram.bot_messages(team.chat)) == mobile_before
    mobile_reply = await first_reply(team, team.chat, mobile_before, wait=20)
    assert "story points" not in mobile_reply.text  # the member hears the portal is down


@pytest.mark.parametrize("bot_settings", [{"max_concurrent_updates": 1}])
async def test_one_update_at_a_time_when_so_configured(team: World, web: WebTeam) -> None:
    team.portal.latency = 1.0
    mobile_before = len(team.telegram.bot_messages(team.chat))
    web_before = len(team.telegram.bot_messages(web.chat))
    await team.telegram.send(team.chat, team.bob, f"/sp {team.task} 8")
    await team.telegram.send(web.chat, web.dave, f"/sp {web.task} 2")
    web_reply = await first_reply(team, web.chat, web_before, wait=10)
    mobile_reply = await first_reply(team, team.chat, mobile_before, wait=1)
    assert web_reply.received_at >= mobile_reply.received_at  # the slow portal went first


async def test_a_cache_reload_holds_no_database_lock_over_a_slow_portal(
    team: World, web: WebTeam
) -> None:
    sprint = team.portal.add_sprint(team.group_id, "Sprint 5", "planned", sort=9)  # not cached
    team.portal.latency = 1.5
    team.portal.clear_log()
    mobile_before = len(team.telegram.bot_messages(team.chat))
    web_before = len(team.telegram.bot_messages(web.chat))
    await team.telegram.send(team.chat, team.bob, f"/move {team.task} sprint-5")
    for _ in range(250):  # until the portal answered the reload of the Scrum
        if team.portal.requests:
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.2)  # the reload is stored; the move is on its way to the portal
    loop = asyncio.get_running_loop()
    asked_at = loop.time()
    await team.telegram.send(web.chat, web.dave, f"/sp {web.task} 2")
    web_reply = await first_reply(team, web.chat, web_before, wait=5)
    assert loop.time() - asked_at < 0.6
    assert web_reply.text.endswith("story points 3 → 2")
    assert len(team.telegram.bot_messages(team.chat)) == mobile_before  # still writing
    mobile_reply = await first_reply(team, team.chat, mobile_before, wait=10)
    assert mobile_reply.text.endswith("moved Backlog → Sprint 5")
    assert team.portal.item(team.task).entity_id == sprint  # type: ignore[union-attr]
    assert [r.method for r in team.portal.requests] == ["batch", "batch"]
