"""The change log behind undo and `/log`: batches, undo marks and raw values, on each database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.fernet import Fernet

from bot.adapters.storage import SecretBox, SqlUnitOfWorkFactory, create_engine, upgrade_schema
from bot.core.model import Change

PORTAL = "https://team.bitrix24.com"
CHAT, ALICE, BOB = -100, 5_000_000_001, 5_000_000_002
T0 = datetime(2026, 11, 28, 16, 0, tzinfo=UTC)


@pytest.fixture
async def uow(database_url: str) -> AsyncIterator[SqlUnitOfWorkFactory]:
    await upgrade_schema(database_url)
    engine = create_engine(database_url)
    yield SqlUnitOfWorkFactory(engine, SecretBox(Fernet.generate_key()))
    await engine.dispose()


def change(task: int, batch: str, user: int = ALICE, **values: object) -> Change:
    base = Change(
        at=T0, chat_id=CHAT, telegram_user_id=user, portal=PORTAL, bitrix_user_id=17,
        task_id=task, field="story points", old_value="5", new_value="8", outcome="ok",
        old_raw="5", new_raw="8", batch=batch, member_name="Alice Smith",
    )  # fmt: skip
    return replace(base, **values)  # type: ignore[arg-type]


async def test_a_batch_is_stored_and_read_back_whole(uow: SqlUnitOfWorkFactory) -> None:
    written = [change(42, "k1"), change(43, "k1", old_raw=None, old_value=None,
                                        outcome="error", error_code="ACCESS_DENIED"),
               change(44, "k2")]
    async with uow() as work:
        await work.changes.add_many(written)
        await work.commit()
    async with uow() as work:
        batch = await work.changes.batch("k1")
        assert list(batch) == written[:2]
        assert batch[0].id is not None and batch[1].id == batch[0].id + 1
        assert batch[0].at == T0 and batch[0].at.tzinfo == UTC
        assert await work.changes.batch("nope") == ()
        assert await work.changes.batch("") == ()


async def test_the_last_batch_is_the_members_newest_undoable_one(
    uow: SqlUnitOfWorkFactory,
) -> None:
    async with uow() as work:
        await work.changes.add_many([change(42, "old")])
        await work.changes.add_many([change(42, "mine")])
        await work.changes.add_many([change(43, "bobs", user=BOB)])
        await work.changes.add_many([change(42, "same", old_raw="8")])  # nothing changed
        await work.changes.add_many([change(42, "failed", outcome="error", old_raw=None)])
        await work.changes.add_many([change(42, "undo", undo_of="mine")])
        await work.commit()
    async with uow() as work:
        assert await work.changes.last_batch(CHAT, ALICE) == "mine"
        assert await work.changes.last_batch(CHAT, BOB) == "bobs"
        assert await work.changes.last_batch(CHAT + 1, ALICE) is None
        await work.changes.mark_undone([c.id for c in await work.changes.batch("mine")
                                        if c.id is not None])
        await work.commit()
    async with uow() as work:
        assert all(c.undone for c in await work.changes.batch("mine"))
        assert await work.changes.last_batch(CHAT, ALICE) == "old"


async def test_a_mark_not_committed_is_rolled_back(uow: SqlUnitOfWorkFactory) -> None:
    async with uow() as work:
        await work.changes.add(change(42, "k"))
        await work.commit()
    async with uow() as work:
        await work.changes.mark_undone([c.id for c in await work.changes.batch("k")
                                        if c.id is not None])
    async with uow() as work:
        assert await work.changes.last_batch(CHAT, ALICE) == "k"


async def test_the_task_history_carries_the_undo_fields(uow: SqlUnitOfWorkFactory) -> None:
    undo = change(42, "k2", old_raw="8", new_raw="5", old_value="8", new_value="5",
                  undo_of="k1", at=T0 + timedelta(minutes=1))
    async with uow() as work:
        await work.changes.add_many([change(42, "k1"), undo])
        await work.commit()
    async with uow() as work:
        history = await work.changes.for_task(PORTAL, CHAT, 42)
    assert list(history) == [undo, change(42, "k1")]
    assert (history[0].undo_of, history[0].member_name) == ("k1", "Alice Smith")


async def test_the_task_history_is_the_chats_own(uow: SqlUnitOfWorkFactory) -> None:
    elsewhere = change(42, "k2", chat_id=CHAT - 1, new_value="13", new_raw="13")
    async with uow() as work:
        await work.changes.add_many([change(42, "k1"), elsewhere])
        await work.commit()
    async with uow() as work:
        assert list(await work.changes.for_task(PORTAL, CHAT, 42)) == [change(42, "k1")]
        assert list(await work.changes.for_task(PORTAL, CHAT - 1, 42)) == [elsewhere]
        assert await work.changes.for_task(PORTAL, CHAT - 2, 42) == ()


async def test_only_the_given_changes_are_marked_undone(uow: SqlUnitOfWorkFactory) -> None:
    async with uow() as work:
        await work.changes.add_many([change(42, "k"), change(43, "k")])
        await work.commit()
    async with uow() as work:
        first, _ = await work.changes.batch("k")
        assert first.id is not None
        await work.changes.mark_undone([first.id])
        await work.changes.mark_undone([])
        await work.commit()
    async with uow() as work:
        assert [c.undone for c in await work.changes.batch("k")] == [True, False]
        assert await work.changes.last_batch(CHAT, ALICE) == "k"
