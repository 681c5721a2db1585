"""Outcomes and errors as the HTML text a member reads (every untrusted string escaped)."""

from __future__ import annotations

import re
from html import escape

from bot.core import errors as e
from bot.core.model import Sprint
from bot.core.outcomes import (
    Bound,
    EpicList,
    FieldChanged,
    Linked,
    Refreshed,
    SprintOverview,
    TaskCard,
    Whoami,
)
from bot.core.usage import usage_line
from bot.core.webhook import portal_host

MAX_MESSAGE = 4096
_STATUS = {2: "Pending", 3: "In progress", 4: "Awaiting control", 5: "Completed", 6: "Deferred"}
_TITLE_LIMIT = 200
_LIST_LIMIT = 60
_PARTIAL_MARKUP = re.compile(r"&[#a-zA-Z0-9]*$|<[^>]*$")  # an entity or tag cut in half


def shorten(text: str, limit: int = _TITLE_LIMIT) -> str:
    """Cut an untrusted string to `limit` characters (before escaping)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def task_label(task_id: int, title: str) -> str:
    return f"<b>#{task_id}</b> {escape(shorten(title))}"


def field_changed(outcome: FieldChanged) -> str:
    """`#42 Fix login crash: story points 5 → 8`."""
    label = task_label(outcome.task_id, outcome.title)
    before, after = escape(shorten(outcome.before)), escape(shorten(outcome.after))
    if outcome.before == outcome.after:
        if outcome.field == "moved":
            return f"{label}: already in {after}"
        return f"{label}: {outcome.field} already {after}"
    return f"{label}: {outcome.field} {before} → {after}"


def task_card(card: TaskCard) -> str:
    """The `/task` card: title, status, responsible, sprint or backlog, points, epic."""
    info, item = card.info, card.item
    lines = [
        task_label(info.id, info.title),
        f"Status: {_STATUS.get(info.status, str(info.status))}",
        f"Responsible: {escape(shorten(info.responsible)) or '—'}",
    ]
    if item is None:
        lines.append("Not in this Scrum's backlog or sprints")
    else:
        lines += [
            f"Sprint: {escape(shorten(card.place or f'entity {item.entity_id}'))}",
            f"Story points: {escape(item.story_points) or '—'}",
            f"Epic: {escape(shorten(card.epic)) if card.epic else '—'}",
            f"Rank: {item.sort}",
        ]
    return "\n".join(lines)


def linked(outcome: Linked) -> str:
    return f"Linked as <b>{escape(outcome.name)}</b> on {escape(portal_host(outcome.portal))}"


def unlinked(removed: bool) -> str:
    if removed:
        return "Your Bitrix24 account is forgotten. /link it again any time."
    return "No Bitrix24 account was linked."


def unbound(group_name: str) -> str:
    return f"This chat no longer works with the Scrum <b>{escape(group_name)}</b>."


def private_only_link() -> str:
    return ("Link your account in a private chat with me: webhook URLs are secrets and must "
            "never be posted in a group.")


def whoami(outcome: Whoami) -> str:
    if outcome.name is None or outcome.portal is None:
        return "You have not linked a Bitrix24 account yet. Send /link to me in private."
    text = (
        f"You are <b>{escape(outcome.name)}</b> (Bitrix24 user {outcome.bitrix_user_id}) "
        f"on {escape(portal_host(outcome.portal))}."
    )
    if outcome.chat_scrum:
        text += f"\nThis chat is bound to the Scrum <b>{escape(outcome.chat_scrum)}</b>."
    return text


def bound(outcome: Bound) -> str:
    return (
        f"This chat now works with the Scrum <b>{escape(outcome.group_name)}</b> "
        f"(group {outcome.group_id}): {outcome.sprints} sprints, {outcome.epics} epics.\n"
        "Try /sprints, /task 42 or /help."
    )


def _sprint_line(sprint: Sprint) -> str:
    dates = ""
    if sprint.date_start and sprint.date_end:
        dates = f" ({sprint.date_start:%d %b} – {sprint.date_end:%d %b})"
    return f"• {escape(shorten(sprint.name))}{dates}"


def sprint_overview(outcome: SprintOverview) -> str:
    """Active, planned and last completed sprints, with the names `/move` accepts."""
    lines = ["<b>Active</b>"]
    lines.append(_sprint_line(outcome.active) if outcome.active else "• none")
    lines.append("<b>Planned</b>")
    planned = outcome.planned[:_LIST_LIMIT]
    lines += [_sprint_line(s) for s in planned] or ["• none"]
    if len(outcome.planned) > len(planned):
        lines.append(f"… and {len(outcome.planned) - len(planned)} more")
    if outcome.last_completed:
        lines += ["<b>Last completed</b>", _sprint_line(outcome.last_completed)]
    lines.append("\nMove with /move 42 backlog, /move 42 active, /move 42 next or by name.")
    return "\n".join(lines)


def epic_list(outcome: EpicList) -> str:
    if not outcome.epics:
        return "This Scrum has no epics yet."
    shown = outcome.epics[:_LIST_LIMIT]
    lines = ["<b>Epics</b>"] + [f"• {escape(shorten(x.name))} (id {x.id})" for x in shown]
    if len(outcome.epics) > len(shown):
        lines.append(f"… and {len(outcome.epics) - len(shown)} more")
    lines.append("\nSet one with /epic 42 &lt;name&gt;, or /epic 42 none.")
    return "\n".join(lines)


def refreshed(outcome: Refreshed) -> str:
    return f"Reloaded from Bitrix24: {outcome.sprints} sprints, {outcome.epics} epics."


def usage(error: e.UsageError) -> str:
    line = f"Usage: {escape(usage_line(error.command))}"
    return f"{escape(error.detail)}.\n{line}" if error.detail else line


def fit(text: str) -> str:
    """Keep a reply within Telegram's 4096 characters (cutting at a line break)."""
    if len(text) <= MAX_MESSAGE:
        return text
    cut = text.rfind("\n", 0, MAX_MESSAGE - 2)
    head = text[: cut if cut > 0 else MAX_MESSAGE - 2]
    return _PARTIAL_MARKUP.sub("", head) + "\n…"
