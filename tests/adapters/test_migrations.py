"""The Alembic revisions: a stairway over each, idempotent upgrades, and models matching them."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url

from bot.adapters.storage.database import (
    alembic_config,
    create_engine,
    downgrade_schema,
    upgrade_schema,
)
from bot.adapters.storage.tables import Base

REPO_ROOT = Path(__file__).resolve().parents[2]
APP_TABLES = {"members", "chats", "scrum_cache", "changes", "buttons"}


def revisions() -> list[str]:
    """Every revision id, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions("base", "heads")))]


async def database_state(url: str) -> tuple[set[str], str | None]:
    """The tables in the database and the revision it is at."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_state)
    finally:
        await engine.dispose()


def _state(connection: Connection) -> tuple[set[str], str | None]:
    tables = set(inspect(connection).get_table_names())
    return tables, MigrationContext.configure(connection).get_current_revision()


def test_revisions_form_one_line_starting_at_0001() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert revisions()[0] == "0001"
    assert len(script.get_heads()) == 1


async def test_stairway_every_revision_goes_up_down_and_up(database_url: str) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    for revision in revisions():
        previous = script.get_revision(revision).down_revision
        await upgrade_schema(database_url, revision)
        await downgrade_schema(database_url, str(previous) if previous else "base")
        await upgrade_schema(database_url, revision)
        assert (await database_state(database_url))[1] == revision
    await downgrade_schema(database_url, "base")
    assert await database_state(database_url) == ({"alembic_version"}, None)


async def test_upgrade_twice_changes_nothing(database_url: str) -> None:
    await upgrade_schema(database_url)
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("INSERT INTO chats VALUES (-5, 'https://p', 7, 'Team', 1, NULL, '{}')")
            )
        before = await database_state(database_url)
        await upgrade_schema(database_url)
        async with engine.connect() as connection:
            names = (await connection.execute(text("SELECT group_name FROM chats"))).scalars()
            assert list(names) == ["Team"]
    finally:
        await engine.dispose()
    assert before == (APP_TABLES | {"alembic_version"}, revisions()[-1])
    assert await database_state(database_url) == before


async def test_models_match_the_migrated_schema(database_url: str) -> None:
    await upgrade_schema(database_url)
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            diffs = await connection.run_sync(_schema_diffs)
    finally:
        await engine.dispose()
    assert diffs == []


def _schema_diffs(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrating_neither_logs_the_password_nor_reconfigures_logging(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":  # trust authentication ignores the password
        database_url = url.set(password="never-log-me").render_as_string(hide_password=False)
    root = logging.getLogger()
    handlers = list(root.handlers)
    caplog.set_level(logging.DEBUG)
    await upgrade_schema(database_url)
    assert "Running upgrade  -> 0001" in caplog.text
    assert "never-log-me" not in caplog.text
    assert root.handlers == handlers
    assert logging.getLogger("bot.adapters.storage").disabled is False


@pytest.mark.slow
def test_alembic_command_line_works_from_the_repository_root(database_url: str) -> None:
    def alembic(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "alembic", "-x", f"url={database_url}", *args],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        )
        return done.stdout + done.stderr

    assert "Running upgrade  -> 0001" in alembic("upgrade", "head")
    assert f"{revisions()[-1]} (head)" in alembic("current")
    assert "Running downgrade 0001 -> " in alembic("downgrade", "base")
