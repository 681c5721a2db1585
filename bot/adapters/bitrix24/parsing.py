"""Bitrix24 JSON → the bot's value types, at the edge of the adapter.

Bitrix24 mixes styles (UPPER keys with string ids in `user.*`, camelCase strings in
`tasks.task.*`, numbers in `tasks.api.scrum.*`), so ints are read from numbers or digit
strings and unknown keys are ignored. Anything that is not the promised shape raises
PortalUnavailable("ERROR_UNEXPECTED_ANSWER", ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from bot.adapters.bitrix24.errors import unexpected
from bot.core.model import (
    Epic,
    PortalUser,
    ScrumGroup,
    ScrumItem,
    Sprint,
    SprintStatus,
    TaskInfo,
)

Json = Mapping[str, object]


def as_object(value: object, what: str) -> Json:
    """A JSON object, or ERROR_UNEXPECTED_ANSWER naming what was expected."""
    if not isinstance(value, Mapping):
        raise unexpected(f"{what} is not an object")
    return value


def as_list(value: object, what: str) -> list[object]:
    """A JSON array (an empty PHP array may also come as `{}`)."""
    if isinstance(value, list):
        return value
    if isinstance(value, Mapping) and not value:
        return []
    raise unexpected(f"{what} is not a list")


def is_empty(value: object) -> bool:
    """True for the `[]`/`{}`/null Bitrix24 sends instead of a missing object."""
    return value is None or (isinstance(value, list | Mapping) and not value)


def parse_user(value: object) -> PortalUser:
    """`user.current` → the webhook's owner."""
    data = as_object(value, "user")
    user_id = _int(_pick(data, "ID", "id"), "user ID")
    name = f"{_text(data.get('NAME'))} {_text(data.get('LAST_NAME'))}".strip()
    return PortalUser(id=user_id, name=name or f"User {user_id}")


def parse_group(value: object) -> ScrumGroup:
    """A workgroup from `workgroup.get` (UPPER keys) or `workgroup.list` (camelCase)."""
    data = as_object(value, "workgroup")
    return ScrumGroup(
        id=_int(_pick(data, "ID", "id"), "workgroup ID"),
        name=_text(_pick(data, "NAME", "name")),
        scrum_master_id=_int(_pick(data, "SCRUM_MASTER_ID", "scrumMasterId"), "scrum master", 0),
    )


def parse_group_list(value: object) -> list[ScrumGroup]:
    """`socialnetwork.api.workgroup.list` → its groups (`{"workgroups": [...]}`)."""
    if isinstance(value, Mapping) and "workgroups" in value:
        value = value["workgroups"]
    return [parse_group(item) for item in as_list(value, "workgroups")]


def parse_backlog_id(value: object) -> int:
    """`tasks.api.scrum.backlog.get` → the backlog's entity id."""
    return _int(as_object(value, "backlog").get("id"), "backlog id")


def parse_sprint(value: object) -> Sprint:
    """One object of `tasks.api.scrum.sprint.list`."""
    data = as_object(value, "sprint")
    try:
        status = SprintStatus(_text(data.get("status")))
    except ValueError:
        raise unexpected(f"sprint status {data.get('status')!r} is unknown"[:200]) from None
    return Sprint(
        id=_int(data.get("id"), "sprint id"),
        name=_text(data.get("name")),
        status=status,
        sort=_int(data.get("sort"), "sprint sort", 0),
        date_start=_datetime(data.get("dateStart")),
        date_end=_datetime(data.get("dateEnd")),
    )


def parse_epic(value: object) -> Epic:
    """One object of `tasks.api.scrum.epic.list`."""
    data = as_object(value, "epic")
    return Epic(id=_int(data.get("id"), "epic id"), name=_text(data.get("name")))


def parse_task(value: object) -> TaskInfo | None:
    """`tasks.task.get` → the task's fields, None for the `[]` of a missing task."""
    if is_empty(value):
        return None
    return parse_task_fields(as_object(value, "task answer").get("task"))


def parse_task_list(value: object) -> list[TaskInfo]:
    """`tasks.task.list` → its tasks (`{"tasks": [...]}`)."""
    if isinstance(value, Mapping) and "tasks" in value:
        value = value["tasks"]
    return [parse_task_fields(item) for item in as_list(value, "tasks")]


def parse_task_fields(value: object) -> TaskInfo:
    """One task object of `tasks.task.*` (camelCase keys, string values)."""
    task = as_object(value, "task")
    responsible_id = _int(task.get("responsibleId"), "responsibleId", 0)
    person = task.get("responsible")
    name = _text(person.get("name")).strip() if isinstance(person, Mapping) else ""
    return TaskInfo(
        id=_int(task.get("id"), "task id"),
        title=_text(task.get("title")),
        status=_int(task.get("status"), "task status", 0),
        responsible=name or f"User {responsible_id}",
        group_id=_int(task.get("groupId"), "task groupId", 0),
    )


def parse_item(value: object) -> ScrumItem | None:
    """`tasks.api.scrum.task.get` → the task's Scrum item, None when there is none."""
    if is_empty(value):
        return None
    data = as_object(value, "scrum item")
    group = data.get("groupId")
    return ScrumItem(
        entity_id=_int(data.get("entityId"), "entityId"),
        story_points=_text(data.get("storyPoints")),
        epic_id=_int(data.get("epicId"), "epicId", 0),
        sort=_int(data.get("sort"), "sort", 0),
        group_id=None if group is None else _int(group, "groupId"),
    )


def _pick(data: Json, *keys: str) -> object:
    """The first of `keys` present in `data`."""
    return next((data[key] for key in keys if key in data), None)


def _int(value: object, what: str, default: int | None = None) -> int:
    """An int from a JSON number or a digit string; `default` for null/empty."""
    if (value is None or value == "") and default is not None:
        return default
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise unexpected(f"{what} is not a number: {value!r}"[:200])


def _text(value: object) -> str:
    """A string field; null → "", numbers as their digits."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, str | int | float):
        return str(value)
    raise unexpected(f"expected text, got {type(value).__name__}")


def _datetime(value: object) -> datetime | None:
    """An aware datetime from ISO-8601; None when empty or not a date (Bitrix24 stores junk)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
