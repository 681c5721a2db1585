"""The stored keyboards on SQLite and PostgreSQL: round trip, attach, claim once, pruning."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.storage import SecretBox, SqlUnitOfWorkFactory, create_engine, upgrade_schema
from bot.core.buttons import Choice, Keyboard

T0 = datetime(2026, 11, 28, 16, 0, tzinfo=UTC)
MOSCOW = timezone(timedelta(hours=3))
CHAT = -1001000000001


def keyboard(key: str, created: datetime, owner: int | None = None) -> Keyboard:
    rows = ((Choice("8", "sp 42,43 8"), Choice("Sprint «3» & co", "move 42 104")),
            (Choice("Cancel", "cancel"),))
    return Keyboard(key, CHAT, rows, created, created + timedelta(hours=24), owner)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    await upgrade_schema(database_url)
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def uow(engine: AsyncEngine) -> SqlUnitOfWorkFactory:
    return SqlUnitOfWorkFactory(engine, SecretBox(Fernet.generate_key()))


async def test_a_keyboard_round_trips_and_learns_its_message(uow: SqlUnitOfWorkFactory) -> None:
    saved = keyboard("k3y_-AbC012", T0.astimezone(MOSCOW), owner=5_000_000_001)
    async with uow() as work:
        await work.buttons.save(saved)
        await work.commit()
    async with uow() as work:
        await work.buttons.attach(saved.key, 77)
        await work.commit()
    async with uow() as work:
        loaded = await work.buttons.get(saved.key)
        assert await work.buttons.get("other") is None
    assert loaded is not None
    assert loaded.rows == saved.rows and loaded.chat_id == CHAT
    assert (loaded.owner_id, loaded.message_id) == (5_000_000_001, 77)
    assert loaded.created_at == T0 and loaded.created_at.tzinfo is not None
    assert loaded.expires_at == T0 + timedelta(hours=24)


async def test_a_keyboard_is_claimed_once(uow: SqlUnitOfWorkFactory) -> None:
    async with uow() as work:
        await work.buttons.save(keyboard("once", T0))
        await work.commit()
    async with uow() as work:
        assert await work.buttons.claim("once") is True
        await work.commit()
    async with uow() as work:
        assert await work.buttons.claim("once") is False
        assert await work.buttons.get("once") is None


async def test_an_uncommitted_claim_leaves_the_keyboard(uow: SqlUnitOfWorkFactory) -> None:
    async with uow() as work:
        await work.buttons.save(keyboard("kept", T0))
        await work.commit()
    async with uow() as work:
        assert await work.buttons.claim("kept") is True
    async with uow() as work:
        assert await work.buttons.get("kept") is not None


async def test_saving_prunes_expired_keyboards(uow: SqlUnitOfWorkFactory) -> None:
    async with uow() as work:
        await work.buttons.save(keyboard("old", T0))
        await work.buttons.save(keyboard("young", T0 + timedelta(hours=12)))
        await work.commit()
    async with uow() as work:
        await work.buttons.save(keyboard("new", T0 + timedelta(hours=25)))
        await work.commit()
    async with uow() as work:
        assert await work.buttons.get("old") is None
        assert await work.buttons.get("young") is not None
        assert await work.buttons.get("new") is not None
