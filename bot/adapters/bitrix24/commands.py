"""The Bitrix24 method calls the tracker makes, as (method, params) pairs for `batch`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

Command = tuple[str, Mapping[str, object]]

PAGE = 50  # Bitrix24 list methods return at most 50 items per call
TASK_SELECT = ("ID", "TITLE", "STATUS", "GROUP_ID", "RESPONSIBLE_ID")
GROUP_SELECT = ("ID", "NAME", "SCRUM_MASTER_ID")


def group_get(group_id: int) -> Command:
    """A workgroup by id, with its scrum master."""
    return "socialnetwork.api.workgroup.get", {"params": {"groupId": group_id}}


def group_list(name_filter: Mapping[str, object]) -> Command:
    """Workgroups matching a NAME filter, with their scrum masters."""
    return "socialnetwork.api.workgroup.list", {
        "filter": dict(name_filter),
        "select": list(GROUP_SELECT),
    }


def backlog_get(group_id: int) -> Command:
    """The Scrum's backlog (its `id` parameter is the group id)."""
    return "tasks.api.scrum.backlog.get", {"id": group_id}


def sprint_page(group_id: int, start: int) -> Command:
    """One page of the Scrum's sprints, in board order."""
    return "tasks.api.scrum.sprint.list", {
        "filter": {"GROUP_ID": group_id},
        "order": {"SORT": "ASC", "ID": "ASC"},
        "start": start,
    }


def epic_page(group_id: int, start: int) -> Command:
    """One page of the Scrum's epics, oldest first."""
    return "tasks.api.scrum.epic.list", {
        "filter": {"GROUP_ID": group_id},
        "order": {"ID": "ASC"},
        "start": start,
    }


def task_get(task_id: int) -> Command:
    """The task's own fields (an empty answer when missing or invisible)."""
    return "tasks.task.get", {"taskId": task_id, "select": list(TASK_SELECT)}


def item_get(task_id: int) -> Command:
    """The task's Scrum item (an error when the task is not in a Scrum)."""
    return "tasks.api.scrum.task.get", {"id": task_id}


def item_update(task_id: int | str, fields: Mapping[str, str]) -> Command:
    """Write the task's Scrum item (values are strings: story points must be one).

    In a halting batch it follows the item read, which fails for a missing or unreadable
    task, so such a task is never written; Bitrix24 itself also refuses it. In a batch that
    does not halt, `task_id` may be a `$result[...]` reference to the task's own read.
    """
    return "tasks.api.scrum.task.update", {"id": task_id, "fields": dict(fields)}


def read_task_id(key: str) -> str:
    """A batch reference to the id a `tasks.task.get` under `key` answered; when that read
    gave `[]` or failed, the reference is not an id and the command using it fails unrun."""
    return f"$result[{key}][task][id]"


def task_list_by_ids(task_ids: Sequence[int]) -> Command:
    """The readable tasks among up to 50 ids (one page: invisible ones are left out)."""
    return "tasks.task.list", {
        "filter": {"ID": list(task_ids)},
        "select": list(TASK_SELECT),
        "order": {"ID": "ASC"},
        "start": 0,
    }


def task_add(group_id: int, title: str, responsible_id: int) -> Command:
    """Create a task in a workgroup (it gets no Scrum item of its own)."""
    fields = {"TITLE": title, "RESPONSIBLE_ID": responsible_id, "GROUP_ID": group_id}
    return "tasks.task.add", {"fields": fields}


def task_move(task_id: int, group_id: int) -> Command:
    """Put a task in another workgroup."""
    return "tasks.task.update", {"taskId": task_id, "fields": {"GROUP_ID": group_id}}
