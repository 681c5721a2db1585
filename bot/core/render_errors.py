"""Every error as one short message that says what went wrong and what to do."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from bot.core import errors as e
from bot.core.render import shorten, usage

_TRY_LATER = "Try again in a minute."


def _task(task_id: int | None) -> str:
    """The task as a sentence's subject."""
    return f"#{task_id}" if task_id is not None else "The task"


def _the_task(task_id: int | None) -> str:
    """The task in the middle of a sentence."""
    return f"#{task_id}" if task_id is not None else "the task"


def _name_not_found(error: e.NameNotFound) -> str:
    text = f"No {error.kind} called “{escape(shorten(error.name, 80))}”."
    if error.suggestions:
        names = ", ".join(escape(shorten(name, 80)) for name in error.suggestions)
        text += f" Did you mean: {names}?"
    listing = "/sprints" if error.kind == "sprint" else "/epics"
    return f"{text} See {listing}."


def _rate_limited(error: e.RateLimited) -> str:
    if error.retry_at is not None:
        return f"Bitrix24's request limit is reached; it resets at {error.retry_at:%H:%M} UTC."
    return f"Bitrix24 is busy (too many requests). {_TRY_LATER}"


def _credentials(error: e.TrackerError) -> str:
    if error.code == "insufficient_scope":
        return ("Your Bitrix24 webhook lacks a permission. Give it the task, sonet_group, "
                "socialnetwork and user scopes, then /link it again in private.")
    return ("Bitrix24 rejected your webhook (revoked, expired or changed). Create a new one and "
            "/link it again in a private chat with me.")


def _simple(text: str) -> Callable[[e.BotError, int | None], str]:
    return lambda _error, _task_id: text


_MESSAGES: dict[type[e.BotError], Callable[[e.BotError, int | None], str]] = {
    e.NotLinked: _simple("Link your Bitrix24 account first: open a private chat with me and "
                         "send /link."),
    e.NotBound: _simple("This chat is not bound to a Scrum yet. A chat admin can do it with "
                        "/bind &lt;Scrum id or name&gt;."),
    e.NotAdmin: _simple("Only a chat administrator can do that."),
    e.PrivateOnly: _simple("Do that in a private chat with me."),
    e.StorageError: _simple(f"The bot's database is not answering. {_TRY_LATER}"),
    e.TaskNotFound: lambda _x, t: f"{_task(t)} does not exist or you cannot see it in Bitrix24.",
    e.NotInScrum: lambda _x, t: f"{_task(t)} is not in this Scrum's backlog or sprints.",
    e.EpicNotFound: _simple("That epic no longer exists in Bitrix24. See /epics (or /refresh)."),
    e.EntityNotFound: _simple("That sprint no longer exists in Bitrix24. See /sprints "
                              "(or /refresh)."),
    e.GroupNotFound: _simple("No such Scrum, or you are not a member of it. Check the id or "
                             "name in Bitrix24."),
    e.AccessDenied: lambda _x, t: (f"Bitrix24 denied you access to "
                                   f"{_the_task(t) if t is not None else 'this Scrum'}. Ask the "
                                   "Scrum master to add you to the project."),
    e.ItemNotCreated: lambda _x, t: f"Bitrix24 could not add {_the_task(t)} to the Scrum.",
    e.PortalUnavailable: _simple(f"Bitrix24 is not answering right now. {_TRY_LATER}"),
}


def render_error(error: e.BotError, task_id: int | None = None) -> str:
    """The reply for an error, naming the task when there is one."""
    match error:
        case e.UsageError():
            return usage(error)
        case e.NameNotFound():
            return _name_not_found(error)
        case e.SprintCompleted():
            return (f"“{escape(shorten(error.sprint_name, 80))}” is completed: tasks cannot be "
                    "moved into a completed sprint. Pick an active or planned one (/sprints).")
        case e.WrongPortal():
            return ("Your linked Bitrix24 account is on another portal than this chat's Scrum. "
                    "/link the account you use on that portal.")
        case e.InvalidWebhook():
            return _invalid_webhook(error)
        case e.NotAScrum():
            return f"“{escape(shorten(error.group_name, 80))}” is a project, not a Scrum."
        case e.RateLimited():
            return _rate_limited(error)
        case e.CredentialsRejected():
            return _credentials(error)
    for kind, message in _MESSAGES.items():
        if isinstance(error, kind):
            return message(error, task_id)
    if isinstance(error, e.TrackerError):
        detail = escape(shorten(error.description, 200))
        return f"Bitrix24 refused the change to {_the_task(task_id)}: {detail}"
    return "Something went wrong. Try again."


def _invalid_webhook(error: e.InvalidWebhook) -> str:
    if error.reason == "http":
        return "Bitrix24 webhooks must use https://. Copy the URL exactly as Bitrix24 shows it."
    if error.reason == "user_mismatch":
        return ("That webhook belongs to another Bitrix24 user than the one in its URL. Copy the "
                "URL exactly as Bitrix24 shows it.")
    return ("That does not look like a Bitrix24 webhook URL. It looks like "
            "https://your-portal.bitrix24.com/rest/1/abc123def456/")
