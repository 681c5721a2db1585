"""The bot's error tree: everything a member can be told went wrong.

BotError
├── UsageError              the command's arguments do not parse (carries the usage line)
├── NotLinked               the member has not linked a Bitrix24 account
├── NotBound                the chat is not bound to a Scrum
├── WrongPortal             the member is linked to a portal other than the chat's
├── NotAdmin                only chat administrators may do this
├── PrivateOnly             this belongs in a private chat (secrets)
├── InvalidWebhook          a webhook URL of the wrong shape, or for another user
├── NameNotFound            a sprint or epic name that matched nothing (carries suggestions)
├── SprintCompleted         moving into a completed sprint
├── NotAScrum               a group that is not a Scrum
├── StorageError            the database failed
└── TrackerError            Bitrix24 said no, or could not be reached; carries `code` and
    │                       `description` as Bitrix24 sent them
    ├── TaskNotFound        the task does not exist (or is not visible to the member)
    ├── NotInScrum          the task exists but is not in this Scrum's backlog or sprints
    ├── EpicNotFound
    ├── EntityNotFound      a sprint or backlog id that does not exist
    ├── GroupNotFound
    ├── AccessDenied        Bitrix24 refused the member (permissions)
    ├── ItemNotCreated
    ├── RateLimited         request or operating-time limits (`retry_at` when known)
    ├── CredentialsRejected the webhook is wrong, revoked, expired or lacks a scope
    ├── PortalUnavailable   5xx, timeouts, refused connections, HTML pages, blocked portals
    └── TrackerRefused      any other business error Bitrix24 returned
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.model import TaskInfo


class BotError(Exception):
    """Something a member should be told, in words."""


class UsageError(BotError):
    def __init__(self, command: str, detail: str | None = None) -> None:
        super().__init__(command)
        self.command = command
        self.detail = detail


class NotLinked(BotError):
    pass


class NotBound(BotError):
    pass


class WrongPortal(BotError):
    def __init__(self, member_portal: str, chat_portal: str) -> None:
        super().__init__(member_portal)
        self.member_portal = member_portal
        self.chat_portal = chat_portal


class NotAdmin(BotError):
    pass


class PrivateOnly(BotError):
    pass


class InvalidWebhook(BotError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # one of: "shape", "http", "user_mismatch"


class NameNotFound(BotError):
    def __init__(self, kind: str, name: str, suggestions: tuple[str, ...],
                 choices: tuple[tuple[int, str], ...] = ()) -> None:
        super().__init__(name)
        self.kind = kind  # "sprint" or "epic"
        self.name = name
        self.suggestions = suggestions
        self.choices = choices  # the suggestions as (sprint or epic id, name), for buttons


class SprintCompleted(BotError):
    def __init__(self, sprint_name: str) -> None:
        super().__init__(sprint_name)
        self.sprint_name = sprint_name


class NotAScrum(BotError):
    def __init__(self, group_name: str) -> None:
        super().__init__(group_name)
        self.group_name = group_name


class StorageError(BotError):
    pass


@dataclass
class TrackerError(BotError):
    """Bitrix24 answered with an error or did not answer usefully."""

    code: str
    description: str

    def __post_init__(self) -> None:
        super().__init__(f"{self.code}: {self.description}")


class TaskNotFound(TrackerError):
    pass


@dataclass
class NotInScrum(TrackerError):
    task: TaskInfo | None = None  # the task as read, when it exists


class EpicNotFound(TrackerError):
    pass


class EntityNotFound(TrackerError):
    pass


class GroupNotFound(TrackerError):
    pass


class AccessDenied(TrackerError):
    pass


class ItemNotCreated(TrackerError):
    pass


@dataclass
class RateLimited(TrackerError):
    retry_at: datetime | None = None


class CredentialsRejected(TrackerError):
    pass


class PortalUnavailable(TrackerError):
    pass


class TrackerRefused(TrackerError):
    pass
