"""One small team on one portal, wired to the real use cases over the in-memory fakes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.core.model import (
    ChatBinding,
    Credential,
    Epic,
    Member,
    ScrumItem,
    Sprint,
    SprintStatus,
    TaskInfo,
)
from bot.services.accounts import Accounts
from bot.services.catalog import ScrumCatalog
from bot.services.scrum_reads import ScrumReads
from bot.services.task_writes import TaskWrites
from tests.unit.fakes import PORTAL, FakeGroup, FakeTracker, FixedClock, InMemoryStore

OTHER_PORTAL = "https://other.bitrix24.com"
NOW = datetime(2025, 3, 10, 9, 30, tzinfo=UTC)

CHAT = -1001  # bound to the Scrum "Mobile team" (group 7)
UNBOUND_CHAT = -1002
ANNA = 501  # scrum master of Mobile team, also in Web team
BORIS = 502  # member of Mobile team
VERA = 503  # linked on the same portal, but not in Mobile team
GLEB = 504  # linked on another portal
NOBODY = 505  # never linked

MOBILE, WEB, MARKETING = 7, 8, 9
BACKLOG = 100
SPRINT_1, SPRINT_2, SPRINT_3, SPRINT_4 = 101, 102, 103, 104
PAYMENTS, ONBOARDING = 201, 202


def day(month: int, number: int) -> datetime:
    return datetime(2025, month, number, tzinfo=UTC)


def build_portal(clock: FixedClock) -> tuple[FakeTracker, dict[int, Credential]]:
    """Mobile team (a Scrum), Web team (another Scrum) and Marketing (a plain project)."""
    tracker = FakeTracker(clock)
    creds = {
        ANNA: tracker.add_user(1, "Anna Smirnova", "annaSecret01"),
        BORIS: tracker.add_user(2, "Boris Petrov", "borisSecret02"),
        VERA: tracker.add_user(3, "Vera Ivanova", "veraSecret03"),
        GLEB: tracker.add_user(9, "Gleb Orlov", "glebSecret04", portal=OTHER_PORTAL),
    }
    tracker.add_group(FakeGroup(MOBILE, "Mobile team", 1, {1, 2}, BACKLOG))
    tracker.add_group(FakeGroup(WEB, "Web team", 3, {1, 3}, 300))
    tracker.add_group(FakeGroup(MARKETING, "Marketing", 0, {1, 2}))
    for sprint in (
        Sprint(SPRINT_1, "Sprint 1", SprintStatus.COMPLETED, 1, day(2, 17), day(2, 28)),
        Sprint(SPRINT_2, "Sprint 2", SprintStatus.ACTIVE, 2, day(3, 3), day(3, 14)),
        Sprint(SPRINT_3, "Sprint 3", SprintStatus.PLANNED, 3, day(3, 17), day(3, 28)),
        Sprint(SPRINT_4, "Sprint 4", SprintStatus.PLANNED, 4, day(3, 31), day(4, 11)),
    ):
        tracker.add_sprint(MOBILE, sprint)
    tracker.add_sprint(WEB, Sprint(301, "Web sprint", SprintStatus.ACTIVE, 1))
    tracker.add_epic(MOBILE, Epic(PAYMENTS, "Payments"))
    tracker.add_epic(MOBILE, Epic(ONBOARDING, "Onboarding"))
    tracker.add_task(TaskInfo(42, "Fix login crash", 3, "Boris Petrov", MOBILE),
                     ScrumItem(BACKLOG, "5", 0, 10, MOBILE))
    tracker.add_task(TaskInfo(43, "Checkout page", 2, "Anna Smirnova", MOBILE),
                     ScrumItem(SPRINT_2, "3", PAYMENTS, 20, MOBILE))
    tracker.add_task(TaskInfo(44, "Write onboarding copy", 2, "Boris Petrov", MOBILE))
    tracker.add_task(TaskInfo(45, "Landing page", 2, "Vera Ivanova", WEB))
    tracker.add_task(TaskInfo(46, "Web login", 2, "Vera Ivanova", WEB),
                     ScrumItem(301, "2", 0, 5, WEB))
    return tracker, creds


@dataclass
class Team:
    """The portal, the bot's database, and the use cases a handler would call."""

    clock: FixedClock
    tracker: FakeTracker
    store: InMemoryStore
    creds: dict[int, Credential]
    catalog: ScrumCatalog
    writes: TaskWrites
    reads: ScrumReads
    accounts: Accounts

    def warm_cache(self) -> None:
        """The bot read the Scrum just now (without counting a tracker call)."""
        self.store.scrum_cache[(PORTAL, MOBILE)] = self.tracker.snapshot(MOBILE)

    def calls(self, method: str) -> int:
        return self.tracker.calls.count(method)


def make_team() -> Team:
    """A fresh portal, an empty store with four linked members and one bound chat."""
    clock = FixedClock(NOW)
    tracker, creds = build_portal(clock)
    store = InMemoryStore()
    for telegram_id, name in ((ANNA, "Anna Smirnova"), (BORIS, "Boris Petrov"),
                              (VERA, "Vera Ivanova"), (GLEB, "Gleb Orlov")):
        store.members[telegram_id] = Member(telegram_id, creds[telegram_id], name)
    store.chats[CHAT] = ChatBinding(CHAT, PORTAL, MOBILE, "Mobile team", ANNA)
    catalog = ScrumCatalog(tracker, clock)
    return Team(
        clock=clock,
        tracker=tracker,
        store=store,
        creds=creds,
        catalog=catalog,
        writes=TaskWrites(store.unit_of_work, tracker, catalog, clock),
        reads=ScrumReads(store.unit_of_work, tracker, catalog),
        accounts=Accounts(store.unit_of_work, tracker),
    )
