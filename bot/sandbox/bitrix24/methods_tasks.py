"""``tasks.task.get`` and ``tasks.task.list`` (camelCase keys, string values)."""

from __future__ import annotations

from typing import Any

from .errors import RestError, business
from .filters import as_mapping, filter_rows, known_only, sort_rows
from .params import iso, page_offset, upper_keys
from .records import TaskRecord
from .registry import CallContext, ListPage, page, rest_method
from .state import PortalState
from .views import camel, person_json

_LIST_FIELDS = {"ID", "TITLE", "GROUP_ID", "RESPONSIBLE_ID", "CREATED_BY", "STATUS", "REAL_STATUS"}
_COMPANIONS = {"responsibleId": "responsible", "createdBy": "creator", "groupId": "group"}


def task_json(state: PortalState, task: TaskRecord) -> dict[str, Any]:
    """A task as ``tasks.task.*`` return it."""
    group = state.groups.get(task.group_id)
    return {
        "id": str(task.id), "parentId": "0", "title": task.title,
        "description": task.description, "mark": None, "priority": "1",
        "status": str(task.status), "subStatus": str(task.status),
        "groupId": str(task.group_id), "stageId": "0",
        "createdBy": str(task.created_by), "createdDate": iso(task.created_date),
        "responsibleId": str(task.responsible_id), "changedDate": iso(task.changed_date),
        "closedDate": None, "deadline": None, "sprintId": None, "backlogId": None,
        "group": {
            "id": str(group.id), "name": group.name, "opened": True,
            "membersCount": len(group.members), "image": "", "additionalData": [],
        } if group else [],
        "creator": person_json(state.users.get(task.created_by), task.created_by),
        "responsible": person_json(state.users.get(task.responsible_id), task.responsible_id),
        "accomplices": [], "auditors": [], "favorite": "N",
    }  # fmt: skip


def _select(task: dict[str, Any], select: list[str]) -> dict[str, Any]:
    names = {camel(s) for s in select}
    if not names or "*" in select:
        return task
    names |= {"id"} | {_COMPANIONS[n] for n in names if n in _COMPANIONS}
    return {key: value for key, value in task.items() if key in names}


def _select_arg(params: dict[str, Any]) -> list[str]:
    return [str(s).upper() for s in as_mapping(params.get("select")).values()]


@rest_method("tasks.task.get", "task")
def task_get(ctx: CallContext, params: dict[str, Any]) -> Any:
    """``{"task": {...}}``, or ``[]`` for a missing or unreadable task."""
    raw = params.get("taskId")
    if raw is None or raw == "":
        raise RestError(
            400, 100, "CTaskItem All parameters in the constructor must have real class type"
        )
    if not str(raw).strip().isdigit():
        raise business("wrong task id")
    task = ctx.state.tasks.get(int(str(raw)))
    if task is None or not ctx.state.can_read_task(ctx.user_id, task):
        return []
    return {"task": _select(task_json(ctx.state, task), _select_arg(params))}


@rest_method("tasks.task.list", "task")
def task_list(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Readable tasks by ``filter``, 50 per page with total/next."""
    visible = [t for t in ctx.state.tasks.values() if ctx.state.can_read_task(ctx.user_id, t)]
    rows = [_row(t) for t in visible]
    conditions = known_only(upper_keys(as_mapping(params.get("filter"))), _LIST_FIELDS)
    rows = filter_rows(rows, conditions, _LIST_FIELDS)
    order = upper_keys(as_mapping(params.get("order"))) or {"ID": "desc"}
    if any(key not in _LIST_FIELDS for key in order):
        raise business("Invalid sorting key (internal error)")
    rows = sort_rows(rows, order, _LIST_FIELDS)
    chunk, following = page(rows, page_offset(params))
    select = _select_arg(params)
    tasks = [_select(task_json(ctx.state, ctx.state.tasks[r["ID"]]), select) for r in chunk]
    return ListPage({"tasks": tasks}, len(rows), following)


def _row(task: TaskRecord) -> dict[str, Any]:
    return {
        "ID": task.id, "TITLE": task.title, "GROUP_ID": task.group_id,
        "RESPONSIBLE_ID": task.responsible_id, "CREATED_BY": task.created_by,
        "STATUS": task.status, "REAL_STATUS": task.status,
    }  # fmt: skip
