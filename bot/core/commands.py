"""What a command asks for, once parsed: the typed requests the use cases receive."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TargetKind(StrEnum):
    """Where `/move` sends a task."""

    BACKLOG = "backlog"
    ACTIVE = "active"
    NEXT = "next"
    ENTITY = "entity"  # a numeric entity id
    NAME = "name"  # a sprint name, matched forgivingly


@dataclass(frozen=True)
class MoveTarget:
    kind: TargetKind
    value: str = ""  # the name as typed, or the entity id's digits

    @property
    def entity_id(self) -> int:
        return int(self.value)


@dataclass(frozen=True)
class SetPoints:
    """`/sp`: story points per task ("" clears)."""

    items: tuple[tuple[int, str], ...]

    @property
    def tasks(self) -> tuple[int, ...]:
        return tuple(task for task, _ in self.items)


@dataclass(frozen=True)
class MoveTask:
    tasks: tuple[int, ...]
    target: MoveTarget


@dataclass(frozen=True)
class EpicRef:
    """An epic by name, by id, or `none` (id 0) to detach."""

    name: str = ""
    epic_id: int | None = None


@dataclass(frozen=True)
class SetEpic:
    tasks: tuple[int, ...]
    epic: EpicRef


@dataclass(frozen=True)
class SetRank:
    task: int
    sort: int

    @property
    def tasks(self) -> tuple[int, ...]:
        return (self.task,)


@dataclass(frozen=True)
class PickPoints:
    """`/sp 42`: no value typed; the member picks it with buttons."""

    tasks: tuple[int, ...]


@dataclass(frozen=True)
class PickTarget:
    """`/move 42`: no target typed; the member picks it with buttons."""

    tasks: tuple[int, ...]


@dataclass(frozen=True)
class PickEpic:
    """`/epic 42`: no epic typed; the member picks it with buttons."""

    tasks: tuple[int, ...]


@dataclass(frozen=True)
class ShowTask:
    task: int

    @property
    def tasks(self) -> tuple[int, ...]:
        return (self.task,)


@dataclass(frozen=True)
class ShowLog:
    """`/log 42`: what the bot changed on the task."""

    task: int

    @property
    def tasks(self) -> tuple[int, ...]:
        return (self.task,)
