"""`python -m bot demo`: chat with the real bot in this terminal, against the built-in emulators."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from cryptography.fernet import Fernet
from telegram import Update

from bot.adapters.storage.database import upgrade_schema
from bot.adapters.telegram.context import BotApplication
from bot.config import Secret, Settings
from bot.main import build_application
from bot.redaction import configure_logging
from bot.sandbox.bitrix24 import PortalEmulator
from bot.sandbox.demo.console import LineReader
from bot.sandbox.demo.seed import seed_demo
from bot.sandbox.demo.session import Session
from bot.sandbox.demo.setup import SetupFailed, banner, set_up_team
from bot.sandbox.telegram import TelegramEmulator

HOST = "127.0.0.1"
DEMO_TOKEN = "123456:DEMO-TOKEN"  # noqa: S105 - the local emulator's token, not a secret


def demo_settings(telegram: TelegramEmulator, folder: Path) -> Settings:
    """Settings for a throwaway bot: the emulator, a SQLite file in `folder`, a fresh key."""
    return Settings(
        telegram_bot_token=Secret(telegram.token),
        telegram_base_url=telegram.base_url,
        database_url=f"sqlite+aiosqlite:///{folder / 'demo.db'}",
        bot_secret_key=Secret(Fernet.generate_key().decode()),
        bitrix24_allow_http=True,
        log_level="WARNING",
        scrum_cache_ttl=600.0,
        bitrix24_timeout=10.0,
    )


async def start_application(settings: Settings) -> BotApplication:
    """What `run_polling` does before it blocks: schema, resources, polling, handlers."""
    await upgrade_schema(settings.database_url)
    application = build_application(settings)
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=1,
                                            allowed_updates=Update.ALL_TYPES)
    await application.start()
    return application


async def stop_application(application: BotApplication) -> None:
    """What `run_polling` does when it ends: stop polling, handlers, then close resources."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)


async def run_demo(out: TextIO, fd: int, *, echo: bool, ansi: bool) -> None:
    """Start both emulators and the bot, set the team up, then chat until the member leaves."""
    with tempfile.TemporaryDirectory(prefix="scrum-bot-demo-") as folder:
        telegram = TelegramEmulator(DEMO_TOKEN, "scrum_demo_bot", bot_first_name="Scrum Bot")
        portal = PortalEmulator()
        await telegram.start(HOST)
        await portal.start(HOST)
        try:
            world = seed_demo(portal, telegram)
            application = await start_application(demo_settings(telegram, Path(folder)))
            try:
                session = Session(telegram, world, out, ansi=ansi)
                await set_up_team(telegram, world, session.emit)
                session.start()
                session.emit(banner(world))
                await session.run(LineReader(fd), echo=echo)
            finally:
                await stop_application(application)
        finally:
            await portal.stop()
            await telegram.stop()


def main() -> int:
    """Run the demo: 0 when the member leaves, 1 when the setup fails, 130 on Ctrl-C."""
    configure_logging(logging.WARNING, [DEMO_TOKEN])
    fd = sys.stdin.fileno()
    ansi = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    try:
        asyncio.run(run_demo(sys.stdout, fd, echo=not os.isatty(fd), ansi=ansi))
    except SetupFailed as error:
        print(f"error: the demo could not set the team up: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\n(interrupted)", flush=True)
        return 130
    return 0
