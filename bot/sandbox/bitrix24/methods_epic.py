"""``tasks.api.scrum.epic.*``."""

from __future__ import annotations

from typing import Any

from .errors import business
from .listing import scrum_list
from .methods_scrum import SCRUM_SCOPE, require_access
from .params import bind_array, bind_int, php_int
from .records import EpicRecord
from .registry import CallContext, rest_method
from .views import epic_files_json, epic_json

EPIC_FIELDS = {"ID", "GROUP_ID", "NAME", "DESCRIPTION", "CREATED_BY", "MODIFIED_BY", "COLOR"}
_FIELD_TYPES = {
    "name": "string", "description": "string", "groupId": "integer", "color": "string",
    "files": "array", "createdBy": "integer", "modifiedBy": "integer",
}  # fmt: skip


@rest_method("tasks.api.scrum.epic.list", SCRUM_SCOPE)
def epic_list(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Epics of the caller's groups (UPPER filter keys, 50 per page, no total)."""
    epics = [
        epic_json(epic)
        for epic in ctx.state.epics.values()
        if ctx.state.is_member(ctx.user_id, epic.group_id)
    ]
    return scrum_list(params, epics, EPIC_FIELDS)


@rest_method("tasks.api.scrum.epic.getFields", SCRUM_SCOPE)
def epic_get_fields(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Describe the epic fields."""
    return {"fields": {name: {"type": kind} for name, kind in _FIELD_TYPES.items()}}


@rest_method("tasks.api.scrum.epic.get", SCRUM_SCOPE)
def epic_get(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Return one epic plus its files descriptor."""
    epic = ctx.state.epics.get(bind_int(params, "id"))
    if epic is None:
        raise business("Epic not found")
    require_access(ctx, epic.group_id)
    return epic_json(epic) | {"files": epic_files_json(epic)}


@rest_method("tasks.api.scrum.epic.add", SCRUM_SCOPE)
def epic_add(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Create an epic."""
    fields = bind_array(params, "fields")
    group_id = php_int(fields.get("groupId", 0))
    if not group_id:
        raise business("Group id not found")
    name = str(fields.get("name", "") or "")
    if not name:
        raise business("Name not found")
    require_access(ctx, group_id)
    created_by = php_int(fields.get("createdBy", ctx.user_id))
    if created_by not in ctx.state.users:
        raise business("createdBy user not found")
    color, description = str(fields.get("color", "")), str(fields.get("description", ""))
    if len(name) > 255 or len(color) > 18:
        raise business("Epic not created")
    epic = EpicRecord(
        max(ctx.state.epics, default=0) + 1, group_id, name, description, color, created_by
    )
    ctx.state.epics[epic.id] = epic
    return epic_json(epic)
