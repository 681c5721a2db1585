"""`/sp`, `/move`, `/epic`, `/rank` end to end over the fake portal and the in-memory store."""

from __future__ import annotations

import pytest

from bot.core.errors import (
    AccessDenied,
    EpicNotFound,
    NameNotFound,
    NotBound,
    NotInScrum,
    NotLinked,
    SprintCompleted,
    TaskNotFound,
    WrongPortal,
)
from bot.core.grammar import parse_epic, parse_move, parse_rank, parse_sp
from bot.core.model import Epic, ScrumItem, Sprint, SprintStatus
from bot.core.outcomes import FieldChanged
from bot.core.render_errors import render_error
from bot.core.render_writes import write_report
from tests.unit.fakes import PORTAL
from tests.unit.team import (
    ANNA,
    BACKLOG,
    BORIS,
    CHAT,
    GLEB,
    MOBILE,
    NOBODY,
    NOW,
    ONBOARDING,
    PAYMENTS,
    SPRINT_2,
    SPRINT_3,
    SPRINT_4,
    UNBOUND_CHAT,
    VERA,
    Team,
)

# -- /sp ------------------------------------------------------------------------------------


async def test_sp_writes_a_string_and_reports_before_and_after(team: Team) -> None:
    outcome = await team.writes.set_points(CHAT, BORIS, parse_sp(["42", "8"]))

    assert team.tracker.items[42].story_points == "8"
    assert write_report(outcome) == "<b>#42</b> Fix login crash: story points 5 → 8"
    assert team.tracker.calls == ["update_items"]  # no cache needed, one request
    assert team.store.commits == 1


async def test_sp_normalises_decimals_and_clears_with_a_dash(team: Team) -> None:
    await team.writes.set_points(CHAT, BORIS, parse_sp(["#42", "0,50"]))
    assert team.tracker.items[42].story_points == "0.5"

    cleared = await team.writes.set_points(CHAT, BORIS, parse_sp(["42", "-"]))

    assert team.tracker.items[42].story_points == ""
    assert write_report(cleared) == "<b>#42</b> Fix login crash: story points 0.5 → —"


async def test_sp_with_the_same_value_says_already(team: Team) -> None:
    outcome = await team.writes.set_points(CHAT, BORIS, parse_sp(["42", "5"]))

    assert write_report(outcome) == "<b>#42</b> Fix login crash: story points already 5"


# -- /move ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "entity", "reply"),
    [
        (["sprint-3"], SPRINT_3, "Backlog → Sprint 3"),
        (["SPRINT", "3"], SPRINT_3, "Backlog → Sprint 3"),
        (["active"], SPRINT_2, "Backlog → Sprint 2"),
        (["current"], SPRINT_2, "Backlog → Sprint 2"),
        (["next"], SPRINT_3, "Backlog → Sprint 3"),
        (["104"], SPRINT_4, "Backlog → Sprint 4"),
    ],
)
async def test_move_resolves_the_target_in_a_warm_cache(
    team: Team, words: list[str], entity: int, reply: str
) -> None:
    team.warm_cache()

    outcome = await team.writes.move(CHAT, BORIS, parse_move(["42", *words]))

    assert team.tracker.items[42].entity_id == entity
    assert write_report(outcome) == f"<b>#42</b> Fix login crash: moved {reply}"
    assert team.calls("load_scrum") == 0
    assert team.tracker.calls == ["update_items"]


async def test_move_to_backlog_names_the_sprint_it_left(team: Team) -> None:
    team.warm_cache()

    outcome = await team.writes.move(CHAT, ANNA, parse_move(["43", "backlog"]))

    assert team.tracker.items[43].entity_id == BACKLOG
    assert write_report(outcome) == "<b>#43</b> Checkout page: moved Sprint 2 → Backlog"


async def test_move_to_where_the_task_already_is_says_so(team: Team) -> None:
    team.warm_cache()

    outcome = await team.writes.move(CHAT, ANNA, parse_move(["43", "active"]))

    assert write_report(outcome) == "<b>#43</b> Checkout page: already in Sprint 2"


async def test_move_with_a_cold_cache_loads_the_scrum_once_and_keeps_it(team: Team) -> None:
    await team.writes.move(CHAT, BORIS, parse_move(["42", "sprint-3"]))
    await team.writes.move(CHAT, BORIS, parse_move(["42", "sprint-4"]))

    assert team.calls("load_scrum") == 1
    assert team.store.scrum_cache[(PORTAL, MOBILE)].fetched_at == NOW
    assert team.tracker.items[42].entity_id == SPRINT_4


async def test_move_with_a_stale_cache_reloads_once(team: Team) -> None:
    team.warm_cache()
    team.clock.advance(minutes=11)

    await team.writes.move(CHAT, BORIS, parse_move(["42", "sprint-3"]))

    assert team.calls("load_scrum") == 1
    assert team.store.scrum_cache[(PORTAL, MOBILE)].fetched_at == team.clock()


async def test_move_into_a_completed_sprint_is_refused_and_nothing_is_written(
    team: Team,
) -> None:
    team.warm_cache()

    with pytest.raises(SprintCompleted) as caught:
        await team.writes.move(CHAT, BORIS, parse_move(["42", "sprint", "1"]))

    assert caught.value.sprint_name == "Sprint 1"
    assert team.tracker.items[42].entity_id == BACKLOG
    assert team.calls("update_items") == 0


async def test_move_to_an_unknown_name_reloads_once_and_suggests(team: Team) -> None:
    team.warm_cache()

    with pytest.raises(NameNotFound) as caught:
        await team.writes.move(CHAT, BORIS, parse_move(["42", "sprnt-5"]))

    assert caught.value.kind == "sprint"
    assert caught.value.name == "sprnt-5"
    assert "Sprint 3" in caught.value.suggestions
    assert "Sprint 1" not in caught.value.suggestions  # completed sprints are not offered
    assert team.calls("load_scrum") == 1
    assert team.calls("update_items") == 0
    assert team.tracker.items[42].entity_id == BACKLOG


async def test_move_to_an_unknown_name_with_a_cold_cache_loads_only_once(team: Team) -> None:
    with pytest.raises(NameNotFound):
        await team.writes.move(CHAT, BORIS, parse_move(["42", "Release", "train"]))

    assert team.calls("load_scrum") == 1


async def test_move_to_a_sprint_created_after_the_cache_reloads_and_moves(team: Team) -> None:
    team.warm_cache()
    team.tracker.add_sprint(MOBILE, Sprint(105, "Hardening", SprintStatus.PLANNED, 5))

    outcome = await team.writes.move(CHAT, BORIS, parse_move(["42", "hardening"]))

    assert team.tracker.items[42].entity_id == 105
    assert outcome.results == (
        FieldChanged(42, "Fix login crash", "moved", "Backlog", "Hardening"),)
    assert team.calls("load_scrum") == 1
    cached = team.store.scrum_cache[(PORTAL, MOBILE)]
    assert "Hardening" in [s.name for s in cached.sprints]


async def test_a_reload_for_a_name_not_found_is_kept_for_the_next_command(team: Team) -> None:
    """The reload fetched a sprint the reply suggests; /sprints must then know it too."""
    team.warm_cache()
    team.tracker.add_sprint(MOBILE, Sprint(105, "Hardening", SprintStatus.PLANNED, 5))

    with pytest.raises(NameNotFound) as caught:
        await team.writes.move(CHAT, BORIS, parse_move(["42", "hardenning"]))
    assert "Hardening" in caught.value.suggestions

    overview = await team.reads.sprints(CHAT, BORIS)

    assert "Hardening" in [s.name for s in overview.planned]
    assert team.calls("load_scrum") == 1


# -- /epic and /rank ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "epic_id", "reply"),
    [
        (["onboarding"], ONBOARDING, "epic no epic → Onboarding"),
        (["202"], ONBOARDING, "epic no epic → Onboarding"),
        (["Pay", "ments"], PAYMENTS, "epic no epic → Payments"),
    ],
)
async def test_epic_by_name_or_id(
    team: Team, words: list[str], epic_id: int, reply: str
) -> None:
    team.warm_cache()

    outcome = await team.writes.set_epic(CHAT, BORIS, parse_epic(["42", *words]))

    assert team.tracker.items[42].epic_id == epic_id
    assert write_report(outcome) == f"<b>#42</b> Fix login crash: {reply}"


async def test_epic_none_detaches(team: Team) -> None:
    team.warm_cache()

    outcome = await team.writes.set_epic(CHAT, ANNA, parse_epic(["43", "none"]))

    assert team.tracker.items[43].epic_id == 0
    assert write_report(outcome) == "<b>#43</b> Checkout page: epic Payments → no epic"


async def test_epic_unknown_name_suggests_and_writes_nothing(team: Team) -> None:
    team.warm_cache()

    with pytest.raises(NameNotFound) as caught:
        await team.writes.set_epic(CHAT, BORIS, parse_epic(["42", "Paymnts"]))

    assert caught.value.kind == "epic"
    assert caught.value.suggestions[0] == "Payments"
    assert team.calls("update_items") == 0
    assert team.tracker.items[42].epic_id == 0


async def test_epic_deleted_in_bitrix_after_caching_is_reported_and_logged(team: Team) -> None:
    team.warm_cache()
    del team.tracker.epics[ONBOARDING]

    with pytest.raises(EpicNotFound):
        await team.writes.set_epic(CHAT, BORIS, parse_epic(["42", "Onboarding"]))

    assert team.tracker.items[42].epic_id == 0
    [row] = team.store.changes
    assert (row.field, row.outcome, row.new_value) == ("epic", "error", "Onboarding")


async def test_rank_sets_the_sort_order(team: Team) -> None:
    outcome = await team.writes.set_rank(CHAT, BORIS, parse_rank(["42", "-5"]))

    assert team.tracker.items[42].sort == -5
    assert write_report(outcome) == "<b>#42</b> Fix login crash: rank 10 → -5"


# -- tasks that are not Scrum items yet -----------------------------------------------------


async def test_sp_on_a_task_of_this_scrum_without_an_item_creates_it_in_the_backlog(
    team: Team,
) -> None:
    outcome = await team.writes.set_points(CHAT, BORIS, parse_sp(["44", "3"]))

    item = team.tracker.items[44]
    assert (item.entity_id, item.story_points) == (BACKLOG, "3")
    assert write_report(outcome) == "<b>#44</b> Write onboarding copy: story points — → 3"
    assert team.tracker.calls == ["update_items", "load_scrum", "update_items"]
    [row] = team.store.changes
    assert (row.old_value, row.new_value, row.outcome) == ("—", "3", "ok")


async def test_move_of_a_task_without_an_item_creates_it_in_the_sprint(team: Team) -> None:
    team.warm_cache()

    outcome = await team.writes.move(CHAT, BORIS, parse_move(["44", "next"]))

    assert team.tracker.items[44].entity_id == SPRINT_3
    [line] = outcome.results
    assert isinstance(line, FieldChanged) and (line.before, line.after) == ("—", "Sprint 3")
    assert outcome.batch is None  # nothing to restore: the item did not exist
    assert team.calls("load_scrum") == 0


async def test_a_task_of_another_group_is_refused_and_not_created(team: Team) -> None:
    with pytest.raises(NotInScrum) as caught:
        await team.writes.set_points(CHAT, ANNA, parse_sp(["45", "3"]))

    assert caught.value.task is not None
    assert caught.value.task.title == "Landing page"
    assert 45 not in team.tracker.items
    assert team.tracker.calls == ["update_items"]
    [row] = team.store.changes
    assert (row.task_id, row.outcome, row.error_code) == (45, "error", "0")


async def test_moving_another_scrums_task_into_this_scrum_is_refused(team: Team) -> None:
    team.warm_cache()

    with pytest.raises(NotInScrum) as caught:
        await team.writes.move(CHAT, ANNA, parse_move(["46", "sprint-3"]))

    assert render_error(caught.value, 46) == "#46 is not in this Scrum's backlog or sprints."
    assert team.tracker.items[46].entity_id == 301
    assert team.calls("update_items") == 1


# -- the audit log --------------------------------------------------------------------------


async def test_a_successful_write_is_logged_with_old_and_new_values(team: Team) -> None:
    await team.writes.set_points(CHAT, BORIS, parse_sp(["42", "13"]))

    [row] = team.store.changes
    assert (row.chat_id, row.telegram_user_id, row.portal, row.bitrix_user_id) == (
        CHAT, BORIS, PORTAL, 2)
    assert (row.task_id, row.field, row.old_value, row.new_value) == (
        42, "story points", "5", "13")
    assert (row.outcome, row.error_code, row.at) == ("ok", None, NOW)


async def test_a_failed_write_is_logged_and_committed(team: Team) -> None:
    with pytest.raises(TaskNotFound):
        await team.writes.set_rank(CHAT, BORIS, parse_rank(["999", "1"]))

    [row] = team.store.changes
    assert (row.task_id, row.field, row.old_value, row.new_value) == (999, "rank", None, "1")
    assert (row.outcome, row.error_code) == ("error", "0")
    assert team.store.commits == 1


async def test_a_member_outside_the_scrum_is_denied_and_logged(team: Team) -> None:
    with pytest.raises(AccessDenied):
        await team.writes.set_points(CHAT, VERA, parse_sp(["42", "1"]))

    assert team.tracker.items[42].story_points == "5"
    [row] = team.store.changes
    assert (row.telegram_user_id, row.outcome) == (VERA, "error")


# -- who may write --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chat", "user", "error"),
    [
        (CHAT, NOBODY, NotLinked),
        (UNBOUND_CHAT, BORIS, NotBound),
        (CHAT, GLEB, WrongPortal),
    ],
)
async def test_writes_need_a_linked_member_in_a_bound_chat_of_their_portal(
    team: Team, chat: int, user: int, error: type[Exception]
) -> None:
    with pytest.raises(error):
        await team.writes.set_points(chat, user, parse_sp(["42", "8"]))

    assert team.tracker.calls == []
    assert team.tracker.items[42].story_points == "5"
    assert team.store.changes == []


async def test_wrong_portal_names_both_portals(team: Team) -> None:
    with pytest.raises(WrongPortal) as caught:
        await team.writes.move(CHAT, GLEB, parse_move(["42", "next"]))

    assert (caught.value.member_portal, caught.value.chat_portal) == (
        "https://other.bitrix24.com", PORTAL)


async def test_epic_with_an_epic_created_after_the_cache(team: Team) -> None:
    team.warm_cache()
    team.tracker.add_epic(MOBILE, Epic(203, "Offline mode"))

    await team.writes.set_epic(CHAT, BORIS, parse_epic(["42", "offline-mode"]))

    assert team.tracker.items[42] == ScrumItem(BACKLOG, "5", 203, 10, MOBILE)
    assert team.calls("load_scrum") == 1
