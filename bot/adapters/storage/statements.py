"""SQL statements shared by the repositories: the atomic insert-or-update."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.storage.tables import Base


async def upsert(
    session: AsyncSession, entity: type[Base], values: dict[str, Any], keep: tuple[str, ...] = ()
) -> None:
    """Insert the row, or update the one with its primary key (all but `keep`), atomically."""
    keys = [column.name for column in inspect(entity).primary_key]
    stmt: postgresql.Insert | sqlite.Insert
    if session.get_bind().dialect.name == "postgresql":
        stmt = postgresql.insert(entity).values(values)
    else:
        stmt = sqlite.insert(entity).values(values)
    changed = {name: stmt.excluded[name] for name in values if name not in (*keys, *keep)}
    await session.execute(stmt.on_conflict_do_update(index_elements=keys, set_=changed))
