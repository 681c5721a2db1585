"""Use cases that change Scrum items: story points, sprint, epic, rank, for one or many tasks.

One message is one bulk write (`Tracker.update_items`), one audit batch and one report. With a
single task a failure is raised as before (the reply names it); with several tasks each failure
is reported in its line and the others are written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from bot.core.errors import NotInScrum, TrackerError
from bot.core.grammar import MoveTask, SetEpic, SetPoints, SetRank
from bot.core.matching import resolve_destination, resolve_epic
from bot.core.model import Change, ItemWrite, ScrumSnapshot, TaskState
from bot.core.outcomes import FieldChanged, TaskFailed, WriteReport
from bot.services.catalog import ScrumCatalog
from bot.services.context import Actor, require_actor
from bot.services.item_fields import EPIC, NO_VALUE, PLACE, POINTS, RANK, ItemField, new_batch_key
from bot.services.ports import Clock, Tracker, UnitOfWork, UnitOfWorkFactory

Result = TaskState | TrackerError


@dataclass(frozen=True)
class Plan:
    """One field written to some tasks: (task, raw value) in the order typed."""

    field: ItemField
    values: tuple[tuple[int, str], ...]


@dataclass
class TaskWrites:
    """Set story points, move, set the epic or rank, as the member who asked."""

    uow_factory: UnitOfWorkFactory
    tracker: Tracker
    catalog: ScrumCatalog
    clock: Clock
    new_key: Callable[[], str] = new_batch_key

    async def set_points(self, chat_id: int, user_id: int, cmd: SetPoints) -> WriteReport:
        """`/sp 42 8`, `/sp 42 43 5`: no cache needed, one Bitrix24 request per 25 tasks."""
        return await self._write(chat_id, user_id, Plan(POINTS, cmd.items))

    async def move(self, chat_id: int, user_id: int, cmd: MoveTask) -> WriteReport:
        """`/move 42 43 sprint-3`: the target resolved once in the cache, then the writes."""

        def plan(snapshot: ScrumSnapshot) -> Plan:
            entity = str(resolve_destination(snapshot, cmd.target).entity_id)
            return Plan(PLACE, tuple((task, entity) for task in cmd.tasks))

        return await self._write(chat_id, user_id, plan)

    async def set_epic(self, chat_id: int, user_id: int, cmd: SetEpic) -> WriteReport:
        """`/epic 42 43 Payments` or `/epic 42 none`."""

        def plan(snapshot: ScrumSnapshot) -> Plan:
            epic = str(resolve_epic(snapshot, cmd.epic).id)
            return Plan(EPIC, tuple((task, epic) for task in cmd.tasks))

        return await self._write(chat_id, user_id, plan)

    async def set_rank(self, chat_id: int, user_id: int, cmd: SetRank) -> WriteReport:
        """`/rank 42 100`: the item's sort order."""
        return await self._write(chat_id, user_id, Plan(RANK, ((cmd.task, str(cmd.sort)),)))

    async def _write(
        self, chat_id: int, user_id: int, plan: Plan | Callable[[ScrumSnapshot], Plan]
    ) -> WriteReport:
        """Who and where; a plan that names sprints or epics is resolved in the cache first."""
        async with self.uow_factory() as uow:
            actor = await require_actor(uow, user_id, chat_id)
            if isinstance(plan, Plan):
                return await self._apply(uow, actor, plan, None)
            snapshot, resolved = await self.catalog.resolve(uow, actor, plan)
            return await self._apply(uow, actor, resolved, snapshot)

    async def _apply(
        self, uow: UnitOfWork, actor: Actor, plan: Plan, snapshot: ScrumSnapshot | None
    ) -> WriteReport:
        """Write, record every attempt in the audit log, commit once, report."""
        audit = _Audit(self.clock, actor, plan.field, self.new_key(), snapshot)
        try:
            results = await self._update(uow, actor, plan)
        except TrackerError as error:  # the whole request failed: every task failed with it
            await uow.changes.add_many([audit.failure(task, raw, error)
                                        for task, raw in plan.values])
            await uow.commit()
            raise
        report = await audit.record(uow, plan, results)
        await uow.commit()
        only = report.results[0] if len(report.results) == 1 else None
        if isinstance(only, TaskFailed):
            raise only.error
        return report

    async def _update(self, uow: UnitOfWork, actor: Actor, plan: Plan) -> list[Result]:
        """The bulk write; tasks of this Scrum that are not items yet are added and written."""
        credential = actor.member.credential
        writes = [ItemWrite(task, plan.field.write(raw)) for task, raw in plan.values]
        results = await self.tracker.update_items(credential, writes)
        retry = [index for index, result in enumerate(results) if isinstance(result, NotInScrum)
                 and result.task is not None and result.task.group_id == actor.chat.group_id]
        if not retry:
            return results
        backlog = None
        creates = []
        for index in retry:
            changes = writes[index].changes
            if changes.entity_id is None and backlog is None:
                backlog = (await self.catalog.snapshot(uow, actor))[0].backlog_id
            entity = changes.entity_id if changes.entity_id is not None else backlog
            creates.append(ItemWrite(writes[index].task_id, replace(
                changes, entity_id=entity, created_by=credential.user_id), create=True))
        for index, result in zip(retry, await self.tracker.update_items(credential, creates),
                                 strict=True):
            results[index] = result
        return results


@dataclass
class _Audit:
    """Turns results into the report and the audit rows of one message."""

    clock: Clock
    actor: Actor
    field: ItemField
    batch: str
    snapshot: ScrumSnapshot | None

    async def record(
        self, uow: UnitOfWork, plan: Plan, results: Sequence[Result]
    ) -> WriteReport:
        lines: list[FieldChanged | TaskFailed] = []
        rows: list[Change] = []
        for (task, raw), result in zip(plan.values, results, strict=True):
            if isinstance(result, TrackerError):
                rows.append(self.failure(task, raw, result))
                read = result.task if isinstance(result, NotInScrum) else None
                lines.append(TaskFailed(task, read.title if read else None, result))
                continue
            old_raw = self.field.read(result.item) if result.item else None
            old = self.field.show(self.snapshot, old_raw) if old_raw is not None else NO_VALUE
            after = self.field.show(self.snapshot, raw)
            rows.append(self._row(task, old, after, "ok", None, old_raw, raw))
            lines.append(FieldChanged(task, result.info.title, self.field.name, old, after))
        await uow.changes.add_many(rows)
        undoable = any(r.old_raw is not None and r.old_raw != r.new_raw for r in rows)
        return WriteReport(tuple(lines), self.batch if undoable else None)

    def failure(self, task: int, raw: str, error: TrackerError) -> Change:
        return self._row(task, None, self.field.show(self.snapshot, raw), "error", error.code,
                         None, raw)

    def _row(self, task: int, old: str | None, new: str, outcome: str, error: str | None,
             old_raw: str | None, new_raw: str) -> Change:
        member, chat = self.actor.member, self.actor.chat
        return Change(
            at=self.clock(), chat_id=chat.chat_id, telegram_user_id=member.telegram_id,
            portal=chat.portal, bitrix_user_id=member.credential.user_id, task_id=task,
            field=self.field.name, old_value=old, new_value=new, outcome=outcome,
            error_code=error, old_raw=old_raw, new_raw=new_raw, batch=self.batch,
            member_name=member.name,
        )  # fmt: skip
