"""Settings from the environment and an optional `.env` file; the only place that reads them."""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.adapters.bitrix24.limiter import PortalRateLimits, parse_portal_rates, parse_rate
from bot.adapters.storage.crypto import validate_key

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


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it."""


class Settings(BaseSettings):
    """Everything the bot can be told from outside."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    telegram_bot_token: SecretStr
    telegram_base_url: str = "https://api.telegram.org/bot"
    database_url: str = "sqlite+aiosqlite:///data/bot.db"
    bot_secret_key: SecretStr | None = None
    bitrix24_allow_http: bool = False
    log_level: str = "INFO"
    scrum_cache_ttl: float = Field(default=600.0, gt=0)
    bitrix24_timeout: float = Field(default=10.0, gt=0, le=300)
    bitrix24_rate_limit: str = "50/2"
    bitrix24_portal_rate_limits: str = ""
    redis_url: SecretStr | None = None
    max_concurrent_updates: int = Field(default=64, ge=1, le=4096)

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value().strip()
        if ":" not in token or any(c.isspace() for c in token):
            raise ValueError("does not look like a bot token (digits:letters)")
        return SecretStr(token)

    @field_validator("telegram_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as error:
            raise ValueError("is not a database URL") from error
        if url.get_backend_name() not in {"sqlite", "postgresql"}:
            raise ValueError("must be a sqlite+aiosqlite:// or postgresql+asyncpg:// URL")
        return value

    @field_validator("bot_secret_key")
    @classmethod
    def _secret_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value():
            validate_key(value.get_secret_value())
            return value
        return None

    @field_validator("bitrix24_rate_limit")
    @classmethod
    def _rate_limit(cls, value: str) -> str:
        parse_rate(value)
        return value.strip()

    @field_validator("bitrix24_portal_rate_limits")
    @classmethod
    def _portal_rate_limits(cls, value: str) -> str:
        parse_portal_rates(value)
        return value.strip()

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not value.get_secret_value().strip().startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis://, rediss:// or unix:// URL")
        return SecretStr(value.get_secret_value().strip())

    @property
    def rate_limits(self) -> PortalRateLimits:
        """The request budget of every portal, and the per-portal overrides."""
        overrides = parse_portal_rates(self.bitrix24_portal_rate_limits)
        return PortalRateLimits(parse_rate(self.bitrix24_rate_limit), overrides)

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.upper() not in _LEVELS:
            raise ValueError(f"must be one of {', '.join(sorted(_LEVELS))}")
        return value.upper()

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


def load_settings() -> Settings:
    """Read the settings; SettingsError names the first bad one."""
    try:
        return Settings()  # type: ignore[call-arg]  # pydantic-settings fills from the env
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        if first["type"] == "missing":
            raise SettingsError(f"{name} is required (see python -m bot --help)") from None
        reason = str(first["msg"]).removeprefix("Value error, ")
        raise SettingsError(f"{name}: {reason}") from None
