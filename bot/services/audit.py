"""`/log`: what the bot changed, or tried to change, on a task."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.outcomes import TaskLog
from bot.services.context import require_actor
from bot.services.ports import UnitOfWorkFactory

LOG_LINES = 15


@dataclass
class Audit:
    """Reads the audit log for members of a bound chat (no Bitrix24 request)."""

    uow_factory: UnitOfWorkFactory
    limit: int = LOG_LINES

    async def task_log(self, chat_id: int, user_id: int, task_id: int) -> TaskLog:
        """The task's latest changes made through this chat, newest first."""
        async with self.uow_factory() as uow:
            actor = await require_actor(uow, user_id, chat_id)
            changes = await uow.changes.for_task(
                actor.chat.portal, chat_id, task_id, self.limit)
        return TaskLog(task_id, tuple(changes))
