"""The `Tracker` port on Bitrix24: each use-case question costs one or two HTTP requests.

Item writes go through `bulk.py` (request budget) and `coalescing.py` (a member's writes that
arrive while their request is in flight share the next one).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bot.adapters.bitrix24 import commands as cmd
from bot.adapters.bitrix24.bulk import BulkWriter, Result, fields_of, unreadable
from bot.adapters.bitrix24.bulk_read import BulkReader
from bot.adapters.bitrix24.client import BatchResult, Bitrix24Client
from bot.adapters.bitrix24.coalescing import WriteCoalescer
from bot.adapters.bitrix24.parsing import (
    as_list,
    is_empty,
    parse_backlog_id,
    parse_epic,
    parse_group,
    parse_group_list,
    parse_item,
    parse_sprint,
    parse_task,
    parse_user,
)
from bot.adapters.bitrix24.task_calls import add_task, move_task
from bot.core.errors import (
    GroupNotFound,
    NotInScrum,
    TaskNotFound,
    TrackerError,
    TrackerRefused,
)
from bot.core.model import (
    Credential,
    ItemChanges,
    ItemWrite,
    PortalUser,
    ScrumGroup,
    ScrumSnapshot,
    TaskInfo,
    TaskState,
)
from bot.services.ports import Tracker

MAX_PAGES = 20  # per list: 1,000 sprints or epics is far beyond any real Scrum


class Bitrix24Tracker(Tracker):
    """Answers the use cases' questions with as few Bitrix24 requests as possible."""

    def __init__(self, client: Bitrix24Client) -> None:
        self._client = client
        self._bulk = BulkWriter(client)
        self._reads = BulkReader(client)
        self._writes = WriteCoalescer(self._send_writes)

    async def current_user(self, credential: Credential) -> PortalUser:
        """`user.current`: who the webhook belongs to."""
        return parse_user(await self._client.call(credential, "user.current"))

    async def find_group(self, credential: Credential, ref: str) -> ScrumGroup:
        """A workgroup by id (digits) or exact name (case-insensitive); GroupNotFound if none."""
        ref = ref.strip()
        if ref.isascii() and ref.isdigit():
            return await self._group_by_id(credential, int(ref))
        for name_filter in ({"NAME": ref}, {"%NAME": ref}):
            method, params = cmd.group_list(name_filter)
            groups = parse_group_list(await self._client.call(credential, method, params))
            match = next((g for g in groups if g.name.casefold() == ref.casefold()), None)
            if match is not None:
                return match
        raise GroupNotFound("0", "Group not found")

    async def load_scrum(self, credential: Credential, group_id: int) -> ScrumSnapshot:
        """Backlog id, all sprints and all epics: one batch, plus one per extra page of 50."""
        first = await self._client.batch(
            credential,
            {
                "backlog": cmd.backlog_get(group_id),
                "sprints": cmd.sprint_page(group_id, 0),
                "epics": cmd.epic_page(group_id, 0),
            },
            halt=False,
        )
        _raise_first(first, ("backlog", "sprints", "epics"))
        backlog_id = parse_backlog_id(first.results.get("backlog"))
        lists = await self._all_pages(credential, group_id, first)
        sprints = {s.id: s for s in map(parse_sprint, lists["sprints"])}
        epics = {e.id: e for e in map(parse_epic, lists["epics"])}
        return ScrumSnapshot(
            group_id=group_id,
            backlog_id=backlog_id,
            sprints=tuple(sprints.values()),
            epics=tuple(epics.values()),
            fetched_at=datetime.now(UTC),
        )

    async def read_task(self, credential: Credential, task_id: int) -> TaskState:
        """The task's fields and its Scrum item in one batch; TaskNotFound if invisible."""
        answer = await self._client.batch(
            credential, {"task": cmd.task_get(task_id), "item": cmd.item_get(task_id)}, halt=False
        )
        info = _task_info(answer)
        error = answer.errors.get("item")
        if isinstance(error, TaskNotFound | NotInScrum):
            return TaskState(info=info, item=None)
        if error is not None:
            raise error
        return TaskState(info=info, item=parse_item(answer.results.get("item")))

    async def read_tasks(
        self, credential: Credential, task_ids: Sequence[int]
    ) -> list[TaskState | TrackerError]:
        """Each task's state or its own error, in order; at most ceil(N/50) + 1 requests."""
        return await self._reads.read_many(credential, task_ids)

    async def update_item(
        self, credential: Credential, task_id: int, changes: ItemChanges, *, create: bool = False
    ) -> TaskState:
        """Write `changes` to the task's Scrum item in one halting batch; return the before.

        While another write of this member is in flight it rides in the next batch instead.
        """
        if not changes.as_fields():
            raise ValueError("update_item needs at least one field to change")
        write = ItemWrite(task_id, changes, create)
        (result,) = await self._writes.submit(credential, [write], halting=True)
        if isinstance(result, TrackerError):
            raise result
        return result

    async def update_items(
        self, credential: Credential, writes: Sequence[ItemWrite]
    ) -> list[TaskState | TrackerError]:
        """Per write the state before it or the task's error; at most ceil(N/25) + 1 requests."""
        if any(not fields_of(write) for write in writes):
            raise ValueError("update_items needs at least one field to change per task")
        if not writes:
            return []
        return await self._writes.submit(credential, writes)

    async def create_task(
        self, credential: Credential, group_id: int, title: str, responsible_id: int
    ) -> TaskInfo:
        """One `tasks.task.add`, never repeated here (a repeat would duplicate the task)."""
        return await add_task(self._client, credential, group_id, title, responsible_id)

    async def move_to_group(self, credential: Credential, task_id: int, group_id: int) -> None:
        """`tasks.task.update` with GROUP_ID: the task joins another project (workgroup)."""
        await move_task(self._client, credential, task_id, group_id)

    async def _send_writes(
        self, credential: Credential, writes: Sequence[ItemWrite], halting: bool
    ) -> list[Result]:
        """The coalescer's sender: a lone `update_item` halts, everything else goes in bulk."""
        if halting:
            return [await self._bulk.write_one(credential, writes[0])]
        return await self._bulk.write_many(credential, writes)

    async def _group_by_id(self, credential: Credential, group_id: int) -> ScrumGroup:
        """`socialnetwork.api.workgroup.get`; a refusal or an empty answer is GroupNotFound."""
        method, params = cmd.group_get(group_id)
        try:
            answer = await self._client.call(credential, method, params)
        except TrackerRefused as e:
            raise GroupNotFound(e.code, e.description) from e
        if is_empty(answer):
            raise GroupNotFound("0", "Group not found")
        return parse_group(answer)

    async def _all_pages(
        self, credential: Credential, group_id: int, first: BatchResult
    ) -> dict[str, list[object]]:
        """Sprint and epic list items, fetching pages after full ones in follow-up batches."""
        pages = {"sprints": cmd.sprint_page, "epics": cmd.epic_page}
        items: dict[str, list[object]] = {name: [] for name in pages}
        answer, starts = first, dict.fromkeys(pages, 0)
        for _ in range(MAX_PAGES):
            wanted: dict[str, int] = {}
            for name, start in starts.items():
                page = as_list(answer.results.get(name), name)
                items[name].extend(page)
                if len(page) >= cmd.PAGE:
                    wanted[name] = start + cmd.PAGE
            if not wanted:
                break
            batch = {name: pages[name](group_id, start) for name, start in wanted.items()}
            answer, starts = await self._client.batch(credential, batch, halt=False), wanted
            _raise_first(answer, tuple(wanted))
        return items


def _task_info(answer: BatchResult) -> TaskInfo:
    """The task read in a batch; Bitrix24's `[]` is AccessDenied when the item read says so
    (the task exists in a group the member may not read), else TaskNotFound."""
    if "task" in answer.errors:
        raise answer.errors["task"]
    info = parse_task(answer.results.get("task"))
    if info is None:
        raise unreadable(answer.errors.get("item"))
    return info


def _raise_first(answer: BatchResult, keys: tuple[str, ...]) -> None:
    """Raise the error of the first key (in request order) that failed."""
    for key in keys:
        if key in answer.errors:
            raise answer.errors[key]
