"""Contract tests of the SQLAlchemy store through its unit of work, on SQLite and PostgreSQL."""

from __future__ import annotations

import socket
import stat
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.storage import (
    SecretBox,
    SqlUnitOfWorkFactory,
    create_engine,
    load_or_create_key,
    upgrade_schema,
    validate_key,
)
from bot.core.errors import StorageError
from bot.core.model import (
    Change,
    ChatBinding,
    Credential,
    Epic,
    Member,
    ScrumSnapshot,
    Sprint,
    SprintStatus,
)

PORTAL = "https://team.bitrix24.com"
SECRET = "s3cr3tw3bh00kc0de"
MOSCOW = timezone(timedelta(hours=3))
T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)

MEMBER = Member(
    telegram_id=5_000_000_001,
    credential=Credential(portal=PORTAL, user_id=17, secret=SECRET),
    name="Anna Petrova",
    language="ru",
)


@pytest.fixture
def secret_box() -> SecretBox:
    return SecretBox(Fernet.generate_key())


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    await upgrade_schema(database_url)
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def uow(engine: AsyncEngine, secret_box: SecretBox) -> SqlUnitOfWorkFactory:
    return SqlUnitOfWorkFactory(engine, secret_box)


async def test_member_saved_replaced_and_deleted(uow: SqlUnitOfWorkFactory) -> None:
    async with uow() as work:
        await work.members.save(MEMBER)
        await work.commit()
    async with uow() as work:
        assert await work.members.get(MEMBER.telegram_id) == MEMBER
        assert await work.members.get(1) is None
    relinked = replace(
        MEMBER, credential=Credential(PORTAL, 18, "n3wc0de"), name="Anna P.", language=None
    )
    async with uow() as work:
        await work.members.save(relinked)
        await work.commit()
    async with uow() as work:
        assert await work.members.get(MEMBER.telegram_id) == relinked
        assert await work.members.delete(MEMBER.telegram_id) is True
        assert await work.members.delete(MEMBER.telegram_id) is False
        await work.commit()
    async with uow() as work:
        assert await work.members.get(MEMBER.telegram_id) is None


async def test_member_secret_is_encrypted_in_the_table(
    uow: SqlUnitOfWorkFactory, engine: AsyncEngine, secret_box: SecretBox
) -> None:
    async with uow() as work:
        await work.members.save(MEMBER)
        await work.commit()
    async with engine.connect() as connection:
        row = (await connection.execute(text("SELECT * FROM members"))).mappings().one()
    assert all(SECRET not in str(value) for value in row.values())
    assert secret_box.open(row["secret_encrypted"]) == SECRET


async def test_member_read_with_another_key_is_a_storage_error(
    uow: SqlUnitOfWorkFactory, engine: AsyncEngine
) -> None:
    async with uow() as work:
        await work.members.save(MEMBER)
        await work.commit()
    other_key = SqlUnitOfWorkFactory(engine, SecretBox(Fernet.generate_key()))
    async with other_key() as work:
        with pytest.raises(StorageError, match="cannot be decrypted") as raised:
            await work.members.get(MEMBER.telegram_id)
    assert SECRET not in str(raised.value)


async def test_chat_binding_saved_replaced_and_deleted(uow: SqlUnitOfWorkFactory) -> None:
    binding = ChatBinding(
        chat_id=-1_001_234_567_890,
        portal=PORTAL,
        group_id=7,
        group_name="Team Rocket",
        bound_by=MEMBER.telegram_id,
        language="en",
        settings={"points_scale": "fibonacci"},
    )
    rebound = replace(binding, group_id=8, group_name="Команда", language=None, settings={})
    for saved in (binding, rebound):
        async with uow() as work:
            await work.chats.save(saved)
            await work.commit()
        async with uow() as work:
            assert await work.chats.get(binding.chat_id) == saved
    async with uow() as work:
        assert await work.chats.delete(binding.chat_id) is True
        assert await work.chats.delete(binding.chat_id) is False
        assert await work.chats.get(binding.chat_id) is None


def snapshot(sprint_count: int, fetched_at: datetime) -> ScrumSnapshot:
    """A Scrum with a completed, an active and planned sprints, and two epics."""
    statuses = [SprintStatus.COMPLETED, SprintStatus.ACTIVE] + [SprintStatus.PLANNED] * 9
    sprints = tuple(
        Sprint(
            id=100 + n,
            name=f"Sprint {n}",
            status=statuses[n],
            sort=n * 10,
            date_start=datetime(2025, 1, 1 + 14 * n, 9, tzinfo=MOSCOW) if n < 2 else None,
            date_end=datetime(2025, 1, 14 + 14 * n, 18, tzinfo=MOSCOW) if n < 2 else None,
        )
        for n in range(sprint_count)
    )
    epics = (Epic(id=1, name="Login"), Epic(id=2, name="Оплата"))
    return ScrumSnapshot(7, 55, sprints, epics[: 2 if sprint_count > 2 else 1], fetched_at)


async def test_scrum_cache_saved_and_replaced(uow: SqlUnitOfWorkFactory) -> None:
    first = snapshot(3, datetime(2025, 3, 1, 12, 30, tzinfo=MOSCOW))
    second = snapshot(2, T0 + timedelta(hours=1))
    for saved in (first, second):
        async with uow() as work:
            await work.scrum_cache.save(PORTAL, saved)
            await work.commit()
        async with uow() as work:
            cached = await work.scrum_cache.get(PORTAL, 7)
        assert cached == saved
        assert cached is not None
        assert cached.fetched_at.tzinfo == UTC
        assert [s.date_start for s in cached.sprints] == [s.date_start for s in saved.sprints]
    async with uow() as work:
        assert await work.scrum_cache.get(PORTAL, 8) is None
        assert await work.scrum_cache.get("https://other.bitrix24.com", 7) is None


async def test_naive_timestamps_are_refused(uow: SqlUnitOfWorkFactory) -> None:
    async with uow() as work:
        with pytest.raises(ValueError, match="naive"):
            await work.scrum_cache.save(PORTAL, snapshot(1, datetime(2025, 3, 1, 12)))


def change(task_id: int, at: datetime, new_value: str, portal: str = PORTAL) -> Change:
    return Change(
        at, -100, MEMBER.telegram_id, portal, 17, task_id, "story_points", "3", new_value, "ok"
    )


async def test_change_log_newest_first_and_limited(uow: SqlUnitOfWorkFactory) -> None:
    later = T0 + timedelta(minutes=5)
    written = [
        change(42, later, "8"),
        change(42, T0, "5"),
        change(42, later, "13"),  # same moment as "8" but recorded after it
        change(43, later, "1"),
        change(42, later, "2", portal="https://other.bitrix24.com"),
        replace(
            change(42, T0 - timedelta(days=1), ""), outcome="error", error_code="ACCESS_DENIED"
        ),
    ]
    async with uow() as work:
        for item in written:
            await work.changes.add(item)
        await work.commit()
    async with uow() as work:
        history = await work.changes.for_task(PORTAL, -100, 42)
        assert [c.new_value for c in history] == ["13", "8", "5", ""]
        assert history[0] == written[2]
        assert history[-1] == written[-1]
        assert all(c.at.tzinfo == UTC for c in history)
        assert [c.new_value for c in await work.changes.for_task(PORTAL, -100, 42, limit=2)] == [
            "13",
            "8",
        ]
        assert await work.changes.for_task(PORTAL, -100, 44) == ()


async def test_uncommitted_work_is_rolled_back(uow: SqlUnitOfWorkFactory) -> None:
    async with uow() as work:
        await work.members.save(MEMBER)

    async def failing_use_case() -> None:
        async with uow() as work:
            await work.changes.add(change(42, T0, "5"))
            raise RuntimeError("use case failed")

    with pytest.raises(RuntimeError, match="use case failed"):
        await failing_use_case()
    async with uow() as work:
        assert await work.members.get(MEMBER.telegram_id) is None
        assert await work.changes.for_task(PORTAL, -100, 42) == ()


async def test_work_after_commit_is_rolled_back_when_not_committed(
    uow: SqlUnitOfWorkFactory,
) -> None:
    async with uow() as work:
        await work.members.save(MEMBER)
        await work.commit()
        await work.members.delete(MEMBER.telegram_id)
    async with uow() as work:
        assert await work.members.get(MEMBER.telegram_id) == MEMBER


async def test_database_without_schema_is_a_storage_error(
    database_url: str, secret_box: SecretBox
) -> None:
    engine = create_engine(database_url)
    try:
        async with SqlUnitOfWorkFactory(engine, secret_box)() as work:
            with pytest.raises(StorageError, match="reading a member"):
                await work.members.get(1)
    finally:
        await engine.dispose()


async def test_unreachable_database_is_a_storage_error(
    database_url: str, secret_box: SecretBox, tmp_path: Path
) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        damaged = tmp_path / "damaged.sqlite3"
        damaged.write_bytes(b"this is not a database, it is a text file" * 200)
        url = url.set(database=str(damaged))
    else:
        url = url.set(port=closed_port())
    engine = create_engine(url.render_as_string(hide_password=False))
    try:
        async with SqlUnitOfWorkFactory(engine, secret_box)() as work:
            with pytest.raises(StorageError, match="the database failed while saving a chat"):
                await work.chats.save(ChatBinding(-1, PORTAL, 7, "Team", 1))
    finally:
        await engine.dispose()


def closed_port() -> int:
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_sqlite_engine_creates_folder_and_sets_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "folder" / "bot.sqlite3"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    try:
        async with engine.connect() as connection:
            pragmas = [
                (await connection.execute(text(f"PRAGMA {name}"))).scalar_one()
                for name in ("foreign_keys", "journal_mode", "busy_timeout")
            ]
    finally:
        await engine.dispose()
    assert pragmas == [1, "wal", 5000]
    assert path.exists()


def test_engine_for_another_database_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported database 'mysql'"):
        create_engine("mysql+aiomysql://bot@localhost/bot")


def test_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "bot.key"
    key = load_or_create_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_key(path) == key
    assert SecretBox(key).open(SecretBox(load_or_create_key(path)).seal(SECRET)) == SECRET
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_malformed_keys_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a Fernet key") as raised:
        validate_key("hunter2-hunter2")
    assert "hunter2" not in str(raised.value)
    path = tmp_path / "bot.key"
    path.write_text("damaged\n")
    with pytest.raises(ValueError, match="is damaged"):
        load_or_create_key(path)
    key = Fernet.generate_key()
    assert validate_key(f"  {key.decode()}\n") == key


def test_secret_box_refuses_damaged_values_and_hides_its_key() -> None:
    key = Fernet.generate_key()
    box = SecretBox(key)
    with pytest.raises(StorageError, match="cannot be decrypted"):
        box.open(box.seal(SECRET)[:-4] + "AAAA")
    assert key.decode() not in repr(box)
