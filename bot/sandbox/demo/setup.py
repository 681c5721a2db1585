"""The team sets itself up through the bot: each member links, Alice binds the group chat."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable

from bot.sandbox.demo.seed import STAR_TASK, DemoWorld
from bot.sandbox.demo.terminal import render_message
from bot.sandbox.telegram import BotMessage, TelegramEmulator, TgUser

SETUP_SECONDS = 30.0
_WEBHOOK_CODE = re.compile(r"(/rest/\d+/)[A-Za-z0-9]+")


class SetupFailed(Exception):
    """The bot did not confirm a setup step; the message says which and what it answered."""


async def set_up_team(telegram: TelegramEmulator, world: DemoWorld,
                      emit: Callable[[str], None]) -> None:
    """Every member sends `/link <webhook>` in private; Alice sends `/bind <id>` in the group."""
    emit("Setting up the team through the bot itself:")
    for member in world.members:
        reply = await _say(telegram, member.user, member.user.id, f"/link {member.webhook}", emit)
        if member.full_name not in reply.text:
            raise SetupFailed(f"{member.name} could not link: {reply.text}")
    alice = world.members[0]
    reply = await _say(telegram, alice.user, world.group_chat, f"/bind {world.scrum_id}", emit)
    if world.scrum_name not in reply.text:
        raise SetupFailed(f"{alice.name} could not bind {world.group_title}: {reply.text}")


async def _say(telegram: TelegramEmulator, user: TgUser, chat_id: int, text: str,
               emit: Callable[[str], None]) -> BotMessage:
    """Send as `user` and return the bot's next message in that chat, printing both."""
    place = "private" if chat_id == user.id else "group"
    shown = _WEBHOOK_CODE.sub(r"\1…", text)
    emit(f"  {user.first_name} ({place}): {shown}")
    before = len(telegram.bot_messages(chat_id))
    await telegram.send(chat_id, user, text)
    try:
        sent = await telegram.wait_for_bot_messages(chat_id, before + 1, timeout=SETUP_SECONDS)
    except TimeoutError as error:
        raise SetupFailed(f"the bot did not answer {text.split()[0]} in time") from error
    reply = sent[before]
    emit("  " + render_message(reply).replace("\n", "\n  "))
    return reply


def banner(world: DemoWorld) -> str:
    """Who you are, what the portal holds, and what to type."""
    alice = world.members[0]
    about = (
        f'You are {alice.name}, {alice.role} "{world.group_title}", now bound to the Scrum '
        f'"{world.scrum_name}" (group {world.scrum_id}): a backlog, Sprint 1 (completed), '
        "Sprint 2 (active), Sprint 3 and Sprint 4 (planned); epics Payments, Onboarding and "
        f'Search. Task {STAR_TASK} "Fix login crash" (5 points) is in Sprint 2; task '
        f'{world.adopt_task} is in the ordinary project "Company website", outside the Scrum.'
    )
    return "\n".join([
        "", textwrap.fill(about, width=78), "",
        f"Type as in Telegram:  /task {STAR_TASK}   /sp {STAR_TASK} 8   "
        f"/move {STAR_TASK} sprint-3   /sprints   /help",
        "Meta-commands:  :as bob  :chat private  :press <n>  :reply <text>  :members  :help  :quit",
        "",
    ])
