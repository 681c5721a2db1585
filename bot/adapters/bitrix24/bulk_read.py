"""Many tasks read at once, in as few `batch` requests as Bitrix24 allows.

- Up to 25 tasks: one batch, per task a task read and an item read (what `read_task` sends).
- More: `tasks.task.list` pages of 50 ids say which tasks the member can read and an item read
  per task says where each sits in the Scrum. No item read needs the listing's answer (a task
  the listing left out still gets one: it tells AccessDenied from TaskNotFound), so the listing
  pages go first and item reads fill every batch up to 50 commands: at most ceil(N/50) + 1
  requests, often ceil(N/50).

A task asked for twice is read once. Reads change nothing, so a failed request is raised.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.adapters.bitrix24 import commands as cmd
from bot.adapters.bitrix24.bulk import Answers, Result, packed, unreadable
from bot.adapters.bitrix24.client import MAX_BATCH, Bitrix24Client
from bot.adapters.bitrix24.parsing import parse_item, parse_task, parse_task_list
from bot.core.errors import NotInScrum, TaskNotFound, TrackerError
from bot.core.model import Credential, TaskInfo, TaskState

SMALL_READ = MAX_BATCH // 2  # 25 tasks at two commands each fill one batch


class BulkReader:
    """Reads many tasks and their Scrum items for one member."""

    def __init__(self, client: Bitrix24Client) -> None:
        self._client = client

    async def read_many(self, credential: Credential, task_ids: Sequence[int]) -> list[Result]:
        """Each task's state or its own error, in order (see the module's request budget)."""
        unique = list(dict.fromkeys(task_ids))
        if not unique:
            return []
        if len(unique) <= SMALL_READ:
            found = await self._in_one_batch(credential, unique)
        else:
            found = await self._listed(credential, unique)
        return [found[task_id] for task_id in task_ids]

    async def _in_one_batch(self, credential: Credential, ids: list[int]) -> dict[int, Result]:
        """A task read and an item read per task, in one batch that does not halt."""
        commands: dict[str, cmd.Command] = {}
        for i, task_id in enumerate(ids):
            commands[f"t{i}"] = cmd.task_get(task_id)
            commands[f"i{i}"] = cmd.item_get(task_id)
        answers = Answers()
        answers.add(await self._client.batch(credential, commands, halt=False))
        found: dict[int, Result] = {}
        for i, task_id in enumerate(ids):
            info = answers.errors.get(f"t{i}") or parse_task(answers.results.get(f"t{i}"))
            found[task_id] = _state(answers, f"i{i}", info)
        return found

    async def _listed(self, credential: Credential, ids: list[int]) -> dict[int, Result]:
        """Listing pages first, then an item read per task, packed 50 commands a batch."""
        pages = [ids[n : n + cmd.PAGE] for n in range(0, len(ids), cmd.PAGE)]
        listing = [[(f"l{n}", cmd.task_list_by_ids(page))] for n, page in enumerate(pages)]
        reads = [[(f"i{i}", cmd.item_get(task_id))] for i, task_id in enumerate(ids)]
        answers = Answers()
        for batch in packed([*listing, *reads]):
            answers.add(await self._client.batch(credential, batch, halt=False))
        infos: dict[int, TaskInfo] = {}
        for n in range(len(pages)):
            if f"l{n}" in answers.errors:
                raise answers.errors[f"l{n}"]
            infos.update((t.id, t) for t in parse_task_list(answers.results.get(f"l{n}")))
        return {t: _state(answers, f"i{i}", infos.get(t)) for i, t in enumerate(ids)}


def _state(answers: Answers, item_key: str, info: TaskInfo | TrackerError | None) -> Result:
    """One task from its read (`None`: not readable) and its item read under `item_key`."""
    if isinstance(info, TrackerError):
        return info
    if info is None:
        return unreadable(answers.errors.get(item_key))
    error = answers.errors.get(item_key)
    if isinstance(error, TaskNotFound | NotInScrum):
        return TaskState(info=info, item=None)
    if error is not None:
        return error
    return TaskState(info=info, item=parse_item(answers.results.get(item_key)))
