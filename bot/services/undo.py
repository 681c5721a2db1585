"""Undo: put back what one message changed, unless someone changed it again since."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.core.errors import (
    CredentialsRejected,
    PortalUnavailable,
    RateLimited,
    TrackerError,
)
from bot.core.model import Change, ItemWrite, ScrumSnapshot, TaskState
from bot.core.outcomes import FieldChanged, TaskFailed, UndoConflict, UndoOutcome, UndoStatus
from bot.services.catalog import ScrumCatalog
from bot.services.context import Actor, require_actor
from bot.services.item_fields import FIELDS, NO_VALUE, POINTS, new_batch_key
from bot.services.ports import Clock, Tracker, UnitOfWork, UnitOfWorkFactory

UNDO_WINDOW = timedelta(minutes=10)
TRANSIENT = (RateLimited, PortalUnavailable, CredentialsRejected)  # trying again may work


def _undoable(change: Change) -> bool:
    """A successful write that changed something and had a value before."""
    return (change.outcome == "ok" and not change.undone and change.old_raw is not None
            and change.old_raw != change.new_raw and change.field in FIELDS)


@dataclass
class Undo:
    """The Undo button (its author, within the window) and `/undo` (the member's last change)."""

    uow_factory: UnitOfWorkFactory
    tracker: Tracker
    catalog: ScrumCatalog
    clock: Clock
    window: timedelta = UNDO_WINDOW
    new_key: Callable[[], str] = new_batch_key

    async def press(self, chat_id: int, user_id: int, key: str) -> UndoOutcome:
        """A press of the Undo button under the reply to a change."""
        async with self.uow_factory() as uow:
            changes = await uow.changes.batch(key)
            if not changes or changes[0].chat_id != chat_id:
                return UndoOutcome(UndoStatus.NOTHING)
            first = changes[0]
            if first.telegram_user_id != user_id:
                return UndoOutcome(UndoStatus.NOT_YOURS, owner=first.member_name)
            if self.clock() - first.at > self.window:
                return UndoOutcome(UndoStatus.EXPIRED)
            actor = await require_actor(uow, user_id, chat_id)
            return await self._undo(uow, actor, changes)

    async def last(self, chat_id: int, user_id: int) -> UndoOutcome:
        """`/undo`: the member's latest change in this chat not undone yet (its whole message)."""
        async with self.uow_factory() as uow:
            actor = await require_actor(uow, user_id, chat_id)
            key = await uow.changes.last_batch(chat_id, user_id)
            if key is None:
                return UndoOutcome(UndoStatus.NOTHING)
            return await self._undo(uow, actor, await uow.changes.batch(key))

    async def _undo(
        self, uow: UnitOfWork, actor: Actor, changes: Sequence[Change]
    ) -> UndoOutcome:
        """Re-read, refuse what changed since, write the rest back in bulk, record, commit.

        A failed request (rate limit, portal down, rejected webhook) is raised and marks
        nothing: the member may try again. A task left unwritten by such a failure stays undoable.
        """
        todo = [change for change in changes if _undoable(change)]
        if not todo:
            return UndoOutcome(UndoStatus.ALREADY)
        snapshot = None
        if any(change.field != POINTS.name for change in todo):
            snapshot = (await self.catalog.snapshot(uow, actor))[0]
        credential = actor.member.credential
        states = await self.tracker.read_tasks(credential, [change.task_id for change in todo])
        results: list[FieldChanged | UndoConflict | TaskFailed] = []
        writes: list[tuple[int, Change]] = []
        for change, state in zip(todo, states, strict=True):
            refusal = _refusal(change, state, snapshot)
            if refusal is None:
                writes.append((len(results), change))
            results.append(refusal or _restored(change, state, snapshot))
        rows = await self._write_back(actor, writes, results)
        await uow.changes.add_many([replace(row, at=self.clock()) for row in rows])
        await uow.changes.mark_undone([change.id for change, result in zip(todo, results,
                                                                            strict=True)
                                       if change.id is not None and _settled(result)])
        await uow.commit()
        return UndoOutcome(UndoStatus.DONE, results=tuple(results))

    async def _write_back(
        self,
        actor: Actor,
        writes: Sequence[tuple[int, Change]],
        results: list[FieldChanged | UndoConflict | TaskFailed],
    ) -> list[Change]:
        """Write the old values in one bulk write; the audit rows of the undo."""
        if not writes:
            return []
        key = self.new_key()
        answers = await self.tracker.update_items(actor.member.credential, [
            ItemWrite(change.task_id, FIELDS[change.field].write(change.old_raw or ""))
            for _, change in writes])
        rows = []
        for (index, change), answer in zip(writes, answers, strict=True):
            failed = isinstance(answer, TrackerError)
            if isinstance(answer, TrackerError):
                title = getattr(results[index], "title", None)
                results[index] = TaskFailed(change.task_id, title, answer)
            rows.append(replace(
                change, id=None, batch=key, undo_of=change.batch, undone=False,
                old_value=change.new_value, new_value=change.old_value,
                old_raw=change.new_raw, new_raw=change.old_raw,
                outcome="error" if failed else "ok",
                error_code=answer.code if isinstance(answer, TrackerError) else None))
        return rows


def _settled(result: FieldChanged | UndoConflict | TaskFailed) -> bool:
    """Undo is over for this task: written back, refused, or failed for good (not transiently)."""
    return not (isinstance(result, TaskFailed) and isinstance(result.error, TRANSIENT))


def _refusal(
    change: Change, state: TaskState | TrackerError, snapshot: ScrumSnapshot | None
) -> UndoConflict | TaskFailed | None:
    """Why this task is left alone: it is gone, or its field no longer holds what we wrote."""
    if isinstance(state, TrackerError):
        return TaskFailed(change.task_id, None, state)
    field = FIELDS[change.field]
    current = field.read(state.item) if state.item else None
    if current == change.new_raw:
        return None
    shown = field.show(snapshot, current) if current is not None else NO_VALUE
    return UndoConflict(change.task_id, state.info.title, field.name, shown)


def _restored(
    change: Change, state: TaskState | TrackerError, snapshot: ScrumSnapshot | None
) -> FieldChanged:
    """The task as the undo leaves it: the written value back to the old one."""
    title = state.info.title if isinstance(state, TaskState) else ""
    field = FIELDS[change.field]
    return FieldChanged(change.task_id, title, field.name,
                        field.show(snapshot, change.new_raw or ""),
                        field.show(snapshot, change.old_raw or ""))
