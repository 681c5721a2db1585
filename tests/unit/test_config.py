"""Settings as a team lead writes them: environment variables and a `.env` file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.config import SETTINGS_HELP, Secret, Settings, SettingsError, load_settings
from bot.settings_kit import parse_env_text

TOKEN = "123:abc"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No setting inherited from the machine; the working directory is empty."""
    for name in list(os.environ):
        if name.lower() in Settings.names:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def failure(monkeypatch: pytest.MonkeyPatch, **settings: str) -> str:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    return str(caught.value)


def test_defaults_with_only_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", f" {TOKEN} ")
    settings = load_settings()
    assert settings.telegram_bot_token.get_secret_value() == TOKEN
    assert (settings.telegram_base_url, settings.database_url) == (
        "https://api.telegram.org/bot", "sqlite+aiosqlite:///data/bot.db")
    assert (settings.bot_secret_key, settings.redis_url, settings.bitrix24_allow_http) == (
        None, None, False)
    assert (settings.scrum_cache_ttl, settings.bitrix24_timeout) == (600.0, 10.0)
    assert (settings.max_concurrent_updates, settings.log_level, settings.level) == (
        64, "INFO", 20)
    assert settings.data_dir == Path("data")


def test_a_missing_token_says_where_to_look() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(caught.value) == "TELEGRAM_BOT_TOKEN is required (see python -m bot --help)"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("TELEGRAM_BOT_TOKEN", "abc", "does not look like a bot token (digits:letters)"),
        ("TELEGRAM_BASE_URL", "ftp://x", "must start with http:// or https://"),
        ("DATABASE_URL", "nonsense", "is not a database URL"),
        ("DATABASE_URL", "mysql://x/y", "must be a sqlite+aiosqlite:// or postgresql+asyncpg://"),
        ("BOT_SECRET_KEY", "not-a-key", "the secret key is not a Fernet key"),
        ("BITRIX24_ALLOW_HTTP", "perhaps", "Input should be a valid boolean"),
        ("LOG_LEVEL", "LOUD", "must be one of CRITICAL, DEBUG, ERROR, INFO, WARNING"),
        ("SCRUM_CACHE_TTL", "0", "Input should be greater than 0"),
        ("SCRUM_CACHE_TTL", "soon", "Input should be a valid number"),
        ("BITRIX24_TIMEOUT", "301", "Input should be less than or equal to 300"),
        ("BITRIX24_RATE_LIMIT", "fast", "'fast' is not BURST/PER_SECOND"),
        ("REDIS_URL", "localhost:6379", "must be a redis://, rediss:// or unix:// URL"),
        ("MAX_CONCURRENT_UPDATES", "0", "Input should be greater than or equal to 1"),
        ("MAX_CONCURRENT_UPDATES", "4097", "Input should be less than or equal to 4096"),
        ("MAX_CONCURRENT_UPDATES", "1.5", "Input should be a valid integer"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    text = failure(monkeypatch, **{name: value})
    assert text.startswith(f"{name}: {message}") and "\n" not in text
    assert name != "BOT_SECRET_KEY" or value not in text  # a bad key is not echoed


def test_the_first_bad_setting_in_help_order_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    assert failure(monkeypatch, SCRUM_CACHE_TTL="0", LOG_LEVEL="LOUD").startswith("LOG_LEVEL:")


def test_values_are_read_loosely_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    key = Fernet.generate_key().decode()
    for name, value in {"bitrix24_allow_http": "Yes", "log_level": "debug",
                        "SCRUM_CACHE_TTL": " 1e2 ", "MAX_CONCURRENT_UPDATES": "8.0",
                        "REDIS_URL": " redis://cache:6379/0 ", "BOT_SECRET_KEY": key,
                        "BITRIX24_RATE_LIMIT": " 40/1.5 ", "TELEGRAM_BOT_TOKEN": TOKEN}.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert (settings.bitrix24_allow_http, settings.log_level, settings.scrum_cache_ttl) == (
        True, "DEBUG", 100.0)
    assert settings.max_concurrent_updates == 8 and settings.bitrix24_rate_limit == "40/1.5"
    assert settings.redis_url == Secret("redis://cache:6379/0")
    assert settings.bot_secret_key == Secret(key)


def test_empty_optional_secrets_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("BOT_SECRET_KEY", "")
    monkeypatch.setenv("REDIS_URL", "  ")
    settings = load_settings()
    assert (settings.bot_secret_key, settings.redis_url) == (None, None)


def test_the_env_file_fills_in_and_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, clean_env: Path
) -> None:
    (clean_env / ".env").write_text(
        "# the bot's settings\n"
        f"export telegram_bot_token='{TOKEN}'\n"
        "LOG_LEVEL=warning  # quieter\n"
        'DATABASE_URL="sqlite+aiosqlite:///state/bot.db"\n'
        "UNRELATED=ignored\n", encoding="utf-8")
    monkeypatch.setenv("Log_Level", "ERROR")
    settings = load_settings()
    assert settings.telegram_bot_token.get_secret_value() == TOKEN
    assert settings.log_level == "ERROR"
    assert settings.data_dir == Path("state")
    monkeypatch.delenv("Log_Level")
    assert load_settings().log_level == "WARNING"
    with pytest.raises(SettingsError, match=r"^TELEGRAM_BOT_TOKEN is required"):
        load_settings(env_file=None)  # the token was only in the file


def test_env_file_lines_as_docker_compose_writes_them() -> None:
    text = ('A=1\n  export B = two words \nC="line\\nbreak \\"q\\"" # note\nD=\'#not a comment\'\n'
            "E=x #comment\nF=a#b\n\nnot a line\n=nameless\nA=again\n")
    assert parse_env_text(text) == {"A": "again", "B": "two words", "C": 'line\nbreak "q"',
                                    "D": "#not a comment", "E": "x", "F": "a#b"}


def test_secrets_never_show() -> None:
    secret = Secret("123:very-secret")
    assert secret.get_secret_value() == "123:very-secret"
    assert "very-secret" not in repr(secret) + str(secret) + f"{secret}"
    settings = Settings(telegram_bot_token=secret, redis_url=Secret("redis://:pw@host/0"))
    assert "very-secret" not in repr(settings) and "pw@" not in repr(settings)
    assert (str(Secret("")), repr(Secret(""))) == ("", "Secret('')")


def test_settings_built_in_code_are_checked_too() -> None:
    settings = Settings(telegram_bot_token=Secret(TOKEN), scrum_cache_ttl=0.001,
                        bitrix24_allow_http=True, max_concurrent_updates=2)
    assert (settings.scrum_cache_ttl, settings.max_concurrent_updates) == (0.001, 2)
    with pytest.raises(SettingsError, match=r"^BITRIX24_TIMEOUT: Input should be greater than 0$"):
        Settings(telegram_bot_token=Secret(TOKEN), bitrix24_timeout=0)
    with pytest.raises(AttributeError):
        settings.log_level = "DEBUG"  # type: ignore[misc]


def test_help_names_every_setting() -> None:
    for name in Settings.names:
        assert f"  {name.upper()} " in SETTINGS_HELP or f"  {name.upper()}\n" in SETTINGS_HELP
