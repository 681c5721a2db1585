"""Two `python -m bot` processes serving one portal share its request budget through Redis.

Runs only with TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15); the only key it touches is the
emulated portal's bucket, `scrumbot:bucket:127.0.0.1:<port>`, removed before and after.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from redis.asyncio import Redis

from bot.adapters.bitrix24.limiter import portal_key
from bot.adapters.bitrix24.redis_limiter import KEY_PREFIX
from bot.sandbox.bitrix24 import PortalEmulator
from bot.sandbox.telegram import TelegramEmulator, TgUser

REDIS_ENV = "TEST_REDIS_URL"
BURST, PER_SECOND = 10, 10  # the portal's leaky bucket; each bot is told the same budget
COMMANDS = 60  # /sp commands fired into each bot at once, each on its own task
CHANGE = re.compile(r"#(\d+) [^\n]*: story points (\S*) → (\S+)")
REFUSED = ("limit", "busy", "too many", "try again")
ALICE, BOB = TgUser(1001, "Alice", "alice"), TgUser(1002, "Bob", "bob")

pytestmark = pytest.mark.slow


@dataclass
class Portal:
    """One Scrum on the emulated portal: Alice leads it, Bob is in it."""

    emulator: PortalEmulator
    group_id: int
    hooks: dict[int, str]  # Telegram user id → Alice's or Bob's webhook URL
    tasks: list[int]  # `COMMANDS` backlog tasks per bot, without story points
    bucket_key: str  # the portal's leaky bucket in Redis


@dataclass
class Bot:
    """A bot process, its own Telegram and its team's group chat."""

    telegram: TelegramEmulator
    chat: int
    log: Path


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"{REDIS_ENV} is not set: no Redis server for two bot processes to share")
    return url


@pytest.fixture
async def portal(redis_url: str) -> AsyncIterator[Portal]:
    """The portal, seeded; its bucket key in Redis exists only while the test runs."""
    emulator = PortalEmulator()
    await emulator.start()
    alice_id, bob_id = emulator.add_user("Alice", "Smith"), emulator.add_user("Bob", "Jones")
    group = emulator.add_group("Mobile team", owner_id=alice_id, scrum_master_id=alice_id,
                               members=[bob_id])
    backlog = emulator.backlog_id(group)
    tasks = [emulator.add_task(f"Story {n}", group_id=group, responsible_id=bob_id,
                               entity_id=backlog) for n in range(2 * COMMANDS)]
    hooks = {user.id: emulator.webhook_url(uid, emulator.add_webhook(uid))
             for user, uid in ((ALICE, alice_id), (BOB, bob_id))}
    redis, key = Redis.from_url(redis_url), KEY_PREFIX + portal_key(emulator.base_url)
    await redis.delete(key)
    try:
        yield Portal(emulator, group, hooks, tasks, key)
    finally:
        await emulator.stop()
        await redis.delete(key)
        await redis.aclose()


def bot_env(telegram: TelegramEmulator, folder: Path, redis_url: str | None) -> dict[str, str]:
    """The process's settings: its own token, database and key; the portal's budget."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "BITRIX24_", "DATABASE_", "BOT_", "REDIS_", "LOG_"))}
    env |= {
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_BASE_URL": telegram.base_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'bot.db'}",
        "BOT_SECRET_KEY": Fernet.generate_key().decode(),
        "BITRIX24_ALLOW_HTTP": "1",
        "BITRIX24_RATE_LIMIT": f"{BURST}/{PER_SECOND}",
        "LOG_LEVEL": "WARNING",
    }
    if redis_url is not None:
        env["REDIS_URL"] = redis_url
    return env


def bot_log(folder: Path) -> Path:
    """The bot's own folder and the file its log lines go to."""
    folder.mkdir()
    (folder / "bot.log").touch()
    return folder / "bot.log"


def read_log(log: Path) -> str:
    """What a bot process logged (WARNING and above)."""
    return log.read_text()


async def wait_until(condition: object, seconds: float) -> bool:
    """Poll `condition` until it holds or `seconds` pass; whether it held."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():  # type: ignore[operator]
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def say(telegram: TelegramEmulator, chat: int, user: TgUser, text: str) -> str:
    """Send as a member and return the text of the bot's next message in that chat."""
    before = len(telegram.bot_messages(chat))
    await telegram.send(chat, user, text)
    return (await telegram.wait_for_bot_messages(chat, before + 1, timeout=20))[before].text


async def start_team(stack: AsyncExitStack, portal: Portal, folder: Path, number: int,
                     redis_url: str | None) -> Bot:
    """A bot process with its own Telegram, Alice and Bob linked and their chat bound."""
    telegram = TelegramEmulator(token=f"{700 + number}:TEAM-{number}-TOKEN")
    await stack.enter_async_context(telegram)
    log = bot_log(folder)
    with log.open("ab") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=folder, stderr=stderr,
            env=bot_env(telegram, folder, redis_url))
    stack.push_async_callback(stop, process)
    assert await wait_until(lambda: "setMyCommands" in telegram.requests, 30), read_log(log)
    chat = telegram.add_group("Mobile standup", admins=[ALICE.id], members=[ALICE, BOB])
    for user in (ALICE, BOB):
        telegram.add_private_chat(user)
        assert (await say(telegram, user.id, user, f"/link {portal.hooks[user.id]}")
                ).startswith("Linked as")
    assert "Mobile team" in await say(telegram, chat, ALICE, f"/bind {portal.group_id}")
    return Bot(telegram, chat, log)


async def stop(process: asyncio.subprocess.Process) -> None:
    """Stop a bot as its operator would (Ctrl+C), killing it if it hangs."""
    if process.returncode is None:
        process.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(process.wait(), 20)
        except TimeoutError:
            process.kill()
            await process.wait()


@dataclass(frozen=True)
class Standup:
    """What both teams saw and what the portal logged."""

    statuses: list[int]  # of every request that reached the portal, in order
    paragraphs: list[str]  # every answer in both chats (merged messages split again)
    changes: dict[int, str]  # task id → the story points a reply reported

    @property
    def refusals(self) -> list[str]:
        """Answers that tell a member about a limit instead of doing the change."""
        return [text for text in self.paragraphs if any(word in text.lower() for word in REFUSED)]


def answers(bots: list[Bot], before: list[int]) -> Standup:
    """The replies since `before` messages in each team's chat."""
    paragraphs = [paragraph for bot, skip in zip(bots, before, strict=True)
                  for message in bot.telegram.bot_messages(bot.chat)[skip:]
                  for paragraph in message.text.split("\n\n")]
    changes = {int(task): new for text in paragraphs for task, _, new in CHANGE.findall(text)}
    return Standup([], paragraphs, changes)


async def standup(portal: Portal, tmp_path: Path, redis_url: str | None) -> Standup:
    """Both teams fire their commands at once and wait (≤ 45 s) until each one is answered."""
    async with AsyncExitStack() as stack, asyncio.timeout(80):
        bots = list(await asyncio.gather(*(start_team(stack, portal, tmp_path / f"bot{n}", n,
                                                      redis_url) for n in range(2))))
        before = [len(bot.telegram.bot_messages(bot.chat)) for bot in bots]
        portal.emulator.clear_log()
        portal.emulator.set_rate_limit(True, burst=BURST, per_second=PER_SECOND)
        for n in range(COMMANDS):
            for number, bot in enumerate(bots):
                task = portal.tasks[number * COMMANDS + n]
                await bot.telegram.send(bot.chat, (ALICE, BOB)[n % 2], f"/sp {task} {n % 13 + 1}")

        def answered() -> bool:
            seen = answers(bots, before)
            return len(seen.changes) + len(seen.refusals) >= len(portal.tasks)

        await wait_until(answered, 45)
        seen = answers(bots, before)
    assert not [bot.log for bot in bots if "Traceback" in read_log(bot.log)]  # stopped cleanly
    return Standup([request.status for request in portal.emulator.requests],
                   seen.paragraphs, seen.changes)


def expected_points(portal: Portal) -> dict[int, str]:
    """The story points each command set."""
    return {task: str(n % COMMANDS % 13 + 1) for n, task in enumerate(portal.tasks)}


async def test_two_bot_processes_share_the_portal_budget_through_redis(
    portal: Portal, redis_url: str, tmp_path: Path
) -> None:
    seen = await standup(portal, tmp_path, redis_url)
    assert seen.changes == expected_points(portal)  # every command of both teams was answered
    assert seen.refusals == []
    assert seen.statuses.count(503) == 0  # the portal never had to refuse either process
    assert len(seen.statuses) > 3 * BURST  # far more requests than the burst allows at once
    written = {task: item.story_points for task in portal.tasks
               if (item := portal.emulator.item(task)) is not None}
    assert written == expected_points(portal)
    redis = Redis.from_url(redis_url)
    try:  # the budget the processes shared is the one in Redis
        assert await redis.exists(portal.bucket_key) == 1
    finally:
        await redis.aclose()


async def test_without_redis_each_process_keeps_its_own_budget_and_the_portal_refuses(
    portal: Portal, tmp_path: Path
) -> None:
    """The control: the same standup without REDIS_URL overruns the portal."""
    seen = await standup(portal, tmp_path, None)
    assert seen.statuses.count(503) > 0  # two budgets of BURST/PER_SECOND: twice the portal's
    assert len(seen.changes) + len(seen.refusals) == len(portal.tasks)  # each command answered
    assert len(seen.changes) > len(portal.tasks) * 0.9  # mostly changes: the client retried
