"""End to end: the real PTB Application over HTTP against both emulators on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.adapters.storage.database import upgrade_schema
from bot.adapters.telegram.context import BotApplication
from bot.config import Settings
from bot.main import build_application
from bot.sandbox.bitrix24 import PortalEmulator
from bot.sandbox.telegram import BotMessage, TelegramEmulator, TgUser


@dataclass
class World:
    """A portal with one Scrum and a team chat, as a standup finds them."""

    portal: PortalEmulator
    telegram: TelegramEmulator
    alice: TgUser  # chat admin, scrum master
    bob: TgUser  # team member
    carol: TgUser  # in the chat, not in the Scrum
    alice_id: int
    bob_id: int
    carol_id: int
    alice_hook: str
    bob_hook: str
    carol_hook: str
    group_id: int
    backlog_id: int
    sprint_done: int  # "Sprint 1", completed
    sprint_active: int  # "Sprint 2", active
    sprint_next: int  # "Sprint 3", planned
    sprint_later: int  # "Sprint 4", planned
    epic_payments: int
    epic_onboarding: int
    task: int  # "Fix login crash" in the backlog, 5 points
    other_group: int  # a Scrum Bob is not a member of
    secret_task: int  # a task in that Scrum
    chat: int  # the team's group chat

    async def say(self, chat_id: int, user: TgUser, text: str, wait: float = 10.0
                  ) -> BotMessage:
        """Send as a member and return the bot's next message in that chat."""
        before = len(self.telegram.bot_messages(chat_id))
        await self.telegram.send(chat_id, user, text)
        sent = await self.telegram.wait_for_bot_messages(chat_id, before + 1, timeout=wait)
        return sent[before]

    async def link(self, user: TgUser, hook: str) -> BotMessage:
        self.telegram.add_private_chat(user)
        return await self.say(user.id, user, f"/link {hook}")

    async def bind(self) -> BotMessage:
        return await self.say(self.chat, self.alice, f"/bind {self.group_id}")


def seed(portal: PortalEmulator, telegram: TelegramEmulator) -> World:
    """The standard world every scenario starts from."""
    alice_id, bob_id = portal.add_user("Alice", "Smith"), portal.add_user("Bob", "Jones")
    carol_id = portal.add_user("Carol", "White")
    group = portal.add_group("Mobile team", owner_id=alice_id, scrum_master_id=alice_id,
                             members=[bob_id])
    other = portal.add_group("Secret project", owner_id=carol_id, scrum_master_id=carol_id)
    backlog = portal.backlog_id(group)
    sprints = [portal.add_sprint(group, name, status, sort=i) for i, (name, status) in enumerate(
        [("Sprint 1", "completed"), ("Sprint 2", "active"), ("Sprint 3", "planned"),
         ("Sprint 4", "planned")])]
    payments, onboarding = portal.add_epic(group, "Payments"), portal.add_epic(group, "Onboarding")
    task = portal.add_task("Fix login crash", group_id=group, responsible_id=bob_id,
                           created_by=alice_id, entity_id=backlog, story_points="5")
    secret = portal.add_task("Secret plan", group_id=other, responsible_id=carol_id,
                             created_by=carol_id, entity_id=portal.backlog_id(other))
    alice = TgUser(1001, "Alice", "alice")
    bob = TgUser(1002, "Bob", "bob")
    carol = TgUser(1003, "Carol", "carol")
    chat = telegram.add_group("Mobile standup", admins=[alice.id], members=[alice, bob, carol],
                              bot_can_delete=True)
    hooks = {uid: portal.webhook_url(uid, portal.add_webhook(uid))
             for uid in (alice_id, bob_id, carol_id)}
    return World(portal, telegram, alice, bob, carol, alice_id, bob_id, carol_id,
                 hooks[alice_id], hooks[bob_id], hooks[carol_id], group, backlog, *sprints,
                 payments, onboarding, task, other, secret, chat)


def settings_for(telegram: TelegramEmulator, database_url: str, **overrides: object
                 ) -> Settings:
    values: dict[str, object] = {
        "telegram_bot_token": telegram.token,
        "telegram_base_url": telegram.base_url,
        "database_url": database_url,
        "bot_secret_key": Fernet.generate_key().decode(),
        "bitrix24_allow_http": True,
        "bitrix24_timeout": 2.0,
    }
    return Settings(**(values | overrides))  # type: ignore[arg-type]


async def start_bot(settings: Settings) -> BotApplication:
    """What `run_polling` does, step by step, on the test's own event loop."""
    await upgrade_schema(settings.database_url)
    application = build_application(settings)
    await application.initialize()
    assert application.post_init is not None and application.updater is not None
    await application.post_init(application)
    await application.updater.start_polling(poll_interval=0.0, timeout=1)
    await application.start()
    return application


async def stop_bot(application: BotApplication) -> None:
    assert application.updater is not None
    await application.updater.stop()
    await application.stop()
    if application.post_stop is not None:
        await application.post_stop(application)
    await application.shutdown()
    assert application.post_shutdown is not None
    await application.post_shutdown(application)


@pytest.fixture
def bot_database_url(tmp_path: Path) -> str:
    """The bot's database: a SQLite file (test modules may override this fixture)."""
    return f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"


@pytest.fixture
def bot_settings() -> dict[str, object]:
    """Settings a test module overrides (e.g. a short cache TTL)."""
    return {}


@pytest.fixture
async def world(bot_database_url: str, bot_settings: dict[str, object]) -> AsyncIterator[World]:
    portal, telegram = PortalEmulator(), TelegramEmulator()
    await portal.start()
    await telegram.start()
    settings = settings_for(telegram, bot_database_url, **bot_settings)
    application = await start_bot(settings)
    try:
        yield seed(portal, telegram)
    finally:
        await stop_bot(application)
        await telegram.stop()
        await portal.stop()


@pytest.fixture
async def team(world: World) -> World:
    """The world after Alice and Bob linked and Alice bound the chat."""
    await world.link(world.alice, world.alice_hook)
    await world.link(world.bob, world.bob_hook)
    reply = await world.bind()
    assert "Mobile team" in reply.text
    world.portal.clear_log()
    return world
