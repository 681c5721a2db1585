"""`tasks.task.add` and `tasks.task.update`: a new task, and a task moved to another group.

Both refuse a group or task the member may not touch with `Action on the task is not allowed`
(code 0), which the error table in `errors.py` does not know yet; it is AccessDenied here.
"""

from __future__ import annotations

from bot.adapters.bitrix24 import commands as cmd
from bot.adapters.bitrix24.client import Bitrix24Client
from bot.adapters.bitrix24.errors import unexpected
from bot.adapters.bitrix24.parsing import parse_task
from bot.core.errors import AccessDenied, TrackerError, TrackerRefused
from bot.core.model import Credential, TaskInfo

_NOT_ALLOWED = "action on the task is not allowed"


async def add_task(
    client: Bitrix24Client, credential: Credential, group_id: int, title: str, responsible_id: int
) -> TaskInfo:
    """One `tasks.task.add`, never repeated here (a repeat would duplicate the task)."""
    method, params = cmd.task_add(group_id, title, responsible_id)
    try:
        info = parse_task(await client.call(credential, method, params))
    except TrackerRefused as e:
        raise _not_allowed(e) from e
    if info is None:
        raise unexpected("tasks.task.add answered without the task")
    return info


async def move_task(
    client: Bitrix24Client, credential: Credential, task_id: int, group_id: int
) -> None:
    """`tasks.task.update` with GROUP_ID: the task joins another workgroup."""
    method, params = cmd.task_move(task_id, group_id)
    try:
        await client.call(credential, method, params)
    except TrackerRefused as e:
        raise _not_allowed(e) from e


def _not_allowed(error: TrackerRefused) -> TrackerError:
    """`Action on the task is not allowed` is AccessDenied; other refusals stay as they are."""
    if error.description.rstrip(".").strip().casefold() == _NOT_ALLOWED:
        return AccessDenied(error.code, error.description)
    return error
