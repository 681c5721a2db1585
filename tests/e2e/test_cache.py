"""What a command costs in Bitrix24 requests when the cache is cold (TTL expired every time)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import World


@pytest.fixture
def bot_settings() -> dict[str, object]:
    return {"scrum_cache_ttl": 0.001}


async def test_cold_cache_costs(team: World) -> None:
    await team.say(team.chat, team.bob, f"/sp {team.task} 8")
    assert [r.method for r in team.portal.requests] == ["batch"]  # /sp needs no cache
    team.portal.clear_log()
    await team.say(team.chat, team.bob, f"/move {team.task} sprint-3")
    requests = team.portal.requests
    assert [r.method for r in requests] == ["batch", "batch"]  # reload, then the write
    assert "tasks.api.scrum.sprint.list" in requests[0].sub_methods
    assert requests[1].sub_methods == ("tasks.task.get", "tasks.api.scrum.task.get",
                                       "tasks.api.scrum.task.update")
    assert all(r.user_id == team.bob_id for r in requests)


async def test_cold_cache_reads(team: World) -> None:
    await team.say(team.chat, team.bob, f"/task {team.task}")
    assert [r.method for r in team.portal.requests] == ["batch", "batch"]
    team.portal.clear_log()
    await team.say(team.chat, team.bob, "/sprints")
    assert [r.method for r in team.portal.requests] == ["batch"]
    team.portal.clear_log()
    await team.say(team.chat, team.bob, f"/epic {team.task} Payments")
    assert [r.method for r in team.portal.requests] == ["batch", "batch"]
    team.portal.clear_log()
    await team.say(team.chat, team.bob, f"/rank {team.task} 7")
    assert [r.method for r in team.portal.requests] == ["batch"]
