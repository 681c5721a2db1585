"""Adapter tests' fixtures: the portal emulator, one HTTP session, and the databases (a SQLite
file, and PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.sandbox.bitrix24 import PortalEmulator
from tests.databases import POSTGRES_ENV, drop_all_tables


@pytest.fixture
async def emu() -> AsyncIterator[PortalEmulator]:
    emulator = PortalEmulator()
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a SQLite file in a folder yet to be made, or the PostgreSQL one."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'data' / 'bot.sqlite3'}"
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to test against")
    await drop_all_tables(url)
    return url
