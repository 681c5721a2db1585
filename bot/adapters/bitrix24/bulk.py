"""Scrum item writes in as few `batch` requests as Bitrix24 allows.

- One write on its own (`write_one`): one batch that halts at the first failing command.
- Up to 16 writes (`write_many`): one batch that does not halt, per task a task read, an item
  read and the item write (a new item: no item read), so one bad task never stops the others.
- More: one batch of `tasks.task.list` pages says which tasks the member can read, then
  batches of (item read, item write) pairs, 25 a batch: at most ceil(N/25) + 1 requests.

A batch that does not halt runs every command even after one failed, so two rules keep a task
from being written when it should not be:
- the write goes out only for a task that was read: its `id` is a `$result[...]` reference to
  the task's own read (that read's `[]` is no id, so the write fails unrun), or, for many
  writes, it is only sent for tasks the listing returned;
- `createdBy` goes out only with `create=True`: without it Bitrix24 creates no item, so a task
  that has none fails ("Item not created"/"Entity id not found") instead of joining the Scrum.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.adapters.bitrix24 import commands as cmd
from bot.adapters.bitrix24.client import MAX_BATCH, BatchResult, Bitrix24Client
from bot.adapters.bitrix24.errors import unexpected
from bot.adapters.bitrix24.parsing import parse_item, parse_task, parse_task_list
from bot.core.errors import (
    AccessDenied,
    CredentialsRejected,
    NotInScrum,
    PortalUnavailable,
    RateLimited,
    TaskNotFound,
    TrackerError,
)
from bot.core.model import Credential, ItemWrite, TaskInfo, TaskState

SMALL = MAX_BATCH // 3  # 16 writes at three commands each fill one batch
_REQUEST_ERRORS = (RateLimited, PortalUnavailable, CredentialsRejected)

Result = TaskState | TrackerError
Batch = dict[str, cmd.Command]


@dataclass
class Answers:
    """What the commands of one or more batches gave, by command key."""

    results: dict[str, object] = field(default_factory=dict)
    errors: dict[str, TrackerError] = field(default_factory=dict)

    def add(self, answer: BatchResult) -> None:
        self.results.update(answer.results)
        self.errors.update(answer.errors)

    def fail(self, keys: Iterable[str], error: TrackerError) -> None:
        """Commands a failed request never ran: each gets that request's error."""
        self.errors.update(dict.fromkeys(keys, error))


def fields_of(write: ItemWrite) -> dict[str, str]:
    """The item fields to send; `createdBy` only when the item is to be created."""
    fields = write.changes.as_fields()
    if not write.create:
        fields.pop("createdBy", None)
    return fields


class BulkWriter:
    """Sends item writes for one member and tells each task's outcome."""

    def __init__(self, client: Bitrix24Client) -> None:
        self._client = client

    async def write_one(self, credential: Credential, write: ItemWrite) -> TaskState:
        """One write in one halting batch; the state before it, or the task's error raised."""
        task_id, commands = write.task_id, {"t0": cmd.task_get(write.task_id)}
        if not write.create:
            commands["i0"] = cmd.item_get(task_id)
        commands["u0"] = cmd.item_update(task_id, write.changes.as_fields())
        answers = Answers()
        answers.add(await self._client.batch(credential, commands, halt=True))
        outcome = _outcome(answers, 0, write, _read_task(answers, "t0"))
        if isinstance(outcome, TrackerError):
            raise outcome
        return outcome

    async def write_many(self, credential: Credential, writes: Sequence[ItemWrite]) -> list[Result]:
        """Each write's before-state or error, in order (see the module's request budget)."""
        if len(writes) <= SMALL:
            return await self._in_one_batch(credential, writes)
        infos = await self._readable(credential, sorted({w.task_id for w in writes}))
        answers = await self._run(credential, _write_batches(writes, infos))
        return [_outcome(answers, i, w, infos.get(w.task_id)) for i, w in enumerate(writes)]

    async def _in_one_batch(
        self, credential: Credential, writes: Sequence[ItemWrite]
    ) -> list[Result]:
        """Reads and writes of up to 16 tasks in one batch that does not halt."""
        commands: Batch = {}
        for i, write in enumerate(writes):
            commands[f"t{i}"] = cmd.task_get(write.task_id)
            if not write.create:
                commands[f"i{i}"] = cmd.item_get(write.task_id)
            commands[f"u{i}"] = cmd.item_update(cmd.read_task_id(f"t{i}"), fields_of(write))
        answers = Answers()
        answers.add(await self._client.batch(credential, commands, halt=False))
        return [
            _outcome(answers, i, write, _read_task(answers, f"t{i}"))
            for i, write in enumerate(writes)
        ]

    async def _readable(self, credential: Credential, task_ids: list[int]) -> dict[int, TaskInfo]:
        """The tasks among `task_ids` the member can read: list pages of 50 ids, one batch."""
        pages = [task_ids[n : n + cmd.PAGE] for n in range(0, len(task_ids), cmd.PAGE)]
        listing = {f"l{n}": cmd.task_list_by_ids(page) for n, page in enumerate(pages)}
        infos: dict[int, TaskInfo] = {}
        for batch in packed([[item] for item in listing.items()]):
            answer = await self._client.batch(credential, batch, halt=False)
            for key in batch:
                if key in answer.errors:
                    raise answer.errors[key]
                infos.update((t.id, t) for t in parse_task_list(answer.results.get(key)))
        return infos

    async def _run(self, credential: Credential, batches: list[Batch]) -> Answers:
        """Send the write batches in turn; once one is written, a later request's failure is
        that of each task it left unwritten (the first one's is raised: nothing was written)."""
        answers = Answers()
        for n, batch in enumerate(batches):
            try:
                answers.add(await self._client.batch(credential, batch, halt=False))
            except TrackerError as error:
                if n == 0:
                    raise
                answers.fail((key for rest in batches[n:] for key in rest), error)
                break
        return answers


def _write_batches(writes: Sequence[ItemWrite], infos: dict[int, TaskInfo]) -> list[Batch]:
    """(item read, item write) per readable task; a bare item read for each other task, which
    tells AccessDenied from TaskNotFound and writes nothing."""
    units: list[list[tuple[str, cmd.Command]]] = []
    for i, write in enumerate(writes):
        read = (f"i{i}", cmd.item_get(write.task_id))
        update = (f"u{i}", cmd.item_update(write.task_id, fields_of(write)))
        if write.task_id not in infos:
            units.append([read])
        elif write.create:
            units.append([update])
        else:
            units.append([read, update])
    return packed(sorted(units, key=len, reverse=True))  # pairs first: no batch is left short


def packed(units: Iterable[list[tuple[str, cmd.Command]]]) -> list[Batch]:
    """Units of commands (a unit never split) in batches of at most 50 commands."""
    batches: list[Batch] = [{}]
    for unit in units:
        if len(batches[-1]) + len(unit) > MAX_BATCH:
            batches.append({})
        batches[-1].update(unit)
    return [batch for batch in batches if batch]


def _read_task(answers: Answers, key: str) -> TaskInfo | TrackerError | None:
    """A `tasks.task.get` of a batch: the task, its failure, or None for Bitrix24's `[]`."""
    if key in answers.errors:
        return answers.errors[key]
    return parse_task(answers.results.get(key))


def _outcome(
    answers: Answers, i: int, write: ItemWrite, info: TaskInfo | TrackerError | None
) -> Result:
    """One write's result from the commands `i{i}` (item read) and `u{i}` (item write)."""
    if isinstance(info, TrackerError):
        return info
    if info is None:
        return unreadable(answers.errors.get(f"i{i}"))
    for key in (f"i{i}", f"u{i}"):
        if key in answers.errors:
            return with_task(answers.errors[key], info)
    if f"u{i}" not in answers.results:
        return unexpected("the batch stopped before the item write without an error")
    item = None if write.create else parse_item(answers.results.get(f"i{i}"))
    return TaskState(info=info, item=item)


def unreadable(item_error: TrackerError | None) -> TrackerError:
    """A task the member cannot read: AccessDenied when its item read says so (the task is in
    a group the member is not in), a failed request as it is, else TaskNotFound."""
    if isinstance(item_error, (AccessDenied, *_REQUEST_ERRORS)):
        return item_error
    return TaskNotFound("0", "Task not found")


def with_task(error: TrackerError, info: TaskInfo) -> TrackerError:
    """A "task not found" about a task just read means it is not in the Scrum."""
    if isinstance(error, TaskNotFound | NotInScrum):
        return NotInScrum(error.code, error.description, task=info)
    return error
