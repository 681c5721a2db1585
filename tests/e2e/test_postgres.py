"""The standup's main path with the bot's data in PostgreSQL (when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os

import pytest

from tests.databases import POSTGRES_ENV, drop_all_tables
from tests.e2e.conftest import World

pytestmark = pytest.mark.postgres


@pytest.fixture
async def bot_database_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to test against")
    await drop_all_tables(url)
    return url


async def test_link_bind_and_change_on_postgres(team: World) -> None:
    reply = await team.say(team.chat, team.bob, f"/move {team.task} next")
    assert reply.text.endswith("moved Backlog → Sprint 3")
    reply = await team.say(team.chat, team.bob, f"/sp {team.task} 13")
    assert reply.text.endswith("story points 5 → 13")
    assert team.portal.item(team.task).story_points == "13"  # type: ignore[union-attr]
