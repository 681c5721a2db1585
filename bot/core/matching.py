"""Name matching: `sprint-3` = `Sprint 3` = `sprint 3`, and suggestions when nothing matches."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core.errors import NameNotFound, SprintCompleted
from bot.core.grammar import EpicRef, MoveTarget, TargetKind
from bot.core.model import Epic, ScrumSnapshot, Sprint, SprintStatus

_SEPARATORS = re.compile(r"[\W_]+")
MAX_SUGGESTIONS = 3
_SUGGESTION_CUTOFF = 50


def name_key(name: str) -> str:
    """What two names must share to be the same name: letters and digits, case-folded."""
    return _SEPARATORS.sub("", name.casefold())


@dataclass(frozen=True)
class Destination:
    """Where a task goes: an entity id and the name members know it by."""

    entity_id: int
    name: str


def suggestions(typed: str, names: Iterable[str]) -> tuple[str, ...]:
    """Up to three names closest to what was typed."""
    choices = list(dict.fromkeys(names))
    found = process.extract(
        name_key(typed),
        choices,
        scorer=fuzz.WRatio,
        processor=name_key,
        limit=MAX_SUGGESTIONS,
        score_cutoff=_SUGGESTION_CUTOFF,
    )
    return tuple(choice for choice, _score, _index in found)


def _by_name(sprints: Sequence[Sprint], typed: str) -> Sprint | None:
    key = name_key(typed)
    matches = [s for s in sprints if name_key(s.name) == key]
    # Several sprints may share a name: prefer the one still open, then the newest.
    matches.sort(key=lambda s: (s.status != SprintStatus.COMPLETED, s.id))
    return matches[-1] if matches else None


def active_sprint(snapshot: ScrumSnapshot) -> Sprint | None:
    return next((s for s in snapshot.sprints if s.status == SprintStatus.ACTIVE), None)


def planned_sprints(snapshot: ScrumSnapshot) -> list[Sprint]:
    """Planned sprints in the order they will run: start date, then sort order, then id."""
    planned = [s for s in snapshot.sprints if s.status == SprintStatus.PLANNED]
    planned.sort(key=lambda s: (s.date_start is None, s.date_start or 0, s.sort, s.id))
    return planned


def next_sprint(snapshot: ScrumSnapshot) -> Sprint | None:
    """The earliest planned sprint (`/move 42 next`)."""
    planned = planned_sprints(snapshot)
    return planned[0] if planned else None


def _sprint_for(snapshot: ScrumSnapshot, target: MoveTarget) -> Sprint | None:
    if target.kind == TargetKind.ACTIVE:
        return active_sprint(snapshot)
    if target.kind == TargetKind.NEXT:
        return next_sprint(snapshot)
    if target.kind == TargetKind.ENTITY:
        return next((s for s in snapshot.sprints if s.id == target.entity_id), None)
    return _by_name(snapshot.sprints, target.value)


def resolve_destination(snapshot: ScrumSnapshot, target: MoveTarget) -> Destination:
    """The entity a `/move` target names; NameNotFound or SprintCompleted otherwise."""
    is_backlog_id = target.kind == TargetKind.ENTITY and target.entity_id == snapshot.backlog_id
    if target.kind == TargetKind.BACKLOG or is_backlog_id:
        return Destination(snapshot.backlog_id, "Backlog")
    sprint = _sprint_for(snapshot, target)
    if sprint is None:
        open_sprints = [s for s in snapshot.sprints if s.status != SprintStatus.COMPLETED]
        typed = target.value or target.kind.value
        names = suggestions(typed, [s.name for s in open_sprints])
        choices = tuple((found.id, name) for name in names
                        if (found := _by_name(open_sprints, name)) is not None)
        raise NameNotFound("sprint", typed, names, choices)
    if sprint.status == SprintStatus.COMPLETED:
        raise SprintCompleted(sprint.name)
    return Destination(sprint.id, sprint.name)


def resolve_epic(snapshot: ScrumSnapshot, ref: EpicRef) -> Epic:
    """The epic an `/epic` argument names (id 0 = no epic); NameNotFound otherwise."""
    if ref.epic_id == 0:
        return Epic(0, "no epic")
    if ref.epic_id is not None:
        found = next((e for e in snapshot.epics if e.id == ref.epic_id), None)
    else:
        key = name_key(ref.name)
        found = next((e for e in snapshot.epics if name_key(e.name) == key), None)
    if found is None:
        typed = ref.name or str(ref.epic_id)
        names = suggestions(typed, [e.name for e in snapshot.epics])
        by_name = {e.name: e.id for e in reversed(snapshot.epics)}  # the first of a shared name
        raise NameNotFound("epic", typed, names, tuple((by_name[n], n) for n in names))
    return found
