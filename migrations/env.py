"""Alembic's environment: run the revisions on the caller's connection, or on a URL.

`bot.adapters.storage.database.upgrade_schema` passes an open connection in
`config.attributes["connection"]`; otherwise (the `alembic` CLI, a script) the URL comes from
`config.attributes["sqlalchemy.url"]`, then `-x url=...`, then the DATABASE_URL environment
variable (the bot's own setting), then `sqlalchemy.url` in alembic.ini.
Logging is configured from the ini file only when the CLI runs with one.
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection

from bot.adapters.storage.database import create_engine
from bot.adapters.storage.tables import Base

config = context.config
target_metadata = Base.metadata

if config.config_file_name is not None and "connection" not in config.attributes:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    """The URL to migrate: the programmatic attribute, `-x url=`, DATABASE_URL or alembic.ini."""
    url = (
        config.attributes.get("sqlalchemy.url")
        or context.get_x_argument(as_dictionary=True).get("url")
        or os.environ.get("DATABASE_URL")
        or config.get_main_option("sqlalchemy.url")
    )
    if not url:
        raise RuntimeError("no database URL: pass `-x url=...` or set sqlalchemy.url")
    return str(url)


def run_migrations_offline() -> None:
    """Write the migration SQL instead of running it (`alembic upgrade --sql`)."""
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    """Run the pending revisions on a synchronous view of the connection."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    """Open our own async engine for the URL and run the revisions over it."""
    engine = create_engine(database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    """Use the caller's connection when given one, else connect to the URL."""
    connection = config.attributes.get("connection")
    if connection is None:
        asyncio.run(run_async_migrations())
    else:
        do_run_migrations(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
