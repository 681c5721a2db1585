"""The command grammar: what members type becomes a typed request, or a usage reply."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest

from bot.core.errors import UsageError
from bot.core.grammar import (
    MAX_TASK_ID,
    EpicRef,
    MoveTarget,
    MoveTask,
    SetEpic,
    SetPoints,
    TargetKind,
    expect_no_args,
    parse_epic,
    parse_group_ref,
    parse_move,
    parse_points,
    parse_rank,
    parse_show,
    parse_sp,
    parse_target,
    parse_task,
)


@pytest.mark.parametrize(("word", "task"), [("42", 42), ("#42", 42), ("007", 7),
                                             (str(MAX_TASK_ID), MAX_TASK_ID)])
def test_task_numbers(word: str, task: int) -> None:
    assert parse_task(word, "sp") == task


@pytest.mark.parametrize("word", ["0", "#0", "-1", "42a", "##42", "# 42", "", "4.2",
                                  str(MAX_TASK_ID + 1), "12345678901"])
def test_not_task_numbers_name_the_word_and_the_command(word: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_task(word, "move")

    assert caught.value.command == "move"
    assert caught.value.detail == f"“{word}” is not a task number (like 42 or #42)"


@pytest.mark.parametrize(
    ("word", "stored"),
    [("8", "8"), ("0", "0"), ("08", "8"), ("100", "100"), ("0.5", "0.5"), ("0,5", "0.5"),
     ("2.50", "2.5"), ("3.0", "3"), ("10,00", "10"), ("?", "?"), ("-", "")],
)
def test_story_points_as_bitrix_stores_them(word: str, stored: str) -> None:
    assert parse_points(word) == stored


@pytest.mark.parametrize("word", ["00.5", "05.5", "٣", "٣.٥", "٣٠.٥٠"])
def test_story_points_reach_bitrix_in_one_spelling(word: str) -> None:
    """`/sp 42 05` stores "5", so `/sp 42 05.5` must store "5.5", never "05.5" or "٣.٥"."""
    try:
        stored = parse_points(word)
    except UsageError:
        return  # refusing an odd spelling is fine too
    assert re.fullmatch(r"(0|[1-9][0-9]*)(\.[0-9]*[1-9])?", stored), stored
    assert Decimal(stored) == Decimal(word)


@pytest.mark.parametrize("word", ["1000", "0.125", "1.", ".5", "-3", "1e3", "eight", "½",
                                  "1/2", "", "??"])
def test_not_story_points(word: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_points(word)

    assert caught.value.command == "sp"
    assert caught.value.detail is not None
    assert f"“{word}”" in caught.value.detail


def test_sp() -> None:
    assert parse_sp(["#42", "13"]) == SetPoints(((42, "13"),))


@pytest.mark.parametrize("args", [[], [","], [" "]])
def test_sp_without_words_answers_with_its_usage(args: list[str]) -> None:
    with pytest.raises(UsageError) as caught:
        parse_sp(args)

    assert (caught.value.command, caught.value.detail) == ("sp", None)


@pytest.mark.parametrize(
    ("words", "target"),
    [
        (["backlog"], MoveTarget(TargetKind.BACKLOG)),
        (["Backlog"], MoveTarget(TargetKind.BACKLOG)),
        (["ACTIVE"], MoveTarget(TargetKind.ACTIVE)),
        (["current"], MoveTarget(TargetKind.ACTIVE)),
        (["next"], MoveTarget(TargetKind.NEXT)),
        (["104"], MoveTarget(TargetKind.ENTITY, "104")),
        (["0104"], MoveTarget(TargetKind.ENTITY, "104")),
        (["sprint-3"], MoveTarget(TargetKind.NAME, "sprint-3")),
        (["Sprint", "3"], MoveTarget(TargetKind.NAME, "Sprint 3")),
        (["next", "week"], MoveTarget(TargetKind.NAME, "next week")),
        (["-5"], MoveTarget(TargetKind.NAME, "-5")),
    ],
)
def test_move_targets(words: list[str], target: MoveTarget) -> None:
    assert parse_target(words) == target


def test_an_entity_target_carries_its_id() -> None:
    assert parse_target(["104"]).entity_id == 104


@pytest.mark.parametrize("word", ["²", "③"])
def test_a_digit_like_sign_is_a_sprint_name_not_a_crash(word: str) -> None:
    """`str.isdigit` says yes to these but `int()` refuses them; the member typed a name."""
    assert parse_move(["42", word]) == MoveTask((42,), MoveTarget(TargetKind.NAME, word))


def test_move() -> None:
    cmd = parse_move(["#42", "sprint", "3"])

    assert cmd == MoveTask((42,), MoveTarget(TargetKind.NAME, "sprint 3"))


@pytest.mark.parametrize(("command", "parse"), [("move", parse_move), ("epic", parse_epic)])
def test_move_and_epic_need_a_task(
    command: str, parse: Callable[[list[str]], object]
) -> None:
    with pytest.raises(UsageError) as caught:
        parse([])

    assert (caught.value.command, caught.value.detail) == (command, None)


def test_move_of_a_word_instead_of_a_task() -> None:
    with pytest.raises(UsageError) as caught:
        parse_move(["sprint-3", "42"])

    assert caught.value.detail == "“sprint-3” is not a task number (like 42 or #42)"


@pytest.mark.parametrize(
    ("words", "ref"),
    [
        (["Payments"], EpicRef(name="Payments")),
        (["Mobile", "payments"], EpicRef(name="Mobile payments")),
        (["202"], EpicRef(epic_id=202)),
        (["none"], EpicRef(epic_id=0)),
        (["NONE"], EpicRef(epic_id=0)),
        (["-"], EpicRef(epic_id=0)),
    ],
)
def test_epic_refs(words: list[str], ref: EpicRef) -> None:
    assert parse_epic(["42", *words]) == SetEpic((42,), ref)


def test_an_epic_named_like_a_superscript_is_a_name_not_a_crash() -> None:
    assert parse_epic(["42", "²"]) == SetEpic((42,), EpicRef(name="²"))


@pytest.mark.parametrize(("word", "sort"), [("100", 100), ("-5", -5), ("0", 0),
                                            ("999999999", 999_999_999)])
def test_rank(word: str, sort: int) -> None:
    cmd = parse_rank(["42", word])

    assert (cmd.task, cmd.sort) == (42, sort)


@pytest.mark.parametrize("word", ["1.5", "top", "1000000000", "+5", "--5"])
def test_rank_needs_a_whole_number(word: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_rank(["42", word])

    assert caught.value.detail == f"“{word}” is not a whole number"


@pytest.mark.parametrize("args", [["42"], ["42", "1", "2"]])
def test_rank_with_the_wrong_number_of_words(args: list[str]) -> None:
    with pytest.raises(UsageError) as caught:
        parse_rank(args)

    assert (caught.value.command, caught.value.detail) == ("rank", None)


def test_show() -> None:
    assert parse_show(["#7"]).task == 7


@pytest.mark.parametrize("args", [[], ["1", "2"]])
def test_show_needs_exactly_one_task(args: list[str]) -> None:
    with pytest.raises(UsageError) as caught:
        parse_show(args)

    assert caught.value.command == "task"


def test_group_ref_keeps_the_name_as_typed() -> None:
    assert parse_group_ref(["Mobile", "team"]) == "Mobile team"


@pytest.mark.parametrize("args", [[], ["  "]])
def test_bind_needs_a_group(args: list[str]) -> None:
    with pytest.raises(UsageError) as caught:
        parse_group_ref(args)

    assert caught.value.command == "bind"


def test_commands_without_arguments() -> None:
    expect_no_args("sprints", [])
    with pytest.raises(UsageError) as caught:
        expect_no_args("sprints", ["now"])

    assert caught.value.detail == "/sprints takes no arguments"
