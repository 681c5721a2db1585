"""Replies in Russian and English: the shipped catalogs, plural forms, choosing the language."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.core import errors as e
from bot.core.grammar import TargetKind, parse_epic, parse_move
from bot.core.i18n import (
    RESET,
    _,
    current_language,
    language_choice,
    ngettext,
    pick_language,
    set_language,
    use_language,
)
from bot.core.model import Sprint, SprintStatus, TaskInfo
from bot.core.outcomes import Bound, FieldChanged, Refreshed, SprintOverview, TaskCard
from bot.core.render import bound, field_changed, refreshed, sprint_overview, task_card
from bot.core.render_errors import render_error
from bot.core.usage import COMMANDS, HELP_TEXT, description, help_text, usage_line
from bot.locales import load_catalogs


@pytest.fixture(autouse=True)
def catalogs() -> None:
    assert load_catalogs() == ("ru",)


def test_a_change_reads_in_english_and_in_russian() -> None:
    outcome = FieldChanged(42, "Fix login crash", "story points", "5", "8")

    english = field_changed(outcome)
    with use_language("ru"):
        russian = field_changed(outcome)

    assert english == "<b>#42</b> Fix login crash: story points 5 → 8"
    assert russian == "<b>#42</b> Fix login crash: стори поинты 5 → 8"


def test_the_backlog_and_no_epic_are_translated_but_sprint_names_are_not() -> None:
    with use_language("ru"):
        moved = field_changed(FieldChanged(42, "Fix", "moved", "Backlog", "Sprint 3"))
        detached = field_changed(FieldChanged(42, "Fix", "epic", "Payments", "no epic"))

    assert moved == "<b>#42</b> Fix: перенесена Бэклог → Sprint 3"
    assert detached == "<b>#42</b> Fix: эпик Payments → без эпика"


@pytest.mark.parametrize(
    ("count", "sprints", "epics"),
    [(1, "1 спринт", "1 эпик"), (2, "2 спринта", "2 эпика"), (5, "5 спринтов", "5 эпиков"),
     (21, "21 спринт", "21 эпик"), (11, "11 спринтов", "11 эпиков")],
)
def test_russian_plural_forms(count: int, sprints: str, epics: str) -> None:
    with use_language("ru"):
        text = refreshed(Refreshed(count, count))

    assert text == f"Загружено из Битрикс24 заново: {sprints}, {epics}."


@pytest.mark.parametrize(
    ("count", "words"),
    [(1, "1 sprint, 1 epic"), (2, "2 sprints, 2 epics"), (5, "5 sprints, 5 epics"),
     (21, "21 sprints, 21 epics")],
)
def test_english_plural_forms(count: int, words: str) -> None:
    assert refreshed(Refreshed(count, count)) == f"Reloaded from Bitrix24: {words}."


def test_bound_names_the_scrum_in_russian() -> None:
    with use_language("ru"):
        text = bound(Bound("Mobile <team>", 7, 3, 1))

    assert text.startswith("Теперь этот чат работает со скрамом <b>Mobile &lt;team&gt;</b> "
                           "(группа 7): 3 спринта, 1 эпик.")


def test_the_card_and_the_sprint_dates_in_russian() -> None:
    day = datetime(2025, 5, 3, tzinfo=UTC)
    sprint = Sprint(102, "Sprint 2", SprintStatus.ACTIVE, 2, day, day.replace(day=14))
    card = TaskCard(TaskInfo(42, "Fix", 3, "Anna", 7), None, None, None)

    with use_language("ru"):
        overview = sprint_overview(SprintOverview(sprint, (), None))
        text = task_card(card)

    assert overview.startswith("<b>Активный</b>\n• Sprint 2 (03 мая – 14 мая)\n"
                               "<b>Запланированные</b>\n• нет\n")
    assert text == ("<b>#42</b> Fix\nСтатус: Выполняется\nИсполнитель: Anna\n"
                    "Не входит ни в бэклог, ни в спринты этого скрама")


def test_errors_in_russian_name_the_task() -> None:
    with use_language("ru"):
        found = render_error(e.TaskNotFound("0", "Task not found"), 42)
        linked = render_error(e.NotLinked())

    assert found == "Задачи #42 нет, или она вам не видна в Битрикс24."
    assert linked.startswith("Сначала привяжите аккаунт Битрикс24")


def test_usage_lines_descriptions_and_help_are_translated() -> None:
    with use_language("ru"):
        usage = render_error(e.UsageError("rank"))
        descriptions = [description(spec) for spec in COMMANDS]
        help_ru = help_text()

    assert usage == "Формат: /rank &lt;задача&gt; &lt;целое число&gt;  например /rank 42 100"
    assert usage_line("rank") == "/rank <task> <whole number>  e.g. /rank 42 100"
    assert all(d != spec.description for d, spec in zip(descriptions, COMMANDS, strict=True))
    assert help_ru.startswith("<b>Скрам-бот для Битрикс24</b>")
    assert all(f"/{spec.name}" in help_ru for spec in COMMANDS if f"/{spec.name}" in HELP_TEXT)


@pytest.mark.parametrize(
    ("member", "chat", "telegram", "expected"),
    [
        (None, None, "ru", "ru"),
        (None, None, "ru-RU", "ru"),
        (None, None, "uk", "en"),
        (None, None, None, "en"),
        (None, "ru", "en", "ru"),  # the chat's choice over Telegram's
        ("en", "ru", "ru", "en"),  # the member's own choice over the chat's
        ("de", None, "ru", "ru"),  # an unknown stored code is no choice
    ],
)
def test_pick_language(member: str | None, chat: str | None, telegram: str | None,
                       expected: str) -> None:
    assert pick_language(member, chat, telegram) == expected


@pytest.mark.parametrize(
    ("word", "code"),
    [("ru", "ru"), ("RU", "ru"), ("русский", "ru"), ("en", "en"), ("English", "en"),
     ("auto", RESET), ("reset", RESET), ("сброс", RESET), ("de", None), ("", None)],
)
def test_language_words(word: str, code: str | None) -> None:
    assert language_choice(word) == code


def test_unknown_language_codes_fall_back_to_english() -> None:
    with use_language("de"):
        assert current_language() == "en"
        assert _("Backlog") == "Backlog"
    assert ngettext("{n} sprint", "{n} sprints", 2) == "{n} sprints"


async def test_each_task_keeps_its_own_language() -> None:
    """Concurrent updates run in their own tasks: one's choice never leaks into another."""
    seen: dict[str, str] = {}

    async def update(code: str) -> None:
        set_language(code)
        await asyncio.sleep(0.01)
        seen[code] = _("Backlog")

    await asyncio.wait_for(asyncio.gather(update("ru"), update("en")), timeout=5)

    assert seen == {"ru": "Бэклог", "en": "Backlog"}
    assert current_language() == "en"


@pytest.mark.parametrize(
    ("word", "kind"),
    [("бэклог", TargetKind.BACKLOG), ("Беклог", TargetKind.BACKLOG),
     ("АКТИВНЫЙ", TargetKind.ACTIVE), ("текущий", TargetKind.ACTIVE),
     ("следующий", TargetKind.NEXT)],
)
def test_russian_move_targets(word: str, kind: TargetKind) -> None:
    command = parse_move(["42", word])

    assert command.target.kind == kind


@pytest.mark.parametrize("word", ["нет", "Без"])
def test_russian_words_for_no_epic(word: str) -> None:
    command = parse_epic(["42", word])

    assert command.epic.epic_id == 0  # type: ignore[union-attr]
