"""The storage edge: database failures become `StorageError`, nothing third-party leaks out."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import SQLAlchemyError

from bot.core.errors import StorageError

# asyncpg reports refused connections and connect timeouts as plain OSError, unwrapped.
DATABASE_FAILURES = (SQLAlchemyError, OSError)


@contextmanager
def storage_errors(action: str) -> Iterator[None]:
    """Raise any database failure inside the block as StorageError, saying what was being done."""
    try:
        yield
    except DATABASE_FAILURES as e:
        raise StorageError(f"the database failed while {action}: {describe(e)}") from e


def describe(error: BaseException) -> str:
    """One short line about a failure: its kind and first line (never SQL parameters)."""
    lines = str(error).strip().splitlines()
    first = lines[0][:200] if lines else ""
    return f"{type(error).__name__}: {first}" if first else type(error).__name__
