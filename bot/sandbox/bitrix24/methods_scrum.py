"""``tasks.api.scrum.task.*`` and ``tasks.api.scrum.backlog.get``."""

from __future__ import annotations

from typing import Any

from .errors import business
from .params import bind_array, bind_int, php_float, php_int
from .records import ScrumItemRecord, TaskRecord
from .registry import CallContext, rest_method
from .views import backlog_json, item_json

SCRUM_SCOPE = "task"
_TASK_FIELDS = {
    "entityId": "integer", "storyPoints": "string", "epicId": "integer",
    "sort": "integer", "createdBy": "integer", "modifiedBy": "integer",
}  # fmt: skip


def require_access(ctx: CallContext, group_id: int) -> None:
    """``Access denied`` unless the caller can read the group's tasks."""
    if not ctx.state.is_member(ctx.user_id, group_id):
        raise business("Access denied")


@rest_method("tasks.api.scrum.task.getFields", SCRUM_SCOPE)
def task_get_fields(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Describe the scrum item fields."""
    return {"fields": {name: {"type": kind} for name, kind in _TASK_FIELDS.items()}}


@rest_method("tasks.api.scrum.task.get", SCRUM_SCOPE)
def task_get(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Return a task's scrum item (8 keys)."""
    task_id = bind_int(params, "id")
    if not task_id:
        raise business("Task id not found")
    task = ctx.state.tasks.get(task_id)
    if task is None:
        raise business("Task not found")
    if task.group_id:
        require_access(ctx, task.group_id)
    item = ctx.state.items.get(task_id)
    if item is None:
        raise business("Task not found")
    return item_json(item, task.group_id)


@rest_method("tasks.api.scrum.task.update", SCRUM_SCOPE)
def task_update(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Create or update a task's scrum item."""
    task_id = bind_int(params, "id")
    fields = bind_array(params, "fields")
    if not task_id:
        raise business("Task id not found")
    task = ctx.state.tasks.get(task_id)
    if task is None:
        raise business("Task not found.")
    if task.group_id:
        require_access(ctx, task.group_id)
    _check_users(ctx, fields)
    _check_epic(ctx, fields)
    item = ctx.state.items.get(task_id)
    if item is None:
        item = _new_item(ctx, task, fields)
        ctx.state.items[task_id] = item
    elif "entityId" in fields:
        _check_entity(ctx, task, php_int(fields["entityId"]))
    _apply(ctx, item, fields)
    return True


def _check_users(ctx: CallContext, fields: dict[str, Any]) -> None:
    for key in ("createdBy", "modifiedBy"):
        if key in fields and php_int(fields[key]) not in ctx.state.users:
            raise business(f"{key} user not found")


def _check_epic(ctx: CallContext, fields: dict[str, Any]) -> None:
    if "epicId" not in fields:
        return
    epic_id = php_int(fields["epicId"])
    if epic_id and epic_id not in ctx.state.epics:
        raise business("Epic not found")


def _check_entity(ctx: CallContext, task: TaskRecord, entity_id: int) -> None:
    entity = ctx.state.entities.get(entity_id)
    if entity is None:
        raise business("Entity not found.")
    require_access(ctx, entity.group_id)
    if entity.group_id != task.group_id:
        raise business("Task not found. The task must be in the project of the entity")


def _new_item(ctx: CallContext, task: TaskRecord, fields: dict[str, Any]) -> ScrumItemRecord:
    entity_id = php_int(fields.get("entityId", 0))
    if not entity_id:
        raise business("Entity id not found")
    _check_entity(ctx, task, entity_id)
    created_by = php_int(fields.get("createdBy", 0))
    if not created_by:
        raise business("Item not created")
    return ScrumItemRecord(entity_id=entity_id, created_by=created_by)


def _apply(ctx: CallContext, item: ScrumItemRecord, fields: dict[str, Any]) -> None:
    if "entityId" in fields:
        item.entity_id = php_int(fields["entityId"])
    if isinstance(fields.get("storyPoints"), str):
        item.story_points = fields["storyPoints"]
    if "epicId" in fields:
        item.epic_id = php_int(fields["epicId"])
    if "sort" in fields:
        item.sort = php_int(fields["sort"])
    if "sortFloat" in fields:
        item.sort_float = php_float(fields["sortFloat"])
    if "createdBy" in fields:
        item.created_by = php_int(fields["createdBy"])
    item.modified_by = php_int(fields.get("modifiedBy", ctx.user_id)) or ctx.user_id


@rest_method("tasks.api.scrum.backlog.get", SCRUM_SCOPE)
def backlog_get(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Return the backlog of a scrum (``id`` is the group id)."""
    group_id = bind_int(params, "id")
    if not group_id:
        raise business("Group id not found")
    require_access(ctx, group_id)
    backlog = ctx.state.backlog_of(group_id)
    if backlog is None:
        raise business("Backlog not found")
    return backlog_json(backlog)


@rest_method("tasks.api.scrum.backlog.getFields", SCRUM_SCOPE)
def backlog_get_fields(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Describe the backlog fields."""
    names = ("groupId", "createdBy", "modifiedBy")
    return {"fields": {name: {"type": "integer"} for name in names}}
