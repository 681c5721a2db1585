"""Many tasks in one command, a missing value (buttons), and the task of a replied-to message."""

from __future__ import annotations

import pytest

from bot.core.errors import UsageError
from bot.core.grammar import (
    MAX_TASKS,
    EpicRef,
    MoveTarget,
    MoveTask,
    PickEpic,
    PickPoints,
    PickTarget,
    SetEpic,
    SetPoints,
    SetRank,
    ShowLog,
    ShowTask,
    TargetKind,
    parse_epic,
    parse_log,
    parse_move,
    parse_rank,
    parse_show,
    parse_sp,
)

# -- /sp ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "items"),
    [
        # several tasks, one value
        (["42", "43", "44", "5"], ((42, "5"), (43, "5"), (44, "5"))),
        (["42,43,44", "5"], ((42, "5"), (43, "5"), (44, "5"))),
        (["42,", "43,", "44", "5"], ((42, "5"), (43, "5"), (44, "5"))),
        (["#42,#43", "#44", "?"], ((42, "?"), (43, "?"), (44, "?"))),
        (["42", "43", "-"], ((42, ""), (43, ""))),
        # pairs
        (["42", "8", "43", "5", "44", "3"], ((42, "8"), (43, "5"), (44, "3"))),
        (["42", "0.5", "43", "?"], ((42, "0.5"), (43, "?"))),
        (["42", "8", "43", "5"], ((42, "8"), (43, "5"))),
        (["1", "3", "2", "5"], ((1, "3"), (2, "5"))),  # 1 3 2 is not a list in order: pairs
        (["42=8", "43:5"], ((42, "8"), (43, "5"))),
        (["42=8,43=0,5", "#44:-"], ((42, "8"), (43, "0.5"), (44, ""))),
        # even count, yet tasks and one value: tasks in order, or a value that is not usual
        (["1", "2", "3", "5"], ((1, "5"), (2, "5"), (3, "5"))),  # tasks in order, one value
        (["2", "3", "4", "5"], ((2, "5"), (3, "5"), (4, "5"))),
        (["42", "8", "43", "7"], ((42, "7"), (8, "7"), (43, "7"))),
        (["42", "#8", "43", "5"], ((42, "5"), (8, "5"), (43, "5"))),
        (["#42", "8", "#43", "5"], ((42, "8"), (43, "5"))),
        # a decimal comma in the value
        (["42", "0,5"], ((42, "0.5"),)),
        (["42,43", "1,5"], ((42, "1.5"), (43, "1.5"))),
        # duplicates dropped, order kept
        (["43", "42", "43", "#42", "13"], ((43, "13"), (42, "13"))),
        (["42", "8", "42", "8"], ((42, "8"),)),
    ],
)
def test_sp_forms(args: list[str], items: tuple[tuple[int, str], ...]) -> None:
    assert parse_sp(args) == SetPoints(items)


@pytest.mark.parametrize(
    ("args", "tasks"),
    [(["42"], (42,)), (["#42"], (42,)), (["42,43"], (42, 43)), (["42", "#43"], (42, 43)),
     (["42,43", "44,42"], (42, 43, 44))],
)
def test_sp_without_a_value_offers_buttons(args: list[str], tasks: tuple[int, ...]) -> None:
    assert parse_sp(args) == PickPoints(tasks)


@pytest.mark.parametrize(
    ("args", "detail"),
    [
        (["42", "lots"], "“lots” is not story points (use a number like 3 or 0.5, ? or -)"),
        (["42", "43", "many"], "“many” is not story points (use a number like 3 or 0.5, ? or -)"),
        (["x", "8"], "“x” is not a task number (like 42 or #42)"),
        (["42", "x", "8"], "“x” is not a task number (like 42 or #42)"),
        (["42,x", "8"], "“x” is not a task number (like 42 or #42)"),
        (["0", "3"], "“0” is not a task number (like 42 or #42)"),
        (["42=8", "43"], "“43” is not a task=points pair (like 42=8)"),
        (["42=lots"], "“lots” is not story points (use a number like 3 or 0.5, ? or -)"),
        (["x=8"], "“x=8” is not a task=points pair (like 42=8)"),
        (["42", "8", "42", "5"], "#42 is given two different values"),
        (["42=8", "42=5"], "#42 is given two different values"),
    ],
)
def test_sp_bad_input_names_the_problem(args: list[str], detail: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_sp(args)

    assert (caught.value.command, caught.value.detail) == ("sp", detail)


def test_sp_takes_up_to_500_tasks() -> None:
    tasks = [str(n) for n in range(1, MAX_TASKS + 1)]

    cmd = parse_sp([*tasks, "5"])

    assert isinstance(cmd, SetPoints) and len(cmd.items) == MAX_TASKS
    with pytest.raises(UsageError) as caught:
        parse_sp([*tasks, "501", "5"])
    assert caught.value.detail == "501 tasks in one message; the limit is 500"
    with pytest.raises(UsageError):
        parse_sp([f"{n}={n % 8}" for n in range(1, MAX_TASKS + 2)])


def test_sp_of_200_tasks_in_one_word_list() -> None:
    cmd = parse_sp([",".join(str(n) for n in range(1, 201)), "5"])

    assert isinstance(cmd, SetPoints)
    assert cmd.tasks == tuple(range(1, 201))


# -- /move and /epic ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["42", "43", "44", "sprint-3"],
         MoveTask((42, 43, 44), MoveTarget(TargetKind.NAME, "sprint-3"))),
        (["42,43", "#44", "Sprint", "3"],
         MoveTask((42, 43, 44), MoveTarget(TargetKind.NAME, "Sprint 3"))),
        (["42", "43", "backlog"], MoveTask((42, 43), MoveTarget(TargetKind.BACKLOG))),
        (["42", "43", "104"], MoveTask((42, 43), MoveTarget(TargetKind.ENTITY, "104"))),
        (["42", "104"], MoveTask((42,), MoveTarget(TargetKind.ENTITY, "104"))),
        (["42", "42", "next"], MoveTask((42,), MoveTarget(TargetKind.NEXT))),
        (["42"], PickTarget((42,))),
        (["42,43"], PickTarget((42, 43))),
        (["42", "#43"], PickTarget((42, 43))),
    ],
)
def test_move_forms(args: list[str], expected: object) -> None:
    assert parse_move(args) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["42", "43", "Payments"], SetEpic((42, 43), EpicRef(name="Payments"))),
        (["42,43", "Mobile", "payments"], SetEpic((42, 43), EpicRef(name="Mobile payments"))),
        (["42", "43", "none"], SetEpic((42, 43), EpicRef(epic_id=0))),
        (["42", "43", "202"], SetEpic((42, 43), EpicRef(epic_id=202))),
        (["42"], PickEpic((42,))),
        (["42", "43,44"], PickEpic((42, 43, 44))),
    ],
)
def test_epic_forms(args: list[str], expected: object) -> None:
    assert parse_epic(args) == expected


@pytest.mark.parametrize(
    ("args", "detail"),
    [
        (["x", "y"], "“x” is not a task number (like 42 or #42)"),
        (["sprint-3", "42"], "“sprint-3” is not a task number (like 42 or #42)"),
        (["0", "backlog"], "“0” is not a task number (like 42 or #42)"),
        (["42,x", "backlog"], "“42,x” is not a task number (like 42 or #42)"),
    ],
)
def test_move_bad_tasks_name_the_word(args: list[str], detail: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_move(args)

    assert (caught.value.command, caught.value.detail) == ("move", detail)


def test_move_limit() -> None:
    with pytest.raises(UsageError) as caught:
        parse_epic([*(str(n) for n in range(1, 502)), "Payments"])

    assert (caught.value.command, caught.value.detail) == (
        "epic", "501 tasks in one message; the limit is 500")


# -- a reply to the bot's task message ------------------------------------------------------


@pytest.mark.parametrize(
    ("parse", "args", "expected"),
    [
        (parse_sp, ["5"], SetPoints(((42, "5"),))),
        (parse_sp, ["-"], SetPoints(((42, ""),))),
        (parse_sp, [], PickPoints((42,))),
        (parse_sp, ["43", "8"], SetPoints(((43, "8"),))),  # typed tasks win
        (parse_move, ["sprint", "3"], MoveTask((42,), MoveTarget(TargetKind.NAME, "sprint 3"))),
        (parse_move, ["104"], MoveTask((42,), MoveTarget(TargetKind.ENTITY, "104"))),
        (parse_move, [], PickTarget((42,))),
        (parse_move, ["43", "next"], MoveTask((43,), MoveTarget(TargetKind.NEXT))),
        (parse_epic, ["Payments"], SetEpic((42,), EpicRef(name="Payments"))),
        (parse_epic, [], PickEpic((42,))),
        (parse_rank, ["100"], SetRank(42, 100)),
        (parse_rank, ["43", "100"], SetRank(43, 100)),
        (parse_show, [], ShowTask(42)),
        (parse_show, ["43"], ShowTask(43)),
        (parse_log, [], ShowLog(42)),
        (parse_log, ["#43"], ShowLog(43)),
    ],
)
def test_a_reply_implies_the_task(parse: object, args: list[str], expected: object) -> None:
    assert parse(args, (42,)) == expected  # type: ignore[operator]


def test_a_reply_value_is_still_checked() -> None:
    with pytest.raises(UsageError) as caught:
        parse_sp(["lots"], (42,))

    assert caught.value.detail == "“lots” is not story points (use a number like 3 or 0.5, ? or -)"


@pytest.mark.parametrize("parse", [parse_show, parse_log])
def test_show_and_log_need_a_task_without_a_reply(parse: object) -> None:
    with pytest.raises(UsageError):
        parse([], ())  # type: ignore[operator]
