"""Which task a command replying to a bot message is about, and when to ask instead."""

from __future__ import annotations

import pytest

from bot.core.task_words import leans_on_reply, line_tasks


@pytest.mark.parametrize(("text", "tasks"), [
    ("#42 Fix login crash: story points 5 → 8", (42,)),
    ("#42 Fix login crash\nSprint 2 · 5 points\nsee #43", (42,)),  # #43 does not start a line
    ("#42 Fix login crash: story points 5 → 8\n\n#43 Checkout: story points 3 → 8", (42, 43)),
    ("#42 Fix: story points 5 → 8\n#42 Fix: moved Backlog → Sprint 2", (42,)),
    ("Undone:\n#42 Fix login crash: story points 8 → 5", (42,)),
    ("2 tasks: 2 changed, 0 failed\n#42 A: story points 5 → 8\n#43 B: story points 3 → 8",
     (42, 43)),
    ("Sprints of Mobile team:\nSprint 2 (active)", ()),
    ("#42abc is not a task line", ()),
])
def test_the_tasks_a_bot_message_is_about(text: str, tasks: tuple[int, ...]) -> None:
    assert line_tasks(text) == tasks


@pytest.mark.parametrize(("command", "args", "leans"), [
    ("sp", ["5"], True),
    ("sp", [], True),
    ("sp", ["42", "5"], False),
    ("sp", ["42,43", "5"], False),
    ("move", ["sprint", "3"], True),
    ("move", ["104"], True),
    ("move", ["42", "next"], False),
    ("epic", ["Payments"], True),
    ("rank", ["100"], True),
    ("rank", ["42", "100"], False),
    ("task", [], True),
    ("task", ["42"], False),
    ("log", [], True),
    ("log", ["42"], False),
])
def test_words_that_need_the_replied_task(command: str, args: list[str], leans: bool) -> None:
    assert leans_on_reply(command, args) is leans
