"""The database engine, and bringing its schema to the newest Alembic revision."""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.adapters.storage.errors import storage_errors
from bot.core.errors import StorageError

if TYPE_CHECKING:  # Alembic is imported inside the functions that migrate: it costs ~8 MB of memory
    from alembic.config import Config

logger = logging.getLogger(__name__)

SUPPORTED_BACKENDS = ("sqlite", "postgresql")
# WAL with synchronous=NORMAL: a commit costs no fsync; a power cut may lose the last commits,
# never the database.
SQLITE_PRAGMAS = ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=5000")
Migration = Callable[["Config", str], None]


def create_engine(url: str) -> AsyncEngine:
    """An async engine for a SQLite or PostgreSQL URL (a SQLite file's folder is created)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise ValueError(f"unsupported database {backend!r}: use SQLite or PostgreSQL")
    if backend == "postgresql":
        # A use case holds its connection while Bitrix24 answers, so the pool must cover many
        # chats at once (SQLAlchemy's default is 5 + 10 overflow); 50 stays under PostgreSQL's
        # default of 100 connections with room for a second process.
        return create_async_engine(parsed, hide_parameters=True, pool_pre_ping=True,
                                   pool_size=10, max_overflow=40)
    _create_folder(parsed)
    # Each aiosqlite call is a trip to its thread (~0.1-0.3 ms). A connection goes back to the
    # pool after its transaction was committed or rolled back (SQLAlchemy's Connection.close
    # rolls back an open one), so the pool's extra rollback-on-return would be a wasted trip.
    engine = create_async_engine(parsed, hide_parameters=True, pool_reset_on_return=None)
    event.listen(engine.sync_engine, "connect", _set_sqlite_pragmas)
    return engine


def safe_url(url: str) -> str:
    """The URL as it may be logged: the password masked."""
    return make_url(url).render_as_string(hide_password=True)


def alembic_config(url: str | None = None) -> Config:
    """Alembic's configuration for the installed `migrations` package (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    location = str(resources.files("migrations"))
    config.set_main_option("script_location", location.replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    if url is not None:
        config.attributes["sqlalchemy.url"] = url
    return config


async def upgrade_schema(url: str, revision: str = "head") -> None:
    """Bring the schema up to `revision` (the newest by default); StorageError on failure."""
    from alembic import command

    await _migrate(url, command.upgrade, revision)


async def downgrade_schema(url: str, revision: str) -> None:
    """Take the schema down to `revision` ("base" drops everything); StorageError on failure."""
    from alembic import command

    await _migrate(url, command.downgrade, revision)


async def _migrate(url: str, migration: Migration, revision: str) -> None:
    """Run one Alembic command on a connection of our own engine, in one transaction."""
    logger.info("migrating the database %s to %s", safe_url(url), revision)
    engine = create_engine(url)
    try:
        with storage_errors("migrating the schema"):
            async with engine.begin() as connection:
                await connection.run_sync(_run_on, migration, revision)
    finally:
        await engine.dispose()


def _run_on(connection: Connection, migration: Migration, revision: str) -> None:
    """Run the Alembic command with env.py using this connection."""
    from alembic.util import CommandError

    config = alembic_config()
    config.attributes["connection"] = connection
    try:
        migration(config, revision)
    except CommandError as e:
        raise StorageError(f"the schema cannot be migrated to {revision!r}: {e}") from e


def _create_folder(url: URL) -> None:
    """Create the folder of a SQLite database file (nothing for an in-memory database)."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    Path(database).parent.mkdir(parents=True, exist_ok=True)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Enforce foreign keys, write-ahead logging and waiting on locks on each new connection."""
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()
