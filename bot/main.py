"""The composition root: settings → adapters → use cases → the PTB Application."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiohttp
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import ApplicationBuilder

from bot.adapters.bitrix24.client import Bitrix24Client
from bot.adapters.bitrix24.limiter import MemoryLimiter, RateLimiter
from bot.adapters.bitrix24.tracker import Bitrix24Tracker
from bot.adapters.storage.crypto import SecretBox, load_or_create_key
from bot.adapters.storage.database import create_engine
from bot.adapters.storage.unit_of_work import SqlUnitOfWorkFactory
from bot.adapters.telegram.app import publish_commands, register_handlers
from bot.adapters.telegram.context import CONTEXT_TYPES, BotApplication
from bot.adapters.telegram.outbox import close_outbox, open_outbox
from bot.adapters.telegram.processor import ChatOrderedProcessor
from bot.config import Settings
from bot.locales import load_catalogs
from bot.services.accounts import Accounts
from bot.services.adopt import Adopt
from bot.services.audit import Audit
from bot.services.bundle import UseCases
from bot.services.buttons import Buttons
from bot.services.catalog import ScrumCatalog
from bot.services.languages import Languages
from bot.services.new_task import NewTasks
from bot.services.scrum_reads import ScrumReads
from bot.services.task_writes import TaskWrites
from bot.services.undo import Undo

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Resources:
    """What the bot opens at start and closes at shutdown."""

    settings: Settings
    engine: AsyncEngine | None = None
    http: aiohttp.ClientSession | None = None
    limiter: RateLimiter | None = None

    async def open(self) -> UseCases:
        """Open the database and the one HTTP session; build the use cases."""
        settings = self.settings
        self.engine = create_engine(settings.database_url)
        box = SecretBox(self._secret_key())
        self.http = aiohttp.ClientSession()
        self.limiter = self._limiter()
        client = Bitrix24Client(self.http, timeout=settings.bitrix24_timeout, limiter=self.limiter)
        tracker = Bitrix24Tracker(client)
        uow_factory = SqlUnitOfWorkFactory(self.engine, box)
        catalog = ScrumCatalog(tracker, utc_now, timedelta(seconds=settings.scrum_cache_ttl))
        buttons = Buttons(uow_factory, catalog, utc_now)
        return UseCases(
            accounts=Accounts(uow_factory, tracker, settings.bitrix24_allow_http),
            writes=TaskWrites(uow_factory, tracker, catalog, utc_now),
            reads=ScrumReads(uow_factory, tracker, catalog),
            languages=Languages(uow_factory, utc_now),
            buttons=buttons,
            new_tasks=NewTasks(uow_factory, tracker, catalog, utc_now),
            adopt=Adopt(uow_factory, tracker, catalog, buttons, utc_now),
            undo=Undo(uow_factory, tracker, catalog, utc_now),
            audit=Audit(uow_factory),
        )

    def _limiter(self) -> RateLimiter:
        """Per-portal request budgets: shared through Redis when REDIS_URL is set."""
        redis_url, limits = self.settings.redis_url, self.settings.rate_limits
        if redis_url is None:
            return MemoryLimiter(limits)
        from bot.adapters.bitrix24.redis_limiter import RedisLimiter  # redis only when it is used

        return RedisLimiter(redis_url.get_secret_value(), limits)

    def _secret_key(self) -> bytes:
        key = self.settings.bot_secret_key
        if key is not None:
            return key.get_secret_value().encode("ascii")
        return load_or_create_key(self.settings.data_dir / "secret.key")

    async def close(self) -> None:
        if self.http is not None:
            await self.http.close()
        if self.limiter is not None:
            await self.limiter.close()
        if self.engine is not None:
            await self.engine.dispose()


def build_application(settings: Settings) -> BotApplication:
    """The PTB Application with every handler; resources open in post_init."""
    load_catalogs()
    resources = Resources(settings)

    async def post_init(application: BotApplication) -> None:
        application.bot_data.use_cases = await resources.open()
        open_outbox(application.bot)
        await publish_commands(application)
        log.info("bot @%s started", application.bot.username)

    async def post_stop(application: BotApplication) -> None:
        await close_outbox(application.bot)  # while the bot can still send

    async def post_shutdown(application: BotApplication) -> None:
        await close_outbox(application.bot, timeout=0.0)
        await resources.close()

    application: BotApplication = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(ChatOrderedProcessor(settings.max_concurrent_updates))
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )
    register_handlers(application)
    return application


def migrate_in_child(settings: Settings) -> int:
    """`python -m bot migrate` on the same database: Alembic never enters the bot's memory.

    The child inherits stderr, so its one-line error (and its log) reads as the bot's own;
    its exit status (0 when the schema is up to date) is returned.
    """
    env = os.environ | {"DATABASE_URL": settings.database_url}
    command = [sys.executable, "-m", "bot", "migrate"]
    # S603: our own interpreter and module, arguments fixed, no shell
    child = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=False)  # noqa: S603
    return child.returncode


def run(settings: Settings) -> int:
    """Update the schema (in a child process), then long-poll until interrupted; the exit status."""
    status = migrate_in_child(settings)
    if status != 0:
        return status
    application = build_application(settings)
    try:
        application.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=3)
    except InvalidToken:
        print("error: TELEGRAM_BOT_TOKEN was rejected by Telegram", file=sys.stderr)
        return 2
    except NetworkError as error:
        print(f"error: cannot reach Telegram at TELEGRAM_BASE_URL: {error.message}",
              file=sys.stderr)
        return 1
    return 0
