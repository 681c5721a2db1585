"""Every error as one short message that says what went wrong and what to do."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from bot.core import errors as e
from bot.core.i18n import N_, _
from bot.core.render import shorten, usage

Message = Callable[[e.BotError, int | None], str]


def _simple(text: str) -> Message:
    """A message that names no task; `text` is marked with N_ and translated when shown."""
    return lambda _error, _task_id: _(text)


def _about_task(with_task: str, without_task: str) -> Message:
    """A message naming the task (`{task}`) when there is one, in whole sentences."""
    def message(_error: e.BotError, task_id: int | None) -> str:
        if task_id is None:
            return _(without_task)
        return _(with_task).format(task=f"#{task_id}")
    return message


_MESSAGES: dict[type[e.BotError], Message] = {
    e.NotLinked: _simple(N_("Link your Bitrix24 account first: open a private chat with me and "
                            "send /link.")),
    e.NotBound: _simple(N_("This chat is not bound to a Scrum yet. A chat admin can do it with "
                           "/bind &lt;Scrum id or name&gt;.")),
    e.NotAdmin: _simple(N_("Only a chat administrator can do that.")),
    e.PrivateOnly: _simple(N_("Do that in a private chat with me.")),
    e.StorageError: _simple(N_("The bot's database is not answering. Try again in a minute.")),
    e.TaskNotFound: _about_task(
        N_("{task} does not exist or you cannot see it in Bitrix24."),
        N_("The task does not exist or you cannot see it in Bitrix24.")),
    e.NotInScrum: _about_task(
        N_("{task} is not in this Scrum's backlog or sprints."),
        N_("The task is not in this Scrum's backlog or sprints.")),
    e.EpicNotFound: _simple(N_("That epic no longer exists in Bitrix24. See /epics "
                               "(or /refresh).")),
    e.EntityNotFound: _simple(N_("That sprint no longer exists in Bitrix24. See /sprints "
                                 "(or /refresh).")),
    e.GroupNotFound: _simple(N_("No such Scrum, or you are not a member of it. Check the id or "
                                "name in Bitrix24.")),
    e.AccessDenied: _about_task(
        N_("Bitrix24 denied you access to {task}. Ask the Scrum master to add you to the "
           "project."),
        N_("Bitrix24 denied you access to this Scrum. Ask the Scrum master to add you to the "
           "project.")),
    e.ItemNotCreated: _about_task(N_("Bitrix24 could not add {task} to the Scrum."),
                                  N_("Bitrix24 could not add the task to the Scrum.")),
    e.PortalUnavailable: _simple(N_("Bitrix24 is not answering right now. Try again in a "
                                    "minute.")),
}


def _name_not_found(error: e.NameNotFound) -> str:
    name = escape(shorten(error.name, 80))
    sprint = error.kind == "sprint"
    text = (_("No sprint called “{name}”.") if sprint else _("No epic called “{name}”.")).format(
        name=name)
    if error.suggestions:
        names = ", ".join(escape(shorten(name, 80)) for name in error.suggestions)
        text += " " + _("Did you mean: {names}?").format(names=names)
    listing = _("See /sprints.") if sprint else _("See /epics.")
    return f"{text} {listing}"


def _rate_limited(error: e.RateLimited) -> str:
    if error.retry_at is not None:
        return _("Bitrix24's request limit is reached; it resets at {time} UTC.").format(
            time=f"{error.retry_at:%H:%M}")
    return _("Bitrix24 is busy (too many requests). Try again in a minute.")


def _credentials(error: e.TrackerError) -> str:
    if error.code == "insufficient_scope":
        return _("Your Bitrix24 webhook lacks a permission. Give it the task, sonet_group, "
                 "socialnetwork and user scopes, then /link it again in private.")
    return _("Bitrix24 rejected your webhook (revoked, expired or changed). Create a new one and "
             "/link it again in a private chat with me.")


def _invalid_webhook(error: e.InvalidWebhook) -> str:
    if error.reason == "http":
        return _("Bitrix24 webhooks must use https://. Copy the URL exactly as Bitrix24 shows "
                 "it.")
    if error.reason == "user_mismatch":
        return _("That webhook belongs to another Bitrix24 user than the one in its URL. Copy "
                 "the URL exactly as Bitrix24 shows it.")
    return _("That does not look like a Bitrix24 webhook URL. It looks like "
             "https://your-portal.bitrix24.com/rest/1/abc123def456/")


def _refused(error: e.TrackerError, task_id: int | None) -> str:
    detail = escape(shorten(error.description, 200))
    if task_id is None:
        return _("Bitrix24 refused the change to the task: {detail}").format(detail=detail)
    return _("Bitrix24 refused the change to {task}: {detail}").format(
        task=f"#{task_id}", detail=detail)


def render_error(error: e.BotError, task_id: int | None = None) -> str:
    """The reply for an error, naming the task when there is one."""
    match error:
        case e.UsageError():
            return usage(error)
        case e.NameNotFound():
            return _name_not_found(error)
        case e.SprintCompleted():
            return _("“{sprint}” is completed: tasks cannot be moved into a completed sprint. "
                     "Pick an active or planned one (/sprints).").format(
                sprint=escape(shorten(error.sprint_name, 80)))
        case e.WrongPortal():
            return _("Your linked Bitrix24 account is on another portal than this chat's Scrum. "
                     "/link the account you use on that portal.")
        case e.InvalidWebhook():
            return _invalid_webhook(error)
        case e.NotAScrum():
            return _("“{name}” is a project, not a Scrum.").format(
                name=escape(shorten(error.group_name, 80)))
        case e.RateLimited():
            return _rate_limited(error)
        case e.CredentialsRejected():
            return _credentials(error)
    for kind, message in _MESSAGES.items():
        if isinstance(error, kind):
            return message(error, task_id)
    if isinstance(error, e.TrackerError):
        return _refused(error, task_id)
    return _("Something went wrong. Try again.")
