"""``tasks.api.scrum.sprint.*``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .errors import business
from .listing import scrum_list
from .methods_scrum import SCRUM_SCOPE, require_access
from .params import bind_array, bind_int, parse_date, php_int
from .records import SPRINT, SPRINT_STATUSES, TASK_COMPLETED, EntityRecord
from .registry import CallContext, rest_method
from .views import sprint_json

SPRINT_FIELDS = {
    "ID", "GROUP_ID", "ENTITY_TYPE", "NAME", "SORT", "CREATED_BY", "MODIFIED_BY",
    "DATE_START", "DATE_END", "STATUS", "INFO",
}  # fmt: skip
_FIELD_TYPES = {
    "groupId": "integer", "name": "string", "sort": "integer", "createdBy": "integer",
    "modifiedBy": "integer", "dateStart": "string", "dateEnd": "string", "status": "string",
}  # fmt: skip


@rest_method("tasks.api.scrum.sprint.list", SCRUM_SCOPE)
def sprint_list(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Sprints of the caller's groups (UPPER filter keys, 50 per page, no total)."""
    sprints = [
        sprint_json(e)
        for e in ctx.state.entities.values()
        if e.entity_type == SPRINT and ctx.state.is_member(ctx.user_id, e.group_id)
    ]
    return scrum_list(params, sprints, SPRINT_FIELDS)


@rest_method("tasks.api.scrum.sprint.getFields", SCRUM_SCOPE)
def sprint_get_fields(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Describe the sprint fields."""
    return {"fields": {name: {"type": kind} for name, kind in _FIELD_TYPES.items()}}


@rest_method("tasks.api.scrum.sprint.get", SCRUM_SCOPE)
def sprint_get(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Return one sprint."""
    return sprint_json(_sprint(ctx, bind_int(params, "id")))


@rest_method("tasks.api.scrum.sprint.add", SCRUM_SCOPE)
def sprint_add(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Create a sprint."""
    fields = bind_array(params, "fields")
    group_id = php_int(fields.get("groupId", 0))
    if not group_id or group_id not in ctx.state.groups:
        raise business("Group id not found")
    require_access(ctx, group_id)
    status = str(fields.get("status", ""))
    if status not in SPRINT_STATUSES:
        raise business("Incorrect sprint status")
    date_start, date_end = _dates(fields)
    created_by = _user_field(ctx, fields, "createdBy")
    if not created_by:
        raise business("Unable to add sprint")
    modified_by = _user_field(ctx, fields, "modifiedBy") or created_by
    if status == "active" and ctx.state.active_sprint(group_id):
        raise business("Unable to add two active sprint")
    sprint = EntityRecord(
        max(ctx.state.entities, default=0) + 1, group_id, SPRINT,
        str(fields.get("name", "")), status, php_int(fields.get("sort", 0)),
        created_by, modified_by, date_start, date_end,
    )  # fmt: skip
    ctx.state.entities[sprint.id] = sprint
    return sprint_json(sprint)


def _dates(fields: dict[str, Any]) -> tuple[datetime, datetime]:
    date_start, date_end = parse_date(fields.get("dateStart")), parse_date(fields.get("dateEnd"))
    if date_start is None:
        raise business("Incorrect dateStart format")
    if date_end is None:
        raise business("Incorrect dateEnd format")
    return date_start, date_end


@rest_method("tasks.api.scrum.sprint.start", SCRUM_SCOPE)
def sprint_start(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Start a planned sprint; its completed tasks go to the backlog."""
    sprint = _sprint(ctx, bind_int(params, "id"))
    if sprint.status != "planned":
        raise business("Sprint must be planned")
    if ctx.state.active_sprint(sprint.group_id):
        raise business("Unable to start sprint")
    _move_to_backlog(ctx, sprint, completed=True)
    sprint.status = "active"
    sprint.modified_by = ctx.user_id
    return sprint_json(sprint)


@rest_method("tasks.api.scrum.sprint.complete", SCRUM_SCOPE)
def sprint_complete(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Complete the active sprint of a group (``id`` is the group id)."""
    group_id = bind_int(params, "id")
    if not group_id:
        raise business("Group id not found")
    require_access(ctx, group_id)
    sprint = ctx.state.active_sprint(group_id)
    if sprint is None:
        raise business("Sprint not found")
    _move_to_backlog(ctx, sprint, completed=False)
    sprint.status = "completed"
    sprint.modified_by = ctx.user_id
    return sprint_json(sprint)


def _sprint(ctx: CallContext, sprint_id: int) -> EntityRecord:
    if not sprint_id:
        raise business("Sprint id not found")
    sprint = ctx.state.entities.get(sprint_id)
    if sprint is None or sprint.entity_type != SPRINT:
        raise business("Sprint not found")
    require_access(ctx, sprint.group_id)
    return sprint


def _user_field(ctx: CallContext, fields: dict[str, Any], key: str) -> int:
    user_id = php_int(fields.get(key, 0))
    if key in fields and user_id not in ctx.state.users:
        raise business(f"{key} user not found")
    return user_id


def _move_to_backlog(ctx: CallContext, sprint: EntityRecord, *, completed: bool) -> None:
    """Move the sprint's completed (or unfinished) tasks to the group's backlog."""
    backlog = ctx.state.backlog_of(sprint.group_id)
    if backlog is None:
        return
    for task_id, item in ctx.state.items.items():
        task = ctx.state.tasks.get(task_id)
        if item.entity_id != sprint.id or task is None:
            continue
        if (task.status == TASK_COMPLETED) == completed:
            item.entity_id = backlog.id
