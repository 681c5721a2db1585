"""Hot statements in one trip to aiosqlite's thread, instead of SQLAlchemy's three or four.

aiosqlite runs every call on its own thread, and each trip there and back costs ~0.1-0.3 ms;
SQLAlchemy's cursor makes four per SELECT (open, execute, fetch, close), three per INSERT. On
SQLite with aiosqlite the statement runs on the driver's connection of the same session (same
transaction), its values converted by the same SQLAlchemy types; on any other backend it runs
through SQLAlchemy as usual.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Select, Table, bindparam, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

from bot.adapters.storage.errors import describe, storage_errors
from bot.core.errors import StorageError

Processor = Callable[[Any], Any] | None


async def _driver(session: AsyncSession) -> tuple[Dialect, Any | None]:
    """The session's dialect, and its aiosqlite connection (None on any other driver)."""
    connection = await session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite" or dialect.driver != "aiosqlite":
        return dialect, None
    driver = (await connection.get_raw_connection()).driver_connection
    if driver is None:
        raise StorageError("the database connection is closed")
    return dialect, driver


class OneTripSelect:
    """A SELECT whose bound parameters are plain ints or strings, run for at most one row."""

    def __init__(self, statement: Select[Any]) -> None:
        self._statement = statement
        self._prepared: tuple[str, tuple[str, ...], tuple[Processor, ...]] | None = None

    async def first(
        self, session: AsyncSession, action: str, **params: int | str
    ) -> Sequence[Any] | None:
        """The first row (None when there is none); StorageError saying `action` on failure."""
        with storage_errors(action):
            dialect, driver = await _driver(session)
            if driver is None:
                found = (await session.execute(self._statement, params)).first()
                return None if found is None else tuple(found)
        sql, names, processors = self._prepare(dialect)
        try:
            rows = await driver.execute_fetchall(sql, [params[name] for name in names])
        except sqlite3.Error as e:
            raise StorageError(f"the database failed while {action}: {describe(e)}") from e
        for row in rows:
            return tuple(value if process is None else process(value)
                         for process, value in zip(processors, row, strict=True))
        return None

    def _prepare(self, dialect: Dialect) -> tuple[str, tuple[str, ...], tuple[Processor, ...]]:
        """The SQL text, its parameters' order and each column's conversion (made once)."""
        if self._prepared is None:
            compiled = self._statement.compile(dialect=dialect)
            processors = tuple(
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in self._statement.selected_columns
            )
            self._prepared = (compiled.string, tuple(compiled.positiontup or ()), processors)
        return self._prepared


class OneTripInsert:
    """An INSERT of many rows of `table`, each a mapping of every column but the key."""

    def __init__(self, table: Table) -> None:
        self._table = table
        self._names = tuple(column.name for column in table.columns if not column.primary_key)
        self._prepared: tuple[str, tuple[Processor, ...]] | None = None

    async def run(self, session: AsyncSession, action: str,
                  rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert the rows; StorageError saying `action` on failure."""
        with storage_errors(action):
            dialect, driver = await _driver(session)
            if driver is None:
                await session.execute(insert(self._table), [dict(row) for row in rows])
                return
        sql, processors = self._prepare(dialect)
        values = [tuple(value if process is None else process(value)
                        for process, value in zip(processors, (row[n] for n in self._names),
                                                  strict=True))
                  for row in rows]  # fmt: skip
        try:
            await driver.executemany(sql, values)
        except sqlite3.Error as e:
            raise StorageError(f"the database failed while {action}: {describe(e)}") from e

    def _prepare(self, dialect: Dialect) -> tuple[str, tuple[Processor, ...]]:
        """The SQL text and each column's conversion (made once)."""
        if self._prepared is None:
            columns = [self._table.c[name] for name in self._names]
            statement = insert(self._table).values(
                {column.name: bindparam(column.name, type_=column.type) for column in columns})
            compiled = statement.compile(dialect=dialect)
            if tuple(compiled.positiontup or ()) != self._names:
                raise RuntimeError(f"unexpected parameter order inserting into {self._table}")
            processors = tuple(column.type.dialect_impl(dialect).bind_processor(dialect)
                               for column in columns)
            self._prepared = (compiled.string, processors)
        return self._prepared
