"""`/task`, `/sprints`, `/epics`, `/refresh` over the fake portal and the in-memory store."""

from __future__ import annotations

import pytest

from bot.core.errors import AccessDenied, NotBound, NotLinked, TaskNotFound, WrongPortal
from bot.core.model import Epic, ScrumItem, Sprint, SprintStatus
from bot.core.render import epic_list, refreshed, sprint_overview, task_card
from tests.unit.fakes import PORTAL
from tests.unit.team import (
    ANNA,
    BORIS,
    CHAT,
    GLEB,
    MOBILE,
    NOBODY,
    SPRINT_1,
    UNBOUND_CHAT,
    VERA,
    Team,
    day,
)


async def test_task_card_names_the_sprint_and_epic_from_a_warm_cache(team: Team) -> None:
    team.warm_cache()

    card = await team.reads.show_task(CHAT, BORIS, 43)

    assert task_card(card) == (
        "<b>#43</b> Checkout page\n"
        "Status: Pending\n"
        "Responsible: Anna Smirnova\n"
        "Sprint: Sprint 2\n"
        "Story points: 3\n"
        "Epic: Payments\n"
        "Rank: 20"
    )
    assert team.tracker.calls == ["read_task"]


async def test_task_card_of_a_task_in_the_backlog(team: Team) -> None:
    card = await team.reads.show_task(CHAT, BORIS, 42)

    text = task_card(card)
    assert "Sprint: Backlog" in text
    assert "Epic: —" in text
    assert team.tracker.calls == ["read_task", "load_scrum"]
    assert (PORTAL, MOBILE) in team.store.scrum_cache  # the load was committed


async def test_task_card_of_a_task_that_is_not_a_scrum_item(team: Team) -> None:
    team.warm_cache()

    card = await team.reads.show_task(CHAT, BORIS, 44)

    assert task_card(card).endswith("Not in this Scrum's backlog or sprints")


async def test_task_card_in_a_sprint_the_cache_does_not_know_reloads_once(team: Team) -> None:
    team.warm_cache()
    team.tracker.add_sprint(MOBILE, Sprint(105, "Hardening", SprintStatus.PLANNED, 5))
    team.tracker.items[42] = ScrumItem(105, "5", 0, 10, MOBILE)

    card = await team.reads.show_task(CHAT, BORIS, 42)

    assert "Sprint: Hardening" in task_card(card)
    assert team.calls("load_scrum") == 1
    cached = team.store.scrum_cache[(PORTAL, MOBILE)]
    assert cached.entity_name(105) == "Hardening"


async def test_task_card_in_an_entity_nobody_knows_shows_its_id(team: Team) -> None:
    team.warm_cache()
    team.tracker.items[42] = ScrumItem(777, "5", 0, 10, MOBILE)

    card = await team.reads.show_task(CHAT, BORIS, 42)

    assert "Sprint: entity 777" in task_card(card)
    assert team.calls("load_scrum") == 1


@pytest.mark.parametrize(
    ("user", "task", "error"),
    [(BORIS, 999, TaskNotFound), (VERA, 42, AccessDenied)],
)
async def test_task_card_of_an_invisible_task(
    team: Team, user: int, task: int, error: type[Exception]
) -> None:
    with pytest.raises(error):
        await team.reads.show_task(CHAT, user, task)


async def test_sprints_lists_active_planned_in_order_and_the_last_completed(team: Team) -> None:
    team.tracker.add_sprint(MOBILE, Sprint(99, "Sprint 0", SprintStatus.COMPLETED, 0,
                                           day(2, 3), day(2, 14)))
    team.tracker.add_sprint(MOBILE, Sprint(98, "Spike", SprintStatus.PLANNED, 0))

    overview = await team.reads.sprints(CHAT, BORIS)

    assert overview.active is not None
    assert overview.active.name == "Sprint 2"
    # the order /move … next follows: dated sprints by start, undated ones after them
    assert [s.name for s in overview.planned] == ["Sprint 3", "Sprint 4", "Spike"]
    assert overview.last_completed is not None
    assert overview.last_completed.id == SPRINT_1
    text = sprint_overview(overview)
    assert "• Sprint 2 (03 Mar – 14 Mar)" in text
    assert "<b>Last completed</b>\n• Sprint 1 (17 Feb – 28 Feb)" in text
    assert team.calls("load_scrum") == 1


async def test_sprints_from_a_warm_cache_do_not_ask_bitrix(team: Team) -> None:
    team.warm_cache()
    team.tracker.add_sprint(MOBILE, Sprint(105, "Hardening", SprintStatus.PLANNED, 5))

    overview = await team.reads.sprints(CHAT, BORIS)

    assert "Hardening" not in [s.name for s in overview.planned]
    assert team.tracker.calls == []


async def test_epics_are_listed_alphabetically(team: Team) -> None:
    team.tracker.add_epic(MOBILE, Epic(203, "analytics"))

    listing = await team.reads.epics(CHAT, BORIS)

    assert [e.name for e in listing.epics] == ["analytics", "Onboarding", "Payments"]
    assert "• Onboarding (id 202)" in epic_list(listing)


async def test_refresh_reloads_a_warm_cache_and_stores_it(team: Team) -> None:
    team.warm_cache()
    team.tracker.add_sprint(MOBILE, Sprint(105, "Hardening", SprintStatus.PLANNED, 5))

    outcome = await team.reads.refresh(CHAT, ANNA)

    assert refreshed(outcome) == "Reloaded from Bitrix24: 5 sprints, 2 epics."
    overview = await team.reads.sprints(CHAT, BORIS)
    assert "Hardening" in [s.name for s in overview.planned]
    assert team.tracker.calls == ["load_scrum"]


async def test_a_cache_younger_than_ten_minutes_is_used(team: Team) -> None:
    team.warm_cache()
    team.clock.advance(minutes=9)

    await team.reads.epics(CHAT, BORIS)

    assert team.tracker.calls == []


async def test_a_stale_cache_is_reloaded_once_for_sprints(team: Team) -> None:
    team.warm_cache()
    team.clock.advance(minutes=11)

    await team.reads.sprints(CHAT, BORIS)
    await team.reads.sprints(CHAT, BORIS)

    assert team.tracker.calls == ["load_scrum"]


@pytest.mark.parametrize(
    ("chat", "user", "error"),
    [(CHAT, NOBODY, NotLinked), (UNBOUND_CHAT, BORIS, NotBound), (CHAT, GLEB, WrongPortal)],
)
async def test_reads_need_a_linked_member_in_a_bound_chat(
    team: Team, chat: int, user: int, error: type[Exception]
) -> None:
    with pytest.raises(error):
        await team.reads.sprints(chat, user)

    assert team.tracker.calls == []
