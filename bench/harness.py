"""The bot as a real subprocess (`python3 -m bot`), started, watched and always killed."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from cryptography.fernet import Fernet

from bot.config import Settings
from bot.sandbox.telegram import TelegramEmulator

REPO = Path(__file__).resolve().parents[1]
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
_LIVE: set[asyncio.subprocess.Process] = set()


class BenchError(Exception):
    """A scenario could not be measured; the message says why."""


@dataclass(frozen=True)
class Memory:
    """The bot process's resident memory now and at its peak, in MiB."""

    rss_mb: float
    peak_mb: float


def read_memory(pid: int) -> Memory:
    """`VmRSS` and `VmHWM` from /proc/<pid>/status."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024  # kB → MiB
    return Memory(round(fields["VmRSS"], 1), round(fields["VmHWM"], 1))


def bot_environment(telegram: TelegramEmulator, workdir: Path, **settings: str) -> dict[str, str]:
    """The process environment: inherited, minus any bot setting, plus the scenario's."""
    ours = {name.upper() for name in Settings.names} | {"MAX_CONCURRENT_UPDATES"}
    env = {k: v for k, v in os.environ.items() if k.upper() not in ours}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    env |= {
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_BASE_URL": telegram.base_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'bot.db'}",
        "BOT_SECRET_KEY": Fernet.generate_key().decode(),
        "BITRIX24_ALLOW_HTTP": "1",
        "LOG_LEVEL": "WARNING",
    }
    return env | settings


class BotProcess:
    """`python3 -m bot` polling a Telegram emulator; usable as `async with`."""

    def __init__(self, telegram: TelegramEmulator, workdir: Path, **settings: str) -> None:
        self.telegram = telegram
        self.workdir = workdir
        self.settings = settings
        self.log_path = workdir / "bot.log"
        self._process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int:
        """The bot's process id."""
        if self._process is None:
            raise BenchError("the bot is not running")
        return self._process.pid

    def memory(self) -> Memory:
        """The bot's RSS now and its peak so far."""
        return read_memory(self.pid)

    def log_tail(self, lines: int = 8) -> str:
        """The last lines the bot wrote to stderr/stdout."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def tracebacks(self) -> int:
        """How many tracebacks the bot logged (each is an unhandled error)."""
        if not self.log_path.exists():
            return 0
        return self.log_path.read_text(errors="replace").count("Traceback")

    async def start(self) -> None:
        """Start the process and wait until it long-polls the emulator."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        env = bot_environment(self.telegram, self.workdir, **self.settings)
        with self.log_path.open("wb") as log:
            self._process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=self.workdir, env=env,
                stdin=asyncio.subprocess.DEVNULL, stdout=log, stderr=log)  # fmt: skip
        _LIVE.add(self._process)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT
        while "getUpdates" not in self.telegram.requests:
            if self._process.returncode is not None:
                raise BenchError(f"the bot exited with {self._process.returncode}: "
                                 f"{self.log_tail()}")
            if loop.time() > deadline:
                raise BenchError(f"the bot did not poll within {START_TIMEOUT:.0f} s")
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not exit in time."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.returncode is not None:
            _LIVE.discard(process)
            return
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        _LIVE.discard(process)

    async def __aenter__(self) -> BotProcess:
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()


def kill_leftovers() -> None:
    """Kill any bot process still alive (after an interrupt); last line of defence."""
    for process in list(_LIVE):
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)
    _LIVE.clear()
