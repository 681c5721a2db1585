"""Pickers, `/new` and adopting as words: button labels, prompts, results and alerts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape, unescape

from bot.core import buttons as b
from bot.core.buttons import Choice, Rows, rows_of
from bot.core.creation import Adopted, AdoptOffer, Created, EpicPage, Place
from bot.core.errors import BotError, NameNotFound
from bot.core.i18n import _
from bot.core.render import shorten, task_label
from bot.core.render_errors import render_error

POINTS = ("1", "2", "3", "5", "8", "13", "21", "?")
EPICS_PER_PAGE = 8
MAX_CANDIDATES = 5
MAX_PLANNED = 8
_LABEL = 40
_ALERT = 200
_SHOWN_TASKS = 10
_TAG = re.compile(r"<[^>]*>")


def task_ids(tasks: Sequence[int]) -> str:
    """The tasks as an action's argument: `42` or `42,43`."""
    return ",".join(str(task) for task in tasks)


def tasks_text(tasks: Sequence[int]) -> str:
    """`#42` or `#42, #43, …` for prompts."""
    shown = ", ".join(f"#{task}" for task in tasks[:_SHOWN_TASKS])
    return shown + ", …" if len(tasks) > _SHOWN_TASKS else shown


def _one_line(name: str) -> str:
    return " ".join(name.split())


def _cancel() -> Choice:
    return Choice(_("Cancel"), "cancel")


def points_rows(tasks: Sequence[int]) -> Rows:
    """1 2 3 5 8 / 13 21 ? / Cancel."""
    ids = task_ids(tasks)
    return (*rows_of([Choice(p, f"sp {ids} {p}") for p in POINTS], 4), (_cancel(),))


def target_rows(tasks: Sequence[int], places: Sequence[Place]) -> Rows:
    """The backlog, the active sprint and the planned ones, two to a row, then Cancel."""
    ids = task_ids(tasks)
    choices = [Choice(_("Backlog") if p.is_backlog else shorten(_one_line(p.name), _LABEL),
                      f"move {ids} {p.entity_id}") for p in places]
    return (*rows_of(choices, 2), (_cancel(),))


def epic_rows(tasks: Sequence[int], page: EpicPage) -> Rows:
    """Up to eight epics two to a row, ◀ ▶ to page, No epic and Cancel."""
    ids = task_ids(tasks)
    choices = [Choice(shorten(_one_line(e.name), _LABEL), f"epic {ids} {e.id}")
               for e in page.epics]
    paging = []
    if page.page > 0:
        paging.append(Choice("◀", f"epicpage {ids} {page.page - 1}"))
    if page.page + 1 < page.pages:
        paging.append(Choice("▶", f"epicpage {ids} {page.page + 1}"))
    last = (Choice(_("No epic"), f"epic {ids} none"), _cancel())
    return (*rows_of(choices, 2), *((tuple(paging),) if paging else ()), last)


def candidate_rows(
    command: str, tasks: Sequence[int], choices: Sequence[tuple[int, str]]
) -> Rows:
    """Up to five sprints or epics, one to a row, by id (a name is never re-read), then Cancel."""
    ids = task_ids(tasks)
    unique = list(dict.fromkeys((i, _one_line(n)) for i, n in choices))[:MAX_CANDIDATES]
    return (*((Choice(shorten(n, _LABEL), f"{command} {ids} {i}"),) for i, n in unique),
            (_cancel(),))


def adopt_rows(offer: AdoptOffer, target_text: str) -> Rows:
    """[Move into <Scrum>] [Cancel]."""
    label = _("Move into {scrum}").format(scrum=shorten(_one_line(offer.scrum), _LABEL))
    action = f"adopt {offer.task.id} {_one_line(target_text)}".strip()
    return ((Choice(label, action), _cancel()),)


def points_prompt(tasks: Sequence[int]) -> str:
    return _("Story points for {tasks}?").format(tasks=tasks_text(tasks))


def targets_prompt(tasks: Sequence[int]) -> str:
    return _("Where should {tasks} go?").format(tasks=tasks_text(tasks))


def epics_prompt(tasks: Sequence[int], page: EpicPage) -> str:
    if not page.epics:
        return _("This Scrum has no epics yet. Detach the epic of {tasks}?").format(
            tasks=tasks_text(tasks))
    if page.pages > 1:
        return _("Epic for {tasks}? (page {page} of {pages})").format(
            tasks=tasks_text(tasks), page=page.page + 1, pages=page.pages)
    return _("Epic for {tasks}?").format(tasks=tasks_text(tasks))


def candidates_prompt(kind: str, tasks: Sequence[int], typed: str | None,
                      names: Sequence[str]) -> str:
    """`No sprint called “sprnt 3”. Did you mean: Sprint 3? …` (the buttons offer them)."""
    if typed:
        return render_error(NameNotFound(kind, typed, tuple(names)))
    if kind == "epic":
        return _("Which epic did you mean for {tasks}?").format(tasks=tasks_text(tasks))
    return _("Which sprint did you mean for {tasks}?").format(tasks=tasks_text(tasks))


def adopt_prompt(offer: AdoptOffer) -> str:
    """`Task #42 Title is in project «Website», not in this Scrum «Mobile app». Move it…?`"""
    scrum = escape(shorten(offer.scrum, 80))
    label = task_label(offer.task.id, offer.task.title)
    if offer.project is None:
        return _("Task {task} is in another project, not in this Scrum «{scrum}». Move it into "
                 "this Scrum?").format(task=label, scrum=scrum)
    return _("Task {task} is in project «{project}», not in this Scrum «{scrum}». Move it into "
             "this Scrum?").format(task=label, project=escape(shorten(offer.project, 80)),
                                   scrum=scrum)


def chose(prompt_html: str, member: str, label: str) -> str:
    """The picker after a press: its question and who chose what."""
    line = _("{member} chose {choice}").format(member=escape(member), choice=escape(label))
    return f"{prompt_html}\n{line}" if prompt_html else line


def cancelled(prompt_html: str, member: str) -> str:
    line = _("Cancelled by {member}").format(member=escape(member))
    return f"{prompt_html}\n{line}" if prompt_html else line


def plain(html: str, limit: int = _ALERT) -> str:
    """HTML as the plain text of an alert, within Telegram's 200 characters."""
    text = unescape(_TAG.sub("", html))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def alert(error: BotError) -> str:
    """What the presser of a button is told when the press does nothing."""
    match error:
        case b.ButtonExpired():
            text = _("This button has expired or was already used. Type the command again.")
        case b.ButtonElsewhere():
            text = _("This button belongs to another chat.")
        case b.NotYourButton():
            text = _("This button is meant for someone else.")
        case _other:
            text = render_error(error)
    return plain(text)


def created(outcome: Created) -> str:
    """`#123 Title: created in Sprint 3, 5 story points` (the id first, so replies to it work)."""
    label = task_label(outcome.task.id, outcome.task.title)
    place = escape(shorten(outcome.place, 80))
    if outcome.failed is not None:
        return _("{task}: created, but it could not be put in {place}: {error}").format(
            task=label, place=place, error=render_error(outcome.failed, outcome.task.id))
    if outcome.points:
        return _("{task}: created in {place}, {points} story points").format(
            task=label, place=place, points=escape(outcome.points))
    return _("{task}: created in {place}").format(task=label, place=place)


def adopted(outcome: Adopted) -> str:
    """`#42 Title: moved into this Scrum, Backlog` (or what failed after the project change)."""
    label = task_label(outcome.task_id, outcome.title or "").rstrip()
    place = escape(shorten(outcome.place, 80))
    if outcome.failed is not None:
        return _("{task} joined this Scrum's project, but it could not be put in {place}: "
                 "{error}").format(task=label, place=place,
                                   error=render_error(outcome.failed, outcome.task_id))
    return _("{task}: moved into this Scrum, {place}").format(task=label, place=place)
