"""`tasks.task.add` and `tasks.task.update`: a new task, and a task moved to another group.

Both refuse a group or task the member may not touch with `Action on the task is not allowed`,
which the error table in `errors.py` turns into AccessDenied.
"""

from __future__ import annotations

from bot.adapters.bitrix24 import commands as cmd
from bot.adapters.bitrix24.client import Bitrix24Client
from bot.adapters.bitrix24.errors import unexpected
from bot.adapters.bitrix24.parsing import parse_task
from bot.core.model import Credential, TaskInfo


async def add_task(
    client: Bitrix24Client, credential: Credential, group_id: int, title: str, responsible_id: int
) -> TaskInfo:
    """One `tasks.task.add`, never repeated here (a repeat would duplicate the task)."""
    method, params = cmd.task_add(group_id, title, responsible_id)
    info = parse_task(await client.call(credential, method, params))
    if info is None:
        raise unexpected("tasks.task.add answered without the task")
    return info


async def move_task(
    client: Bitrix24Client, credential: Credential, task_id: int, group_id: int
) -> None:
    """`tasks.task.update` with GROUP_ID: the task joins another workgroup."""
    method, params = cmd.task_move(task_id, group_id)
    await client.call(credential, method, params)

