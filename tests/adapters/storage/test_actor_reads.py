"""A command's member, chat binding and cached Scrum read together, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.fernet import Fernet
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.storage import SecretBox, SqlUnitOfWorkFactory, create_engine, upgrade_schema
from bot.core.errors import NotBound, NotLinked
from bot.core.model import (
    ChatBinding,
    Credential,
    Epic,
    Member,
    ScrumSnapshot,
    Sprint,
    SprintStatus,
)
from bot.services.context import require_actor
from bot.services.ports import MemberInChatReader

PORTAL = "https://team.bitrix24.com"
MOSCOW = timezone(timedelta(hours=3))
T0 = datetime(2026, 11, 28, 16, 0, tzinfo=UTC)
MEMBER = Member(5_000_000_001, Credential(PORTAL, 17, "s3cr3t"), "Anna Petrova", "ru")
CHAT = ChatBinding(chat_id=-1001000000001, portal=PORTAL, group_id=7, group_name="Mobile",
                   bound_by=MEMBER.telegram_id, language="en", settings={"undo": "on"})
SNAPSHOT = ScrumSnapshot(
    group_id=7, backlog_id=70,
    sprints=(Sprint(71, "Sprint «3»", SprintStatus.ACTIVE, 1, T0.astimezone(MOSCOW), None),),
    epics=(Epic(5, "Payments"),), fetched_at=T0,
)  # fmt: skip


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    await upgrade_schema(database_url)
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def uow(engine: AsyncEngine) -> SqlUnitOfWorkFactory:
    return SqlUnitOfWorkFactory(engine, SecretBox(Fernet.generate_key()))


async def _store(uow: SqlUnitOfWorkFactory, *, member: bool = True, chat: bool = True,
                 snapshot: bool = True) -> None:
    async with uow() as work:
        if member:
            await work.members.save(MEMBER)
        if chat:
            await work.chats.save(CHAT)
        if snapshot:
            await work.scrum_cache.save(PORTAL, SNAPSHOT)
        await work.commit()


async def test_member_chat_and_cached_scrum_come_back_as_stored(
    uow: SqlUnitOfWorkFactory,
) -> None:
    await _store(uow)
    async with uow() as work:
        assert isinstance(work.members, MemberInChatReader)
        assert await work.members.get_in_chat(MEMBER.telegram_id, CHAT.chat_id) == (MEMBER, CHAT)
        cached = await work.scrum_cache.get(PORTAL, 7)
    assert cached == SNAPSHOT
    assert cached is not None and cached.sprints[0].date_start == T0


async def test_each_part_may_be_missing(uow: SqlUnitOfWorkFactory) -> None:
    await _store(uow, snapshot=False)
    async with uow() as work:
        members = work.members
        assert isinstance(members, MemberInChatReader)
        assert await members.get_in_chat(1, CHAT.chat_id) == (None, CHAT)
        assert await members.get_in_chat(MEMBER.telegram_id, 1) == (MEMBER, None)
        assert await members.get_in_chat(1, 2) == (None, None)
        assert await work.scrum_cache.get(PORTAL, 7) is None


async def test_require_actor_names_what_is_missing(uow: SqlUnitOfWorkFactory) -> None:
    await _store(uow, member=False)
    async with uow() as work:
        with pytest.raises(NotLinked):
            await require_actor(work, MEMBER.telegram_id, CHAT.chat_id)
        with pytest.raises(NotBound):
            await require_actor(work, MEMBER.telegram_id, 1)


async def test_a_snapshot_saved_in_the_session_replaces_the_one_read_with_the_chat(
    uow: SqlUnitOfWorkFactory,
) -> None:
    await _store(uow)
    newer = replace(SNAPSHOT, backlog_id=80, epics=(), fetched_at=T0 + timedelta(minutes=11))
    async with uow() as work:
        actor = await require_actor(work, MEMBER.telegram_id, CHAT.chat_id)
        assert actor.member == MEMBER and actor.chat == CHAT
        await work.scrum_cache.save(PORTAL, newer)
        assert await work.scrum_cache.get(PORTAL, 7) == newer
        await work.commit()
    async with uow() as work:
        assert await work.chats.get(CHAT.chat_id) == CHAT
        assert await work.scrum_cache.get(PORTAL, 7) == newer
