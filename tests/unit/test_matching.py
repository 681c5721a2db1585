"""Name matching: sloppy sprint and epic names find the right entity, or close suggestions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.errors import NameNotFound, SprintCompleted
from bot.core.grammar import EpicRef, MoveTarget, TargetKind, parse_target
from bot.core.matching import (
    Destination,
    active_sprint,
    name_key,
    next_sprint,
    resolve_destination,
    resolve_epic,
    suggestions,
)
from bot.core.model import Epic, ScrumSnapshot, Sprint, SprintStatus

PLANNED, ACTIVE, COMPLETED = SprintStatus.PLANNED, SprintStatus.ACTIVE, SprintStatus.COMPLETED


def at(day: int) -> datetime:
    return datetime(2025, 3, day, tzinfo=UTC)


def scrum(*sprints: Sprint, epics: tuple[Epic, ...] = ()) -> ScrumSnapshot:
    return ScrumSnapshot(7, 100, sprints, epics, at(1))


TEAM = scrum(
    Sprint(101, "Sprint 1", COMPLETED, 1),
    Sprint(102, "Sprint 2", ACTIVE, 2),
    Sprint(103, "Sprint 3", PLANNED, 3, at(17)),
    Sprint(104, "Sprint 4", PLANNED, 4, at(31)),
    Sprint(105, "Release: Q2_final", PLANNED, 5),
    epics=(Epic(201, "Payments"), Epic(202, "Onboarding"), Epic(203, "Mobile payments")),
)


def move(*words: str) -> Destination:
    return resolve_destination(TEAM, parse_target(words))


@pytest.mark.parametrize(
    ("name", "key"),
    [("Sprint 3", "sprint3"), ("sprint-3", "sprint3"), ("SPRINT_3", "sprint3"),
     (" sprint . 3 ", "sprint3"), ("Straße", "strasse"), ("Спринт 3", "спринт3")],
)
def test_name_key_keeps_only_letters_and_digits_case_folded(name: str, key: str) -> None:
    assert name_key(name) == key


@pytest.mark.parametrize(
    ("words", "destination"),
    [
        (("sprint-3",), Destination(103, "Sprint 3")),
        (("sprint", "3"), Destination(103, "Sprint 3")),
        (("SPRINT_4",), Destination(104, "Sprint 4")),
        (("release", "q2", "final"), Destination(105, "Release: Q2_final")),
        (("backlog",), Destination(100, "Backlog")),
        (("100",), Destination(100, "Backlog")),
        (("active",), Destination(102, "Sprint 2")),
        (("next",), Destination(103, "Sprint 3")),
        (("104",), Destination(104, "Sprint 4")),
    ],
)
def test_destinations(words: tuple[str, ...], destination: Destination) -> None:
    assert move(*words) == destination


@pytest.mark.parametrize("words", [("sprint", "1"), ("101",)])
def test_a_completed_sprint_is_refused_by_name_or_id(words: tuple[str, ...]) -> None:
    with pytest.raises(SprintCompleted) as caught:
        move(*words)

    assert caught.value.sprint_name == "Sprint 1"


def test_an_unknown_name_suggests_open_sprints_only() -> None:
    with pytest.raises(NameNotFound) as caught:
        move("sprint", "7")

    assert caught.value.kind == "sprint"
    assert caught.value.name == "sprint 7"
    assert 0 < len(caught.value.suggestions) <= 3
    assert set(caught.value.suggestions) <= {"Sprint 2", "Sprint 3", "Sprint 4"}


def test_an_unknown_entity_id_is_not_found() -> None:
    with pytest.raises(NameNotFound) as caught:
        move("999")

    assert caught.value.name == "999"


def test_nothing_active_is_not_found_by_the_word_typed() -> None:
    planned_only = scrum(Sprint(103, "Sprint 3", PLANNED, 3))

    with pytest.raises(NameNotFound) as caught:
        resolve_destination(planned_only, MoveTarget(TargetKind.ACTIVE))

    assert caught.value.name == "active"
    assert caught.value.suggestions == ()  # fuzzy matching "active" finds no sprint name


def test_nothing_planned_has_no_next() -> None:
    with pytest.raises(NameNotFound) as caught:
        resolve_destination(scrum(Sprint(102, "Sprint 2", ACTIVE)), MoveTarget(TargetKind.NEXT))

    assert caught.value.name == "next"


def test_of_sprints_sharing_a_name_the_open_then_the_newest_wins() -> None:
    twins = scrum(
        Sprint(110, "Stabilise", PLANNED),
        Sprint(111, "Stabilise", PLANNED),
        Sprint(112, "Stabilise", COMPLETED),
    )

    assert resolve_destination(twins, MoveTarget(TargetKind.NAME, "stabilise")).entity_id == 111


def test_next_is_the_earliest_start_then_the_sort_order() -> None:
    sprints = scrum(
        Sprint(1, "Undated", PLANNED, sort=0),
        Sprint(2, "Later", PLANNED, sort=1, date_start=at(20)),
        Sprint(3, "Sooner", PLANNED, sort=9, date_start=at(10)),
        Sprint(4, "Sooner too", PLANNED, sort=2, date_start=at(10)),
    )

    chosen = next_sprint(sprints)

    assert chosen is not None
    assert chosen.name == "Sooner too"


def test_next_without_dates_follows_the_sort_order() -> None:
    sprints = scrum(Sprint(9, "B", PLANNED, sort=2), Sprint(8, "A", PLANNED, sort=1))

    chosen = next_sprint(sprints)

    assert chosen is not None
    assert chosen.name == "A"


def test_active_sprint() -> None:
    chosen = active_sprint(TEAM)

    assert chosen is not None
    assert chosen.id == 102
    assert active_sprint(scrum()) is None


@pytest.mark.parametrize(
    ("ref", "epic"),
    [
        (EpicRef(name="payments"), Epic(201, "Payments")),
        (EpicRef(name="mobile-payments"), Epic(203, "Mobile payments")),
        (EpicRef(epic_id=202), Epic(202, "Onboarding")),
        (EpicRef(epic_id=0), Epic(0, "no epic")),
    ],
)
def test_epics_by_name_id_or_none(ref: EpicRef, epic: Epic) -> None:
    assert resolve_epic(TEAM, ref) == epic


def test_an_unknown_epic_name_suggests_close_ones() -> None:
    with pytest.raises(NameNotFound) as caught:
        resolve_epic(TEAM, EpicRef(name="Paymnts"))

    assert caught.value.kind == "epic"
    assert caught.value.suggestions[0] == "Payments"


def test_an_unknown_epic_id_is_not_found() -> None:
    with pytest.raises(NameNotFound) as caught:
        resolve_epic(TEAM, EpicRef(epic_id=999))

    assert (caught.value.kind, caught.value.name) == ("epic", "999")


def test_suggestions_are_at_most_three_distinct_close_names() -> None:
    names = ["Sprint 1", "Sprint 2", "Sprint 2", "Sprint 3", "Sprint 4", "Payments"]

    found = suggestions("sprnt 2", names)

    assert found[0] == "Sprint 2"
    assert len(found) == 3
    assert len(set(found)) == 3
    assert "Payments" not in found


def test_no_suggestions_for_something_unlike_any_name() -> None:
    assert suggestions("zzzz", ["Sprint 1", "Payments"]) == ()
    assert suggestions("---", ["Sprint 1"]) == ()
