"""SQL statements shared by the repositories: the atomic insert-or-update."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.storage.tables import Base

if TYPE_CHECKING:  # the dialect in use is imported when first needed: PostgreSQL's costs ~2 MiB
    from sqlalchemy.dialects import postgresql, sqlite


async def upsert(
    session: AsyncSession, entity: type[Base], values: dict[str, Any], keep: tuple[str, ...] = ()
) -> None:
    """Insert the row, or update the one with its primary key (all but `keep`), atomically."""
    keys = [column.name for column in inspect(entity).primary_key]
    dialect = session.get_bind().dialect.name  # "postgresql" or "sqlite"
    insert = import_module(f"sqlalchemy.dialects.{dialect}").insert
    stmt: postgresql.Insert | sqlite.Insert = insert(entity).values(values)
    changed = {name: stmt.excluded[name] for name in values if name not in (*keys, *keep)}
    await session.execute(stmt.on_conflict_do_update(index_elements=keys, set_=changed))
