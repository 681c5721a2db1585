"""Many tasks in one message: one bulk write, one audit batch, one report."""

from __future__ import annotations

import pytest

from bot.core.errors import CredentialsRejected, TaskNotFound
from bot.core.grammar import parse_epic, parse_move, parse_sp
from bot.core.outcomes import FieldChanged, TaskFailed, WriteReport
from bot.core.render import MAX_MESSAGE
from bot.core.render_writes import write_report
from tests.unit.fakes import PORTAL
from tests.unit.team import (
    ANNA,
    BACKLOG,
    BORIS,
    CHAT,
    PAYMENTS,
    SPRINT_2,
    SPRINT_3,
    Team,
)


async def test_one_failing_task_among_good_ones_is_explained_and_the_others_written(
    team: Team,
) -> None:
    report = await team.writes.set_points(CHAT, ANNA, parse_sp(["42", "999", "43", "8"]))

    assert (team.tracker.items[42].story_points, team.tracker.items[43].story_points) == (
        "8", "8")
    assert team.tracker.calls == ["update_items"]
    assert write_report(report).split("\n") == [
        "3 tasks: 2 changed, 1 failed",
        "<b>#42</b> Fix login crash: story points 5 → 8",
        "<b>#999</b>: not found or not visible to you",
        "<b>#43</b> Checkout page: story points 3 → 8",
    ]
    rows = team.store.changes
    assert [(r.task_id, r.outcome, r.old_raw, r.new_raw) for r in rows] == [
        (42, "ok", "5", "8"), (999, "error", None, "8"), (43, "ok", "3", "8")]
    assert {r.batch for r in rows} == {report.batch} and report.batch
    assert all(r.member_name == "Anna Smirnova" for r in rows)
    assert team.store.commits == 1


async def test_pairs_write_each_task_its_own_value(team: Team) -> None:
    report = await team.writes.set_points(CHAT, ANNA, parse_sp(["42", "8", "43", "0.5"]))

    assert (team.tracker.items[42].story_points, team.tracker.items[43].story_points) == (
        "8", "0.5")
    assert (report.changed, report.failed) == (2, 0)
    assert write_report(report).startswith("2 tasks: 2 changed, 0 failed\n")


async def test_tasks_of_this_scrum_without_an_item_join_the_backlog_in_one_more_write(
    team: Team,
) -> None:
    report = await team.writes.set_points(CHAT, BORIS, parse_sp(["42", "44", "3"]))

    assert team.tracker.items[44].entity_id == BACKLOG
    assert team.tracker.items[44].story_points == "3"
    assert team.tracker.calls == ["update_items", "load_scrum", "update_items"]
    assert report.results[1] == FieldChanged(44, "Write onboarding copy", "story points", "—",
                                             "3")


async def test_bulk_move_resolves_the_name_once_and_refuses_another_scrums_task(
    team: Team,
) -> None:
    team.warm_cache()

    report = await team.writes.move(CHAT, ANNA, parse_move(["42", "43", "46", "sprint-3"]))

    assert team.tracker.items[42].entity_id == SPRINT_3
    assert team.tracker.items[43].entity_id == SPRINT_3
    assert team.tracker.items[46].entity_id == 301  # Web team's task stays where it is
    assert team.tracker.calls == ["update_items"]
    failed = report.results[2]
    assert isinstance(failed, TaskFailed) and failed.title == "Web login"
    assert write_report(report).split("\n")[1:] == [
        "<b>#42</b> Fix login crash: moved Backlog → Sprint 3",
        "<b>#43</b> Checkout page: moved Sprint 2 → Sprint 3",
        "<b>#46</b> Web login: not in this Scrum's backlog or sprints",
    ]
    rows = team.store.changes
    assert [(r.old_raw, r.new_raw) for r in rows[:2]] == [
        (str(BACKLOG), str(SPRINT_3)), (str(SPRINT_2), str(SPRINT_3))]


async def test_bulk_epic(team: Team) -> None:
    team.warm_cache()

    report = await team.writes.set_epic(CHAT, BORIS, parse_epic(["42", "43", "payments"]))

    assert team.tracker.items[42].epic_id == PAYMENTS
    assert write_report(report).split("\n")[1:] == [
        "<b>#42</b> Fix login crash: epic no epic → Payments",
        "<b>#43</b> Checkout page: epic already Payments",
    ]


async def test_nothing_to_undo_when_every_task_already_had_the_value(team: Team) -> None:
    report = await team.writes.set_points(CHAT, BORIS, parse_sp(["42", "5"]))

    assert report.batch is None


async def test_a_request_that_fails_as_a_whole_is_raised_and_logged_for_every_task(
    team: Team,
) -> None:
    del team.tracker.webhooks[(PORTAL, "borisSecret02")]

    with pytest.raises(CredentialsRejected):
        await team.writes.set_points(CHAT, BORIS, parse_sp(["42", "43", "8"]))

    assert [(r.task_id, r.outcome, r.error_code) for r in team.store.changes] == [
        (42, "error", "INVALID_CREDENTIALS"), (43, "error", "INVALID_CREDENTIALS")]


async def test_a_single_task_failure_is_still_raised(team: Team) -> None:
    with pytest.raises(TaskNotFound):
        await team.writes.set_points(CHAT, BORIS, parse_sp(["999", "8"]))

    [row] = team.store.changes
    assert (row.outcome, row.error_code) == ("error", "0")


def test_a_long_report_fits_one_message_and_keeps_the_counts() -> None:
    results: list[FieldChanged | TaskFailed] = [
        FieldChanged(n, "A rather long task title " * 8, "story points", "3", "5")
        for n in range(1, 499)]
    results += [TaskFailed(1000, None, TaskNotFound("0", "Task not found")),
                TaskFailed(1001, None, TaskNotFound("0", "Task not found"))]

    text = write_report(WriteReport(tuple(results), "key"))

    assert len(text) <= MAX_MESSAGE
    lines = text.split("\n")
    assert lines[0] == "500 tasks: 498 changed, 2 failed"
    shown = len(lines) - 2
    assert lines[-1] == f"… and {500 - shown} more"
