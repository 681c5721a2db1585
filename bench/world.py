"""A stage: the emulators on loopback, teams seeded into them, the bot process polling them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.harness import BenchError, BotProcess
from bench.probes import PortalProbe, TelegramProbe
from bot.sandbox.bitrix24 import PortalEmulator
from bot.sandbox.telegram import BotMessage, TelegramEmulator, TgUser

REPLY_TIMEOUT = 30.0


@dataclass
class Team:
    """One Scrum on one portal, and the group chat its members talk in."""

    portal: PortalEmulator
    probe: PortalProbe
    name: str
    group_id: int
    chat: int
    members: list[TgUser]  # the first is the chat admin and Scrum master
    hooks: list[str]
    tasks: list[int]


@dataclass
class Stage:
    """Everything one measurement runs against."""

    telegram: TelegramEmulator
    probe: TelegramProbe
    portals: list[PortalEmulator]
    probes: list[PortalProbe]
    bot: BotProcess
    teams: list[Team] = field(default_factory=list)

    def seed(self, index: int, *, members: int, tasks: int) -> Team:
        """A Scrum with sprints, epics and `tasks` tasks on portal `index`, and its chat."""
        team = seed_team(self.portals[index], self.probes[index], self.telegram, index,
                         members=members, tasks=tasks)
        self.teams.append(team)
        return team

    async def say(self, chat: int, user: TgUser, text: str,
                  timeout: float = REPLY_TIMEOUT) -> tuple[int, BotMessage]:  # noqa: ASYNC109
        """Send as a member; the message id and the bot's next message in that chat."""
        before = len(self.telegram.bot_messages(chat))
        message_id = await self.telegram.send(chat, user, text)
        try:
            sent = await self.telegram.wait_for_bot_messages(chat, before + 1, timeout=timeout)
        except TimeoutError:
            raise BenchError(f"no reply to {text.split()[0]} within {timeout:.0f} s") from None
        return message_id, sent[before]

    async def link_and_bind(self, teams: list[Team] | None = None, *, private: bool = False
                            ) -> None:  # fmt: skip
        """Every member sends /link in private, then each chat's admin sends /bind.

        With `private`, every member also binds their private chat to the team's Scrum.
        """
        teams = self.teams if teams is None else teams
        for team in teams:
            for user, hook in zip(team.members, team.hooks, strict=True):
                self.telegram.add_private_chat(user)
                await self.telegram.send(user.id, user, f"/link {hook}")
        for team in teams:
            for user in team.members:
                await self._expect(user.id, 1, "Linked as")
        for team in teams:
            await self.telegram.send(team.chat, team.members[0], f"/bind {team.group_id}")
        for team in teams:
            await self._expect(team.chat, 1, team.name)
        if private:
            for team in teams:
                for user in team.members:
                    await self.telegram.send(user.id, user, f"/bind {team.group_id}")
            for team in teams:
                for user in team.members:
                    await self._expect(user.id, 2, team.name)

    async def _expect(self, chat: int, count: int, wanted: str) -> None:
        try:
            sent = await self.telegram.wait_for_bot_messages(chat, count, timeout=REPLY_TIMEOUT)
        except TimeoutError:
            raise BenchError(f"linking/binding got no reply: {self.bot.log_tail()}") from None
        if wanted not in sent[count - 1].text:
            raise BenchError(f"linking/binding failed: {sent[count - 1].text[:200]}")


def seed_team(portal: PortalEmulator, probe: PortalProbe, telegram: TelegramEmulator,
              index: int, *, members: int, tasks: int) -> Team:  # fmt: skip
    """Users, a Scrum (Sprint 1 done, 2 active, 3 planned; epics Payments, Onboarding), tasks."""
    people = [portal.add_user(f"Member{m}", f"Team{index}") for m in range(members)]
    name = f"Team {index}"
    group = portal.add_group(name, owner_id=people[0], scrum_master_id=people[0],
                             members=people[1:])
    for sort, (sprint, status) in enumerate(
            [("Sprint 1", "completed"), ("Sprint 2", "active"), ("Sprint 3", "planned")]):
        portal.add_sprint(group, sprint, status, sort=sort)
    portal.add_epic(group, "Payments")
    portal.add_epic(group, "Onboarding")
    backlog = portal.backlog_id(group)
    task_ids = [portal.add_task(f"Task {k}", group_id=group, responsible_id=people[k % members],
                                entity_id=backlog, story_points="1") for k in range(tasks)]
    users = [TgUser(10_000_000 + index * 1000 + m, f"Member{m}") for m in range(members)]
    chat = telegram.add_group(f"{name} standup", admins=[users[0].id], members=users)
    hooks = [portal.webhook_url(uid, portal.add_webhook(uid)) for uid in people]
    return Team(portal, probe, name, group, chat, users, hooks, task_ids)


@asynccontextmanager
async def stage(workdir: Path, portals: int, **settings: str) -> AsyncIterator[Stage]:
    """Start the emulators (with probes) and the bot; stop them all, bot first."""
    telegram = TelegramEmulator()
    telegram_probe = TelegramProbe(telegram)
    emulators = [PortalEmulator() for _ in range(portals)]
    probes = [PortalProbe(portal) for portal in emulators]
    await telegram.start()
    try:
        for portal in emulators:
            await portal.start()
        async with BotProcess(telegram, workdir, **settings) as bot:
            yield Stage(telegram, telegram_probe, emulators, probes, bot)
    finally:
        await asyncio.gather(*(portal.stop() for portal in emulators), return_exceptions=True)
        await telegram.stop()
