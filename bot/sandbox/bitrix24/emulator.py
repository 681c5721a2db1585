"""``PortalEmulator``: one Bitrix24 cloud portal on loopback, with a Python control API."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime

from aiohttp import web

from .faults import FaultControls
from .records import EntityRecord, EpicRecord, LoggedRequest, ScrumItemRecord, TaskRecord
from .server import RestServer
from .state import DEFAULT_SCOPES, PortalState


class PortalEmulator(FaultControls):
    """A fake Bitrix24 portal: seed it, start it, point a client at ``webhook_url``."""

    def __init__(self) -> None:
        self.state = PortalState()
        self._server = RestServer(self.state)
        self._runner: web.AppRunner | None = None
        self._base_url = ""

    # -- lifecycle -------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on host:port (0 = any free port) and return the base URL."""
        self._server.stopping = asyncio.Event()
        runner = web.AppRunner(self.app, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound_port = runner.addresses[0][1]
        self._base_url = f"http://{host}:{bound_port}"
        return self._base_url

    async def stop(self) -> None:
        """Stop serving (hanging requests are released first)."""
        self._server.stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` once started (settable when served by other means)."""
        return self._base_url

    @base_url.setter
    def base_url(self, url: str) -> None:
        self._base_url = url.rstrip("/")

    @property
    def app(self) -> web.Application:
        """The aiohttp application (usable with aiohttp test utilities)."""
        return self._server.app

    # -- seeding ---------------------------------------------------------------

    def add_user(self, name: str, last_name: str = "") -> int:
        """Create a user and return its id (ints from 1)."""
        return self.state.add_user(name, last_name)

    def add_webhook(self, user_id: int, scopes: Iterable[str] = DEFAULT_SCOPES) -> str:
        """Create an incoming webhook for a user and return its random code."""
        return self.state.add_webhook(user_id, scopes)

    def webhook_url(self, user_id: int, code: str) -> str:
        """The webhook base URL a client appends method names to."""
        return f"{self._base_url}/rest/{user_id}/{code}/"

    def revoke_webhook(self, code: str) -> None:
        """Make later calls with this code fail with INVALID_CREDENTIALS."""
        self.state.webhooks[code].revoked = True

    def add_group(
        self, name: str, *, owner_id: int, scrum_master_id: int = 0, members: Iterable[int] = ()
    ) -> int:
        """Create a group (a scrum with a backlog when it has a scrum master)."""
        return self.state.add_group(name, owner_id, scrum_master_id, members)

    def add_member(self, group_id: int, user_id: int) -> None:
        """Add a user to a group."""
        self.state.group(group_id).members.add(user_id)

    def remove_member(self, group_id: int, user_id: int) -> None:
        """Remove a user from a group."""
        self.state.group(group_id).members.discard(user_id)

    def backlog_id(self, group_id: int) -> int:
        """The entity id of a scrum's backlog (KeyError for a non-scrum group)."""
        backlog = self.state.backlog_of(group_id)
        if backlog is None:
            raise KeyError(f"group {group_id} has no backlog")
        return backlog.id

    def add_sprint(
        self, group_id: int, name: str, status: str = "planned", *, sort: int = 0,
        date_start: datetime | None = None, date_end: datetime | None = None,
    ) -> int:  # fmt: skip
        """Create a sprint; its id shares the entity id space with backlogs."""
        return self.state.add_sprint(group_id, name, status, sort, date_start, date_end)

    def add_epic(self, group_id: int, name: str, *, description: str = "", color: str = "") -> int:
        """Create an epic in a group."""
        return self.state.add_epic(group_id, name, description, color)

    def add_task(
        self, title: str, *, group_id: int, responsible_id: int, created_by: int | None = None,
        entity_id: int | None = None, story_points: str = "", epic_id: int = 0, sort: int = 0,
        status: int = 2,
    ) -> int:  # fmt: skip
        """Create a task; with ``entity_id`` it also gets a scrum item."""
        author = created_by if created_by is not None else responsible_id
        task = TaskRecord(0, title, group_id, responsible_id, author, status)
        item = None
        if entity_id is not None:
            if self.state.entity(entity_id).group_id != group_id:
                raise ValueError(f"entity {entity_id} is not in group {group_id}")
            item = ScrumItemRecord(
                entity_id, story_points, epic_id, sort, float(sort), author, author
            )
        return self.state.add_task(task, item)

    def set_task_status(self, task_id: int, status: int) -> None:
        """Change a task's status (5 = completed)."""
        self.state.tasks[task_id].status = status

    # -- inspection ------------------------------------------------------------

    def item(self, task_id: int) -> ScrumItemRecord | None:
        """The task's scrum item, if any."""
        return self.state.items.get(task_id)

    def task(self, task_id: int) -> TaskRecord:
        """A task (KeyError if missing)."""
        return self.state.tasks[task_id]

    def tasks_created(self) -> list[TaskRecord]:
        """Tasks created through ``tasks.task.add``, oldest first."""
        return [self.state.tasks[task_id] for task_id in self.state.created]

    def entity(self, entity_id: int) -> EntityRecord:
        """A backlog or sprint (KeyError if missing)."""
        return self.state.entity(entity_id)

    def epic(self, epic_id: int) -> EpicRecord:
        """An epic (KeyError if missing)."""
        return self.state.epics[epic_id]

    @property
    def requests(self) -> list[LoggedRequest]:
        """Every request that reached ``/rest/``, oldest first."""
        return self._server.requests

    def clear_log(self) -> None:
        """Forget the logged requests."""
        self._server.requests.clear()
