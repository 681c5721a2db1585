"""The use cases the chat layer calls, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.accounts import Accounts
from bot.services.adopt import Adopt
from bot.services.audit import Audit
from bot.services.buttons import Buttons
from bot.services.languages import Languages
from bot.services.new_task import NewTasks
from bot.services.scrum_reads import ScrumReads
from bot.services.task_writes import TaskWrites
from bot.services.undo import Undo


@dataclass(frozen=True)
class UseCases:
    accounts: Accounts
    writes: TaskWrites
    reads: ScrumReads
    languages: Languages
    buttons: Buttons
    new_tasks: NewTasks
    adopt: Adopt
    undo: Undo
    audit: Audit
