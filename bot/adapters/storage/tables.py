"""The database schema as SQLAlchemy models: members, chats, the Scrum cache, the change log.

The migrations in `migrations/versions/` create exactly this schema; a test compares them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def as_utc(value: datetime) -> datetime:
    """The same instant in UTC; a naive datetime is refused (its zone would be a guess)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value.isoformat()}: timestamps must carry a zone")
    return value.astimezone(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite keeps no zone: it stores UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store the instant in UTC (without a zone where the backend keeps none)."""
        if value is None:
            return None
        utc = as_utc(value)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Return the stored instant as an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """The declarative base whose metadata the migrations must match."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class MemberRow(Base):
    """A Telegram user linked to a Bitrix24 user; the webhook code is stored encrypted only."""

    __tablename__ = "members"

    telegram_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    portal: Mapped[str] = mapped_column(String(255))
    bitrix_user_id: Mapped[int] = mapped_column(BigInteger)
    secret_encrypted: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ChatRow(Base):
    """A Telegram chat bound to one Scrum group of one portal."""

    __tablename__ = "chats"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    portal: Mapped[str] = mapped_column(String(255))
    group_id: Mapped[int] = mapped_column(BigInteger)
    group_name: Mapped[str] = mapped_column(Text)
    bound_by: Mapped[int] = mapped_column(BigInteger)
    language: Mapped[str | None] = mapped_column(String(16))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)


class ScrumCacheRow(Base):
    """The cached backlog id, sprints and epics of one Scrum, and when they were read."""

    __tablename__ = "scrum_cache"

    portal: Mapped[str] = mapped_column(String(255), primary_key=True)
    group_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    backlog_id: Mapped[int] = mapped_column(BigInteger)
    fetched_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sprints: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    epics: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class ChangeRow(Base):
    """One write the bot made or tried (the audit log behind `/log` and undo)."""

    __tablename__ = "changes"
    __table_args__ = (
        Index("ix_changes_portal_task_id", "portal", "task_id"),
        Index("ix_changes_batch", "batch"),
        Index("ix_changes_chat_id_telegram_user_id", "chat_id", "telegram_user_id"),
    )

    # SQLite numbers rows only for an INTEGER PRIMARY KEY, so BIGINT becomes INTEGER there.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    chat_id: Mapped[int] = mapped_column(BigInteger)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger)
    portal: Mapped[str] = mapped_column(String(255))
    bitrix_user_id: Mapped[int] = mapped_column(BigInteger)
    task_id: Mapped[int] = mapped_column(BigInteger)
    field: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(Text)
    old_raw: Mapped[str | None] = mapped_column(Text)  # the value undo writes back
    new_raw: Mapped[str | None] = mapped_column(Text)  # the value written
    batch: Mapped[str] = mapped_column(String(32), server_default="")  # one message's changes
    member_name: Mapped[str] = mapped_column(Text, server_default="")
    undo_of: Mapped[str | None] = mapped_column(String(32))  # the batch this row undid
    undone: Mapped[bool] = mapped_column(Boolean, server_default=false())


class ButtonRow(Base):
    """An inline keyboard: its buttons as (label, command line) rows, chat, owner, expiry."""

    __tablename__ = "buttons"
    __table_args__ = (Index("ix_buttons_expires_at", "expires_at"),)

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    owner_id: Mapped[int | None] = mapped_column(BigInteger)
    rows: Mapped[list[list[list[str]]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
