"""A Scrum on the portal emulator, one member linked to it, and the tracker they use."""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp
import pytest

from bot.adapters.bitrix24 import Bitrix24Client, Bitrix24Tracker
from bot.core.model import Credential
from bot.sandbox.bitrix24 import PortalEmulator, ScrumItemRecord
from tests.portals import link


@dataclass
class Scrum:
    """A Scrum with one member linked through a webhook, and the tracker they use."""

    emu: PortalEmulator
    tracker: Bitrix24Tracker
    credential: Credential
    user_id: int
    group_id: int
    backlog_id: int

    def batches(self) -> list[tuple[str, ...]]:
        """The sub-methods of every request since the log was cleared, one tuple a request."""
        return [request.sub_methods for request in self.emu.requests]

    def tasks(self, count: int, *, story_points: str = "1") -> list[int]:
        """`count` tasks in the backlog, each with `story_points`."""
        return [
            self.emu.add_task(
                f"Task {n}",
                group_id=self.group_id,
                responsible_id=self.user_id,
                entity_id=self.backlog_id,
                story_points=story_points,
            )
            for n in range(count)
        ]

    def held(self, task_id: int) -> ScrumItemRecord:
        """The Scrum item the portal holds for a task (it must have one)."""
        record = self.emu.item(task_id)
        assert record is not None, f"task {task_id} has no Scrum item"
        return record


@pytest.fixture
def scrum(emu: PortalEmulator, session: aiohttp.ClientSession) -> Scrum:
    user_id = emu.add_user("Anna", "Petrova")
    group_id = emu.add_group("Team Alpha", owner_id=user_id, scrum_master_id=user_id)
    tracker = Bitrix24Tracker(Bitrix24Client(session, timeout=5.0))
    return Scrum(emu, tracker, link(emu, user_id), user_id, group_id, emu.backlog_id(group_id))
