"""`/new <title> [<n>sp] [> <sprint>]` parsing."""

from __future__ import annotations

import pytest

from bot.core.errors import UsageError
from bot.core.grammar import MoveTarget, TargetKind
from bot.core.grammar_new import MAX_TITLE, NewTask, parse_new


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fix the login page", NewTask("Fix the login page")),
        ("Fix it 5sp", NewTask("Fix it", None, "5")),
        ("Fix it 0,5SP", NewTask("Fix it", None, "0.5")),
        ("Fix it ?sp", NewTask("Fix it", None, "?")),
        ("Fix it > sprint-3", NewTask("Fix it", MoveTarget(TargetKind.NAME, "sprint-3"))),
        ("Fix it >Sprint 3", NewTask("Fix it", MoveTarget(TargetKind.NAME, "Sprint 3"))),
        ("Fix it 3sp > next", NewTask("Fix it", MoveTarget(TargetKind.NEXT), "3")),
        ("Fix it > 104", NewTask("Fix it", MoveTarget(TargetKind.ENTITY, "104"))),
        ("Fix it > sprint 3 8sp", NewTask("Fix it", MoveTarget(TargetKind.NAME, "sprint 3"), "8")),
        ("Fix it > 5sp", NewTask("Fix it", MoveTarget(TargetKind.NAME, "5sp"))),
        ("a -> b arrow", NewTask("a -> b arrow")),  # only a word starting with > is a target
        ("spec 5 sp", NewTask("spec 5 sp")),
    ],
)
def test_title_points_and_target(text: str, expected: NewTask) -> None:
    assert parse_new(text.split()) == expected


@pytest.mark.parametrize("text", ["", "5sp", "> sprint-3", "3sp > backlog"])
def test_a_title_is_required(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_new(text.split())
    assert caught.value.command == "new" and caught.value.detail is None


def test_nothing_after_the_arrow_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        parse_new(["Fix", "it", ">"])
    assert caught.value.detail is not None and "“>”" in caught.value.detail


def test_titles_longer_than_250_characters_are_refused() -> None:
    assert parse_new(["x" * MAX_TITLE]).title == "x" * MAX_TITLE
    with pytest.raises(UsageError) as caught:
        parse_new(["x" * (MAX_TITLE + 1)])
    assert caught.value.detail is not None and "251" in caught.value.detail
