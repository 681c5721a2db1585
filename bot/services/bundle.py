"""The use cases the chat layer calls, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.accounts import Accounts
from bot.services.scrum_reads import ScrumReads
from bot.services.task_writes import TaskWrites


@dataclass(frozen=True)
class UseCases:
    accounts: Accounts
    writes: TaskWrites
    reads: ScrumReads
