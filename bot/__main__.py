"""`python -m bot` — run the bot; `migrate` — only update the schema; `demo` — try it locally."""

from __future__ import annotations

import argparse
import sys

from bot.config import SETTINGS_HELP, Settings, SettingsError, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Telegram bot for Scrum teams on Bitrix24.\n\n"
                    "Try it without any account: python -m bot demo chats with the real bot in\n"
                    "this terminal, against built-in Telegram and Bitrix24 emulators.",
        epilog=SETTINGS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", nargs="?", default="run", choices=["run", "migrate", "demo"],
                        help="run the bot (default), only bring the database schema up to date "
                             "(migrate), or chat with the bot in this terminal against built-in "
                             "emulators, no settings needed (demo)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "demo":
        from bot.demo import main as demo

        return demo()
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    from bot.redaction import configure_logging

    configure_logging(settings.level, [settings.telegram_bot_token.get_secret_value()])
    if args.command == "run":
        from bot.main import run

        return run(settings)  # the schema is brought up to date by `migrate` in a child process
    return migrate(settings)


def migrate(settings: Settings) -> int:
    """Bring the database schema up to date in this process; the exit status."""
    import asyncio

    from bot.adapters.storage.database import upgrade_schema
    from bot.core.errors import StorageError

    try:
        asyncio.run(upgrade_schema(settings.database_url))
    except StorageError as error:
        print(f"error: DATABASE_URL: {error}", file=sys.stderr)
        return 1
    print("database schema is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
