"""Settings from the environment and an optional `.env` file; the only place that reads them."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, ClassVar, cast

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.adapters.bitrix24.limiter import PortalRateLimits, parse_portal_rates, parse_rate
from bot.adapters.storage.crypto import validate_key
from bot.settings_kit import Secret, read_env_file, to_bool, to_float, to_int, to_text

__all__ = ["SETTINGS_HELP", "Secret", "Settings", "SettingsError", "load_settings"]

SETTINGS_HELP = """settings (environment variables, or a .env file in the working directory):
  TELEGRAM_BOT_TOKEN     required; the token @BotFather gave you
  TELEGRAM_BASE_URL      Bot API base URL (default https://api.telegram.org/bot);
                         point it at a local Bot API server if you run one
  DATABASE_URL           SQLAlchemy async URL (default sqlite+aiosqlite:///data/bot.db,
                         relative to the working directory); PostgreSQL:
                         postgresql+asyncpg://user:password@host:5432/dbname
  BOT_SECRET_KEY         Fernet key that encrypts stored webhook codes; when unset one is
                         generated on first start into the data folder (secret.key, mode 0600)
  BITRIX24_ALLOW_HTTP    accept http:// portal URLs (default off; for local emulators only)
  LOG_LEVEL              DEBUG, INFO (default), WARNING or ERROR
  SCRUM_CACHE_TTL        seconds a Scrum's sprints and epics are cached (default 600)
  BITRIX24_TIMEOUT       seconds to wait for one Bitrix24 request (default 10)
  BITRIX24_RATE_LIMIT    requests per portal: BURST/PER_SECOND (default 50/2, Bitrix24's
                         limit; Enterprise portals allow 250/5); the bot waits, never exceeds
  BITRIX24_PORTAL_RATE_LIMITS
                         per-portal overrides, e.g. big.bitrix24.ru=250/5,b.bitrix24.de=100/3
  REDIS_URL              redis://host:6379/0 to share those limits between bot processes
                         (default unset: each process keeps them in memory)
  MAX_CONCURRENT_UPDATES updates handled at once across chats (default 64); one chat's
                         updates always run in order; 1 handles one update at a time"""

_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
ENV_FILE = Path(".env")


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot can be told from outside (each value checked when it is built)."""

    names: ClassVar[tuple[str, ...]]  # the settings' names, in the order they are checked

    telegram_bot_token: Secret
    telegram_base_url: str = "https://api.telegram.org/bot"
    database_url: str = "sqlite+aiosqlite:///data/bot.db"
    bot_secret_key: Secret | None = None
    bitrix24_allow_http: bool = False
    log_level: str = "INFO"
    scrum_cache_ttl: float = 600.0
    bitrix24_timeout: float = 10.0
    bitrix24_rate_limit: str = "50/2"
    bitrix24_portal_rate_limits: str = ""
    redis_url: Secret | None = None
    max_concurrent_updates: int = 64

    def __post_init__(self) -> None:
        """Check and normalise every value in order; SettingsError names the first bad one."""
        for name in self.names:
            try:
                value = _CHECKS[name](getattr(self, name))
            except ValueError as error:
                raise SettingsError(f"{name.upper()}: {error}") from None
            object.__setattr__(self, name, value)

    @property
    def rate_limits(self) -> PortalRateLimits:
        """The request budget of every portal, and the per-portal overrides."""
        overrides = parse_portal_rates(self.bitrix24_portal_rate_limits)
        return PortalRateLimits(parse_rate(self.bitrix24_rate_limit), overrides)

    @property
    def level(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]

    @property
    def data_dir(self) -> Path:
        """Where the generated key lives: beside the SQLite file, else ./data."""
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            return Path(url.database).parent
        return Path("data")


def _token(value: object) -> Secret:
    token = to_text(value).strip()
    if ":" not in token or any(c.isspace() for c in token):
        raise ValueError("does not look like a bot token (digits:letters)")
    return Secret(token)


def _base_url(value: object) -> str:
    if not to_text(value).startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return to_text(value)


def _database_url(value: object) -> str:
    try:
        url = make_url(to_text(value))
    except ArgumentError as error:
        raise ValueError("is not a database URL") from error
    if url.get_backend_name() not in {"sqlite", "postgresql"}:
        raise ValueError("must be a sqlite+aiosqlite:// or postgresql+asyncpg:// URL")
    return to_text(value)


def _secret_key(value: object) -> Secret | None:
    if value is None or not to_text(value):
        return None
    validate_key(to_text(value))
    return Secret(to_text(value))


def _level(value: object) -> str:
    if to_text(value).upper() not in _LEVELS:
        raise ValueError(f"must be one of {', '.join(sorted(_LEVELS))}")
    return to_text(value).upper()


def _rate(value: object) -> str:
    parse_rate(to_text(value))
    return to_text(value).strip()


def _portal_rates(value: object) -> str:
    parse_portal_rates(to_text(value))
    return to_text(value).strip()


def _redis_url(value: object) -> Secret | None:
    url = "" if value is None else to_text(value).strip()
    if url and not url.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError("must be a redis://, rediss:// or unix:// URL")
    return Secret(url) if url else None


_CHECKS: dict[str, Callable[[object], object]] = {
    "telegram_bot_token": _token,
    "telegram_base_url": _base_url,
    "database_url": _database_url,
    "bot_secret_key": _secret_key,
    "bitrix24_allow_http": to_bool,
    "log_level": _level,
    "scrum_cache_ttl": lambda value: to_float(value, gt=0),
    "bitrix24_timeout": lambda value: to_float(value, gt=0, le=300),
    "bitrix24_rate_limit": _rate,
    "bitrix24_portal_rate_limits": _portal_rates,
    "redis_url": _redis_url,
    "max_concurrent_updates": lambda value: to_int(value, ge=1, le=4096),
}


Settings.names = tuple(spec.name for spec in fields(Settings))


def load_settings(env_file: Path | None = ENV_FILE) -> Settings:
    """Read the settings (environment over `.env`, any case); SettingsError names a bad one."""
    found = read_env_file(env_file) if env_file is not None else {}
    found = {name.lower(): value for name, value in found.items()}
    found |= {name.lower(): value for name, value in os.environ.items()}
    values = {name: found[name] for name in Settings.names if name in found}
    if "telegram_bot_token" not in values:
        raise SettingsError("TELEGRAM_BOT_TOKEN is required (see python -m bot --help)")
    return Settings(**cast(dict[str, Any], values))
