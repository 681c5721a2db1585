"""Test databases: dropping every table of the shared PostgreSQL test database."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from bot.adapters.storage.database import create_engine

POSTGRES_ENV = "TEST_DATABASE_URL"


async def drop_all_tables(url: str) -> None:
    """Drop every table of the database, alembic_version included (tests run one at a time)."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_drop_reflected)
    finally:
        await engine.dispose()


def _drop_reflected(connection: Connection) -> None:
    metadata = MetaData()
    metadata.reflect(connection)
    metadata.drop_all(connection)
