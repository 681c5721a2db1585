"""Bulk write reports, undo results and `/log` as the HTML text a member reads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from html import escape

from bot.core import errors as e
from bot.core.i18n import N_, _, ngettext
from bot.core.model import Change
from bot.core.outcomes import (
    FieldChanged,
    TaskFailed,
    TaskLog,
    UndoConflict,
    UndoOutcome,
    UndoStatus,
    WriteReport,
)
from bot.core.render import MAX_MESSAGE, field_changed, shorten, task_label, value_text

_REASONS: tuple[tuple[type[e.TrackerError], str], ...] = (
    (e.TaskNotFound, N_("not found or not visible to you")),
    (e.AccessDenied, N_("Bitrix24 denied you access")),
    (e.NotInScrum, N_("not in this Scrum's backlog or sprints")),
    (e.EpicNotFound, N_("that epic no longer exists")),
    (e.EntityNotFound, N_("that sprint no longer exists")),
    (e.ItemNotCreated, N_("Bitrix24 could not add it to the Scrum")),
)
_CONFLICT = {
    "story points": N_("{task}: not undone, its story points were changed since to {current}"),
    "moved": N_("{task}: not undone, it was moved since to {current}"),
    "epic": N_("{task}: not undone, its epic was changed since to {current}"),
    "rank": N_("{task}: not undone, its rank was changed since to {current}"),
}
_LOG_FIELD = {"story points": N_("story points"), "moved": N_("sprint"), "epic": N_("epic"),
              "rank": N_("rank")}
_ROOM = 60  # characters kept free for the "… and N more" line


def failure_reason(error: e.TrackerError) -> str:
    """Why one task of a bulk write failed, in a few words."""
    for kind, reason in _REASONS:
        if isinstance(error, kind):
            return _(reason)
    return _("Bitrix24 refused: {detail}").format(detail=escape(shorten(error.description, 100)))


def task_failed(failure: TaskFailed) -> str:
    """`#99: not found or not visible to you`."""
    label = task_label(failure.task_id, failure.title) if failure.title else (
        f"<b>#{failure.task_id}</b>")
    return _("{task}: {reason}").format(task=label, reason=failure_reason(failure.error))


def _line(result: FieldChanged | TaskFailed | UndoConflict) -> str:
    if isinstance(result, FieldChanged):
        return field_changed(result)
    if isinstance(result, TaskFailed):
        return task_failed(result)
    template = _CONFLICT.get(result.field, _CONFLICT["story points"])
    return _(template).format(task=task_label(result.task_id, result.title),
                              current=value_text(result.current))


def fit_lines(header: str, lines: Sequence[str]) -> str:
    """The header and as many lines as fit one message; "… and N more" for the rest."""
    text, shown = header, 0
    for line in lines:
        if len(text) + 1 + len(line) > MAX_MESSAGE - _ROOM:
            break
        text, shown = f"{text}\n{line}", shown + 1
    if shown < len(lines):
        text += "\n" + _("… and {count} more").format(count=len(lines) - shown)
    return text


def write_report(report: WriteReport) -> str:
    """One task: the usual one-line reply; several: a count line, then a line per task."""
    if len(report.results) == 1:
        return _line(report.results[0])
    count = len(report.results)
    header = ngettext("{count} task: {changed} changed, {failed} failed",
                      "{count} tasks: {changed} changed, {failed} failed", count).format(
        count=count, changed=report.changed, failed=report.failed)
    return fit_lines(header, [_line(result) for result in report.results])


def undo_notice(outcome: UndoOutcome) -> str | None:
    """Plain text (no HTML, for an alert) when there was nothing to undo; None when undone."""
    match outcome.status:
        case UndoStatus.NOT_YOURS:
            return _("Only {name} can undo this.").format(name=outcome.owner or _("its author"))
        case UndoStatus.EXPIRED:
            return _("This Undo button has expired (it works for 10 minutes). Send /undo to "
                     "undo your last change.")
        case UndoStatus.ALREADY:
            return _("That change is already undone.")
        case UndoStatus.NOTHING:
            return _("You have no change in this chat to undo.")
    return None


def undo_result(outcome: UndoOutcome) -> str:
    """What the undo restored, and what it left alone because it changed since."""
    notice = undo_notice(outcome)
    if notice is not None:
        return escape(notice)
    restored = sum(isinstance(result, FieldChanged) for result in outcome.results)
    kept = len(outcome.results) - restored
    if kept == 0:
        header = _("Undone:")
    else:
        header = _("Undo: {restored} restored, {kept} left as they are:").format(
            restored=restored, kept=kept)
    return fit_lines(header, [_line(result) for result in outcome.results])


def _log_line(change: Change) -> str:
    """`2026-11-28 16:05 UTC Alice Smith: story points 5 → 8`."""
    values = {
        "time": change.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "member": escape(shorten(change.member_name, 60)) or f"user {change.telegram_user_id}",
        "field": _(_LOG_FIELD.get(change.field, change.field)),
        "before": value_text(change.old_value or "—"),
        "after": value_text(change.new_value or "—"),
        "code": escape(shorten(change.error_code or "?", 40)),
    }
    if change.outcome != "ok":
        return _("{time} {member}: {field} → {after} failed ({code})").format(**values)
    if change.undo_of:
        return _("{time} {member} undid: {field} {before} → {after}").format(**values)
    return _("{time} {member}: {field} {before} → {after}").format(**values)


def task_log(log: TaskLog) -> str:
    """`/log 42`: the bot's changes to the task, newest first."""
    if not log.changes:
        return _("The bot has not changed #{task} yet.").format(task=log.task_id)
    header = _("<b>#{task}</b>: changes made through the bot, newest first").format(
        task=log.task_id)
    return fit_lines(header, [_log_line(change) for change in log.changes])
