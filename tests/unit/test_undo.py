"""Undo (button and `/undo`) and `/log` over the fake portal and the in-memory store."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from bot.core.errors import PortalUnavailable, RateLimited
from bot.core.grammar import parse_move, parse_sp
from bot.core.model import ChatBinding
from bot.core.outcomes import FieldChanged, UndoConflict, UndoStatus
from bot.core.render_writes import task_log, undo_notice, undo_result
from bot.services.audit import Audit
from bot.services.undo import Undo
from tests.unit.team import ANNA, BACKLOG, BORIS, CHAT, MOBILE, NOBODY, PORTAL, SPRINT_2, Team


@dataclass
class Desk:
    team: Team
    undo: Undo
    audit: Audit


@pytest.fixture
def desk(team: Team) -> Desk:
    team.warm_cache()
    undo = Undo(team.store.unit_of_work, team.tracker, team.catalog, team.clock)
    return Desk(team, undo, Audit(team.store.unit_of_work))


async def _sp(desk: Desk, user: int, *words: str) -> str:
    report = await desk.team.writes.set_points(CHAT, user, parse_sp(list(words)))
    assert report.batch is not None
    return report.batch


def _points(desk: Desk, task: int) -> str:
    return desk.team.tracker.items[task].story_points


async def test_the_button_puts_back_every_task_of_the_message(desk: Desk) -> None:
    key = await _sp(desk, ANNA, "42", "43", "8")
    desk.team.tracker.calls.clear()

    outcome = await desk.undo.press(CHAT, ANNA, key)

    assert (_points(desk, 42), _points(desk, 43)) == ("5", "3")
    assert outcome.status == UndoStatus.DONE
    assert undo_result(outcome).split("\n") == [
        "Undone:",
        "<b>#42</b> Fix login crash: story points 8 → 5",
        "<b>#43</b> Checkout page: story points 8 → 3",
    ]
    assert desk.team.tracker.calls == ["read_tasks", "update_items"]
    undo_rows = [c for c in desk.team.store.changes if c.undo_of == key]
    assert [(c.task_id, c.old_raw, c.new_raw, c.outcome) for c in undo_rows] == [
        (42, "8", "5", "ok"), (43, "8", "3", "ok")]
    assert all(c.undone for c in desk.team.store.changes if c.batch == key)


async def test_a_second_press_finds_it_already_undone(desk: Desk) -> None:
    key = await _sp(desk, ANNA, "42", "8")
    await desk.undo.press(CHAT, ANNA, key)

    outcome = await desk.undo.press(CHAT, ANNA, key)

    assert outcome.status == UndoStatus.ALREADY
    assert _points(desk, 42) == "5"


async def test_only_the_author_may_press_it(desk: Desk) -> None:
    key = await _sp(desk, BORIS, "42", "8")
    desk.team.tracker.calls.clear()

    outcome = await desk.undo.press(CHAT, ANNA, key)

    assert outcome.status == UndoStatus.NOT_YOURS
    assert undo_notice(outcome) == "Only Boris Petrov can undo this."
    assert _points(desk, 42) == "8"
    assert desk.team.tracker.calls == []
    assert (await desk.undo.press(CHAT, NOBODY, key)).status == UndoStatus.NOT_YOURS


async def test_the_button_expires_after_ten_minutes_but_undo_still_works(desk: Desk) -> None:
    key = await _sp(desk, BORIS, "42", "8")
    desk.team.clock.advance(minutes=10, seconds=1)

    expired = await desk.undo.press(CHAT, BORIS, key)
    assert expired.status == UndoStatus.EXPIRED
    assert "/undo" in (undo_notice(expired) or "")
    assert _points(desk, 42) == "8"

    outcome = await desk.undo.last(CHAT, BORIS)

    assert outcome.status == UndoStatus.DONE
    assert _points(desk, 42) == "5"


async def test_a_task_changed_since_is_left_alone_and_its_value_shown(desk: Desk) -> None:
    key = await _sp(desk, ANNA, "42", "43", "8")
    tracker = desk.team.tracker
    tracker.items[43] = replace(tracker.items[43], story_points="13")  # someone in Bitrix24

    outcome = await desk.undo.press(CHAT, ANNA, key)

    assert (_points(desk, 42), _points(desk, 43)) == ("5", "13")
    assert outcome.results[1] == UndoConflict(43, "Checkout page", "story points", "13")
    assert undo_result(outcome).split("\n") == [
        "Undo: 1 restored, 1 left as they are:",
        "<b>#42</b> Fix login crash: story points 8 → 5",
        "<b>#43</b> Checkout page: not undone, its story points were changed since to 13",
    ]


async def test_undo_of_a_move_restores_the_sprint_by_name(desk: Desk) -> None:
    await desk.team.writes.move(CHAT, ANNA, parse_move(["42", "43", "sprint-3"]))

    outcome = await desk.undo.last(CHAT, ANNA)

    items = desk.team.tracker.items
    assert (items[42].entity_id, items[43].entity_id) == (BACKLOG, SPRINT_2)
    assert outcome.results[0] == FieldChanged(42, "Fix login crash", "moved", "Sprint 3",
                                              "Backlog")


async def test_slash_undo_walks_back_the_members_messages_newest_first(desk: Desk) -> None:
    await _sp(desk, BORIS, "42", "8")
    await _sp(desk, BORIS, "42", "13")
    await _sp(desk, ANNA, "43", "1")  # another member's change is not Boris's to undo

    await desk.undo.last(CHAT, BORIS)
    assert _points(desk, 42) == "8"
    await desk.undo.last(CHAT, BORIS)
    assert _points(desk, 42) == "5"

    nothing = await desk.undo.last(CHAT, BORIS)
    assert nothing.status == UndoStatus.NOTHING
    assert undo_result(nothing) == "You have no change in this chat to undo."
    assert _points(desk, 43) == "1"


async def test_a_created_item_has_nothing_to_put_back(desk: Desk) -> None:
    report = await desk.team.writes.set_points(CHAT, BORIS, parse_sp(["44", "3"]))

    assert report.batch is None
    assert (await desk.undo.last(CHAT, BORIS)).status == UndoStatus.NOTHING


async def test_the_log_shows_the_bots_changes_newest_first(desk: Desk) -> None:
    await _sp(desk, BORIS, "42", "8")
    desk.team.clock.advance(minutes=1)
    await desk.undo.last(CHAT, BORIS)
    desk.team.clock.advance(minutes=1)
    await desk.team.writes.set_points(CHAT, BORIS, parse_sp(["42", "999", "3"]))

    log = await desk.audit.task_log(CHAT, ANNA, 42)

    assert task_log(log).split("\n") == [
        "<b>#42</b>: changes made through the bot, newest first",
        "2025-03-10 09:32 UTC Boris Petrov: story points 5 → 3",
        "2025-03-10 09:31 UTC Boris Petrov undid: story points 8 → 5",
        "2025-03-10 09:30 UTC Boris Petrov: story points 5 → 8",
    ]
    failed = task_log(await desk.audit.task_log(CHAT, ANNA, 999))
    assert failed.split("\n")[1] == "2025-03-10 09:32 UTC Boris Petrov: story points → 3 failed (0)"
    assert task_log(await desk.audit.task_log(CHAT, ANNA, 43)) == (
        "The bot has not changed #43 yet.")


async def test_the_log_is_at_most_fifteen_lines(desk: Desk) -> None:
    for points in ["1", "2"] * 10:
        await _sp(desk, BORIS, "42", points)

    log = await desk.audit.task_log(CHAT, BORIS, 42)

    assert len(log.changes) == 15
    assert log.changes[0].new_value == "2"


async def test_a_rate_limited_read_leaves_the_button_ready_for_another_press(desk: Desk) -> None:
    key = await _sp(desk, ANNA, "42", "43", "8")
    desk.team.tracker.faults["read_tasks"] = RateLimited("QUERY_LIMIT_EXCEEDED", "Too many")
    commits = desk.team.store.commits

    with pytest.raises(RateLimited):
        await desk.undo.press(CHAT, ANNA, key)

    assert desk.team.store.commits == commits
    assert not any(c.undone for c in desk.team.store.changes)
    outcome = await desk.undo.press(CHAT, ANNA, key)
    assert outcome.status == UndoStatus.DONE
    assert (_points(desk, 42), _points(desk, 43)) == ("5", "3")


async def test_slash_undo_after_a_portal_outage_retries_the_same_message(desk: Desk) -> None:
    await _sp(desk, BORIS, "42", "8")
    await _sp(desk, BORIS, "42", "13")
    desk.team.tracker.faults["read_tasks"] = PortalUnavailable("503", "Service unavailable")

    with pytest.raises(PortalUnavailable):
        await desk.undo.last(CHAT, BORIS)

    assert _points(desk, 42) == "13"
    assert [c.undo_of for c in desk.team.store.changes] == [None, None]
    await desk.undo.last(CHAT, BORIS)
    assert _points(desk, 42) == "8"  # the newest message, not the one before it


async def test_the_log_lists_only_changes_made_through_this_chat(desk: Desk) -> None:
    other_chat = CHAT - 50  # another team's chat on the same portal and Scrum
    desk.team.store.chats[other_chat] = ChatBinding(other_chat, PORTAL, MOBILE, "Mobile", ANNA)
    await _sp(desk, BORIS, "42", "8")
    await desk.team.writes.set_points(other_chat, ANNA, parse_sp(["42", "13"]))

    mine = task_log(await desk.audit.task_log(CHAT, BORIS, 42)).split("\n")
    theirs = task_log(await desk.audit.task_log(other_chat, ANNA, 42)).split("\n")

    assert mine[1:] == ["2025-03-10 09:30 UTC Boris Petrov: story points 5 → 8"]
    assert theirs[1:] == ["2025-03-10 09:30 UTC Anna Smirnova: story points 8 → 13"]
