"""`python -m bot` as a team lead runs it: settings errors, --help, a real process end to end."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.sandbox.bitrix24 import PortalEmulator
from bot.sandbox.telegram import TelegramEmulator, TgUser

SETTINGS = ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BASE_URL", "DATABASE_URL", "BOT_SECRET_KEY",
            "BITRIX24_ALLOW_HTTP", "LOG_LEVEL")


def _env(cwd: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    env.update(settings)
    return env


async def _run(cwd: Path, *args: str, **settings: str) -> tuple[int, str, str]:
    command = list(args) if args[:1] == ("-c",) else ["-m", "bot", *args]
    process = await asyncio.create_subprocess_exec(
        sys.executable, *command, cwd=cwd, env=_env(cwd, **settings),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_help_lists_every_setting(tmp_path: Path) -> None:
    code, out, _ = await _run(tmp_path, "--help")
    assert code == 0
    for name in SETTINGS:
        assert name in out


async def test_missing_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    code, _, err = await _run(tmp_path)
    assert code == 2
    assert err.strip() == "error: TELEGRAM_BOT_TOKEN is required (see python -m bot --help)"


async def test_malformed_settings_name_the_setting(tmp_path: Path) -> None:
    for name, value in [("LOG_LEVEL", "LOUD"), ("BITRIX24_ALLOW_HTTP", "perhaps"),
                        ("BOT_SECRET_KEY", "not-a-key"), ("DATABASE_URL", "mysql://x/y"),
                        ("TELEGRAM_BASE_URL", "ftp://x")]:
        code, _, err = await _run(tmp_path, TELEGRAM_BOT_TOKEN="1:abc", **{name: value})
        assert code == 2, name
        assert err.startswith(f"error: {name}"), err
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


async def test_migrate_creates_the_database_and_folder(tmp_path: Path) -> None:
    code, out, _ = await _run(tmp_path, "migrate", TELEGRAM_BOT_TOKEN="1:abc")
    assert code == 0 and "up to date" in out
    assert (tmp_path / "data" / "bot.db").exists()


async def test_run_stops_on_a_failing_database_with_one_line(tmp_path: Path) -> None:
    code, _, err = await _run(tmp_path, TELEGRAM_BOT_TOKEN="1:abc", LOG_LEVEL="WARNING",
                              DATABASE_URL="postgresql+asyncpg://bot:pw-123@127.0.0.1:1/bot")
    assert code == 1
    assert err.strip().startswith("error: DATABASE_URL: the database failed while migrating"), err
    assert len(err.strip().splitlines()) == 1 and "pw-123" not in err


async def test_the_bot_process_loads_no_migration_tool_redis_or_pydantic(tmp_path: Path) -> None:
    """Alembic runs in a child `migrate`; Redis only with REDIS_URL; settings need no pydantic."""
    probe = ("import sys; from bot.config import load_settings; from bot.main import "
             "build_application; build_application(load_settings()); print(sorted("
             "{name.split('.')[0] for name in sys.modules} & {'alembic', 'redis', 'pydantic', "
             "'pydantic_settings', 'dotenv'}))")
    code, out, err = await _run(tmp_path, "-c", probe, TELEGRAM_BOT_TOKEN="1:abc")
    assert (code, out.strip()) == (0, "[]"), err


async def _wait_for(condition: object, seconds: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_the_process_links_a_member_and_logs_no_secret(tmp_path: Path) -> None:
    async with TelegramEmulator() as telegram:
        portal = PortalEmulator()
        await portal.start()
        user_id = portal.add_user("Dana", "Lee")
        code = portal.add_webhook(user_id)
        dana = TgUser(2001, "Dana")
        telegram.add_private_chat(dana)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=tmp_path, stderr=asyncio.subprocess.PIPE,
            env=_env(tmp_path, TELEGRAM_BOT_TOKEN=telegram.token,
                     TELEGRAM_BASE_URL=telegram.base_url, BITRIX24_ALLOW_HTTP="1",
                     LOG_LEVEL="DEBUG"))
        try:
            await _wait_for(lambda: "setMyCommands" in telegram.requests)
            await telegram.send(dana.id, dana, f"/link {portal.webhook_url(user_id, code)}")
            reply = (await telegram.wait_for_bot_messages(dana.id, 1, timeout=20))[0]
            assert reply.text.startswith("Linked as Dana Lee")
        finally:
            process.send_signal(signal.SIGINT)
            _, err = await asyncio.wait_for(process.communicate(), 30)
            await portal.stop()
        assert process.returncode == 0
        log = err.decode()
        assert "bot @scrum_test_bot started" in log
        assert code not in log and telegram.token not in log
        key_file = tmp_path / "data" / "secret.key"
        assert key_file.stat().st_mode & 0o777 == 0o600
        assert code.encode() not in (tmp_path / "data" / "bot.db").read_bytes()
