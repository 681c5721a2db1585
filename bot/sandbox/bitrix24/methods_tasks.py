"""``tasks.task.get|list|add|update`` (camelCase keys, string values).

``add`` and ``update`` refuse a group the caller is not a member of with the sheet's
``Action on the task is not allowed``. A task added with a Scrum ``GROUP_ID`` gets no Scrum
item (the sheet's newer docs: an item needs ``entityId`` and ``createdBy``), and a task moved
to another group keeps whatever item it had (the sheet says nothing of a side effect).
"""

from __future__ import annotations

from typing import Any

from .errors import RestError, business, missing_param
from .filters import as_mapping, filter_rows, known_only, sort_rows
from .params import bind_array, iso, page_offset, php_int, upper_keys
from .records import TaskRecord, utcnow
from .registry import CallContext, ListPage, page, rest_method
from .state import PortalState
from .views import camel, person_json

_LIST_FIELDS = {"ID", "TITLE", "GROUP_ID", "RESPONSIBLE_ID", "CREATED_BY", "STATUS", "REAL_STATUS"}
_COMPANIONS = {"responsibleId": "responsible", "createdBy": "creator", "groupId": "group"}
NOT_ALLOWED = "Action on the task is not allowed"
NO_RESPONSIBLE = 'The user specified in the "Responsible" field was not found<br>'
NO_TITLE = "The task title is not specified<br>"  # ERROR_CORE text; wording unverified


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


@rest_method("tasks.task.add", "task")
def task_add(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Create a task from ``fields`` (TITLE, RESPONSIBLE_ID required) → ``{"task": {...}}``."""
    fields = _fields(params)
    title = str(fields.get("TITLE") or "").strip()
    if not title:
        raise RestError(400, "ERROR_CORE", NO_TITLE)
    responsible = _responsible(ctx, fields.get("RESPONSIBLE_ID"))
    group_id = php_int(fields.get("GROUP_ID", 0))
    _check_group(ctx, group_id)
    author = php_int(fields.get("CREATED_BY", 0)) or ctx.user_id
    task = TaskRecord(0, title, group_id, responsible, author)
    task.description = str(fields.get("DESCRIPTION") or "")
    task_id = ctx.state.add_task(task, None)
    ctx.state.created.append(task_id)
    return {"task": task_json(ctx.state, ctx.state.tasks[task_id])}


@rest_method("tasks.task.update", "task")
def task_update(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Change TITLE, RESPONSIBLE_ID, GROUP_ID, STATUS or DESCRIPTION → ``{"task": {...}}``."""
    task = _editable(ctx, params.get("taskId"))
    fields = _fields(params)
    if "GROUP_ID" in fields:
        _check_group(ctx, php_int(fields["GROUP_ID"]))
    if "RESPONSIBLE_ID" in fields:
        task.responsible_id = _responsible(ctx, fields["RESPONSIBLE_ID"])
    if "GROUP_ID" in fields:
        task.group_id = php_int(fields["GROUP_ID"])
    if str(fields.get("TITLE") or "").strip():
        task.title = str(fields["TITLE"]).strip()
    if "STATUS" in fields:
        task.status = php_int(fields["STATUS"])
    if "DESCRIPTION" in fields:
        task.description = str(fields["DESCRIPTION"] or "")
    task.changed_date = utcnow()
    return {"task": task_json(ctx.state, task)}


def _fields(params: dict[str, Any]) -> dict[str, Any]:
    """The ``fields`` argument upper-cased; absent or empty is a code-100 error."""
    fields = upper_keys(bind_array(params, "fields"))
    if not fields:
        raise missing_param("fields")
    return fields


def _editable(ctx: CallContext, raw: Any) -> TaskRecord:
    """The task ``taskId`` names, if the caller may see (and so edit) it."""
    if raw is None or raw == "":
        raise missing_param("taskId")
    if not str(raw).strip().isdigit():
        raise business("wrong task id")
    task = ctx.state.tasks.get(int(str(raw)))
    if task is None or not ctx.state.can_read_task(ctx.user_id, task):
        raise business(NOT_ALLOWED)
    return task


def _responsible(ctx: CallContext, raw: Any) -> int:
    """A responsible user id that exists on the portal."""
    user_id = php_int(raw)
    if user_id not in ctx.state.users:
        raise RestError(400, "ERROR_CORE", NO_RESPONSIBLE)
    return user_id


def _check_group(ctx: CallContext, group_id: int) -> None:
    """A task may only be put in a group (0 = none) the caller is a member of."""
    if group_id and not ctx.state.is_member(ctx.user_id, group_id):
        raise business(NOT_ALLOWED)
