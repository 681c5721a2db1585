"""Outcomes and errors as the HTML text a member reads (every untrusted string escaped)."""

from __future__ import annotations

import re
from datetime import datetime
from html import escape

from bot.core import errors as e
from bot.core.i18n import N_, _, ngettext
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
_STATUS = {2: N_("Pending"), 3: N_("In progress"), 4: N_("Awaiting control"),
           5: N_("Completed"), 6: N_("Deferred")}
_MONTHS = (N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"), N_("Jul"),
           N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"))
# Values the use cases name in English; shown in the member's language.
_VALUES = {"Backlog": N_("Backlog"), "no epic": N_("no epic")}
_NUMBERED = re.compile(r"(entity|epic) ([0-9]+)")
_CHANGED = {
    "story points": N_("{task}: story points {before} → {after}"),
    "moved": N_("{task}: moved {before} → {after}"),
    "epic": N_("{task}: epic {before} → {after}"),
    "rank": N_("{task}: rank {before} → {after}"),
}
_SAME = {
    "story points": N_("{task}: story points already {after}"),
    "moved": N_("{task}: already in {after}"),
    "epic": N_("{task}: epic already {after}"),
    "rank": N_("{task}: rank already {after}"),
}
_TITLE_LIMIT = 200
_LIST_LIMIT = 60
_PARTIAL_MARKUP = re.compile(r"&[#a-zA-Z0-9]*$|<[^>]*$")  # an entity or tag cut in half


def shorten(text: str, limit: int = _TITLE_LIMIT) -> str:
    """Cut an untrusted string to `limit` characters (before escaping)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def task_label(task_id: int, title: str) -> str:
    return f"<b>#{task_id}</b> {escape(shorten(title))}"


def value_text(value: str) -> str:
    """A place or epic as the member reads it: the backlog and "no epic" translated, escaped."""
    if value in _VALUES:
        return _(_VALUES[value])
    numbered = _NUMBERED.fullmatch(value)
    if numbered is not None:
        kind, number = numbered.groups()
        text = _("entity {id}") if kind == "entity" else _("epic {id}")
        return text.format(id=number)
    return escape(shorten(value))


def field_changed(outcome: FieldChanged) -> str:
    """`#42 Fix login crash: story points 5 → 8`."""
    label = task_label(outcome.task_id, outcome.title)
    before, after = value_text(outcome.before), value_text(outcome.after)
    if outcome.before == outcome.after:
        same = _SAME.get(outcome.field)
        if same is None:
            return _("{task}: {field} already {after}").format(
                task=label, field=escape(outcome.field), after=after)
        return _(same).format(task=label, after=after)
    changed = _CHANGED.get(outcome.field)
    if changed is None:
        return _("{task}: {field} {before} → {after}").format(
            task=label, field=escape(outcome.field), before=before, after=after)
    return _(changed).format(task=label, before=before, after=after)


def _status(code: int) -> str:
    return _(_STATUS[code]) if code in _STATUS else str(code)


def task_card(card: TaskCard) -> str:
    """The `/task` card: title, status, responsible, sprint or backlog, points, epic."""
    info, item = card.info, card.item
    lines = [
        task_label(info.id, info.title),
        _("Status: {status}").format(status=_status(info.status)),
        _("Responsible: {name}").format(name=escape(shorten(info.responsible)) or "—"),
    ]
    if item is None:
        lines.append(_("Not in this Scrum's backlog or sprints"))
    else:
        place = card.place or f"entity {item.entity_id}"
        lines += [
            _("Sprint: {sprint}").format(sprint=value_text(place)),
            _("Story points: {points}").format(points=escape(item.story_points) or "—"),
            _("Epic: {epic}").format(epic=escape(shorten(card.epic)) if card.epic else "—"),
            _("Rank: {rank}").format(rank=item.sort),
        ]
    return "\n".join(lines)


def linked(outcome: Linked) -> str:
    return _("Linked as <b>{name}</b> on {portal}").format(
        name=escape(outcome.name), portal=escape(portal_host(outcome.portal)))


def unlinked(removed: bool) -> str:
    if removed:
        return _("Your Bitrix24 account is forgotten. /link it again any time.")
    return _("No Bitrix24 account was linked.")


def unbound(group_name: str) -> str:
    return _("This chat no longer works with the Scrum <b>{scrum}</b>.").format(
        scrum=escape(group_name))


def private_only_link() -> str:
    return _("Link your account in a private chat with me: webhook URLs are secrets and must "
             "never be posted in a group.")


def whoami(outcome: Whoami) -> str:
    if outcome.name is None or outcome.portal is None:
        return _("You have not linked a Bitrix24 account yet. Send /link to me in private.")
    text = _("You are <b>{name}</b> (Bitrix24 user {user_id}) on {portal}.").format(
        name=escape(outcome.name), user_id=outcome.bitrix_user_id,
        portal=escape(portal_host(outcome.portal)))
    if outcome.chat_scrum:
        text += "\n" + _("This chat is bound to the Scrum <b>{scrum}</b>.").format(
            scrum=escape(outcome.chat_scrum))
    return text


def counts(sprints: int, epics: int) -> dict[str, str]:
    """`{sprints}` and `{epics}` as "4 sprints", "1 epic" in the current language."""
    return {"sprints": ngettext("{n} sprint", "{n} sprints", sprints).format(n=sprints),
            "epics": ngettext("{n} epic", "{n} epics", epics).format(n=epics)}


def bound(outcome: Bound) -> str:
    return _("This chat now works with the Scrum <b>{scrum}</b> (group {group_id}): "
             "{sprints}, {epics}.\nTry /sprints, /task 42 or /help.").format(
        scrum=escape(outcome.group_name), group_id=outcome.group_id,
        **counts(outcome.sprints, outcome.epics))


def _day(moment: datetime) -> str:
    return f"{moment.day:02d} {_(_MONTHS[moment.month - 1])}"


def _sprint_line(sprint: Sprint) -> str:
    dates = ""
    if sprint.date_start and sprint.date_end:
        dates = f" ({_day(sprint.date_start)} – {_day(sprint.date_end)})"
    return f"• {escape(shorten(sprint.name))}{dates}"


def _more(hidden: int) -> str:
    return ngettext("… and {n} more", "… and {n} more", hidden).format(n=hidden)


def sprint_overview(outcome: SprintOverview) -> str:
    """Active, planned and last completed sprints, with the names `/move` accepts."""
    none = "• " + _("none")
    lines = ["<b>" + _("Active") + "</b>"]
    lines.append(_sprint_line(outcome.active) if outcome.active else none)
    lines.append("<b>" + _("Planned") + "</b>")
    planned = outcome.planned[:_LIST_LIMIT]
    lines += [_sprint_line(s) for s in planned] or [none]
    if len(outcome.planned) > len(planned):
        lines.append(_more(len(outcome.planned) - len(planned)))
    if outcome.last_completed:
        lines += ["<b>" + _("Last completed") + "</b>", _sprint_line(outcome.last_completed)]
    lines.append("\n" + _("Move with /move 42 backlog, /move 42 active, /move 42 next or "
                          "by name."))
    return "\n".join(lines)


def epic_list(outcome: EpicList) -> str:
    if not outcome.epics:
        return _("This Scrum has no epics yet.")
    shown = outcome.epics[:_LIST_LIMIT]
    lines = ["<b>" + _("Epics") + "</b>"]
    lines += [_("• {epic} (id {id})").format(epic=escape(shorten(x.name)), id=x.id)
              for x in shown]
    if len(outcome.epics) > len(shown):
        lines.append(_more(len(outcome.epics) - len(shown)))
    lines.append("\n" + _("Set one with /epic 42 &lt;name&gt;, or /epic 42 none."))
    return "\n".join(lines)


def refreshed(outcome: Refreshed) -> str:
    return _("Reloaded from Bitrix24: {sprints}, {epics}.").format(
        **counts(outcome.sprints, outcome.epics))


def usage(error: e.UsageError) -> str:
    line = _("Usage: {usage}").format(usage=escape(usage_line(error.command)))
    return f"{escape(error.detail)}.\n{line}" if error.detail else line


def fit(text: str) -> str:
    """Keep a reply within Telegram's 4096 characters (cutting at a line break)."""
    if len(text) <= MAX_MESSAGE:
        return text
    cut = text.rfind("\n", 0, MAX_MESSAGE - 2)
    head = text[: cut if cut > 0 else MAX_MESSAGE - 2]
    return _PARTIAL_MARKUP.sub("", head) + "\n…"
