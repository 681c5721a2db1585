"""The demo's world: a portal with the "Mobile app" Scrum and a Telegram team around it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.sandbox.bitrix24 import PortalEmulator
from bot.sandbox.telegram import TelegramEmulator, TgUser

SCRUM_NAME = "Mobile app"
GROUP_TITLE = "Standup"
STAR_TASK = 42  # the README's `/sp 42 8`: "Fix login crash", 5 points, in the active sprint
DONE, PENDING = 5, 2

# An older ordinary project fills task ids 1-20, so the Scrum's tasks land around 42.
WEBSITE_TASKS = (
    "Choose a hosting provider", "Set up the domain and TLS certificate", "Homepage wireframes",
    "Homepage design", "About us page", "Contact form", "Blog section",
    "Cookie consent banner", "Privacy policy page", "Careers page", "SEO meta tags",
    "Sitemap and robots.txt", "Page speed audit", "Fix broken links in the footer",
    "Newsletter sign-up", "Translate the homepage into Spanish",
    "Customer testimonials section", "Pricing page", "Marketing analytics dashboard",
    "Move images to a CDN",
)
WEBSITE_OPEN = 4  # the last four are not done yet
ADOPT_TITLE = "Add app store badges to the homepage"  # outside the Scrum: try adopting it

# (title, sprint or "backlog", story points, epic, responsible); ids follow from 21 in order.
SCRUM_TASKS = (
    ("Set up CI for the iOS and Android builds", "Sprint 1", "3", "", "Bob"),
    ("Design the sign-up screens", "Sprint 1", "5", "Onboarding", "Carol"),
    ("Card payment form", "Sprint 1", "8", "Payments", "Bob"),
    ("Crash reporting in release builds", "Sprint 1", "2", "", "Alice"),
    ("Welcome tour on first launch", "Sprint 1", "3", "Onboarding", "Carol"),
    ("Apple Pay and Google Pay", "backlog", "8", "Payments", "Bob"),
    ("Search by product name", "backlog", "5", "Search", "Carol"),
    ("Search filters: price and category", "backlog", "8", "Search", "Carol"),
    ("Refunds from the order screen", "backlog", "5", "Payments", "Bob"),
    ("Dark mode", "backlog", "", "", "Alice"),
    ("Email verification on sign-up", "Sprint 2", "3", "Onboarding", "Carol"),
    ("Saved cards", "Sprint 2", "5", "Payments", "Bob"),
    ("Ask for push notification permission", "Sprint 2", "2", "Onboarding", "Alice"),
    ("Recent searches", "Sprint 3", "3", "Search", "Carol"),
    ("Receipt emails after payment", "Sprint 3", "3", "Payments", "Bob"),
    ("Search suggestions while typing", "Sprint 4", "5", "Search", "Carol"),
    ("Onboarding analytics events", "Sprint 4", "2", "Onboarding", "Alice"),
    ("Accessibility review of the checkout", "backlog", "", "Payments", "Alice"),
    ("Payment errors in plain words", "Sprint 2", "2", "Payments", "Bob"),
    ("Skip onboarding for returning users", "Sprint 3", "2", "Onboarding", "Carol"),
    ("Offline mode for the catalogue", "backlog", "13", "", "Alice"),
    ("Fix login crash", "Sprint 2", "5", "", "Bob"),
    ("Update the app store screenshots", "Sprint 2", "1", "", "Alice"),
)
SPRINTS = (("Sprint 1", "completed", -28), ("Sprint 2", "active", -7),
           ("Sprint 3", "planned", 7), ("Sprint 4", "planned", 21))
EPICS = ("Payments", "Onboarding", "Search")


@dataclass(frozen=True)
class DemoMember:
    """A team member: their Telegram user, Bitrix24 user, webhook and role in the team."""

    user: TgUser
    bitrix_id: int
    full_name: str
    webhook: str
    role: str

    @property
    def name(self) -> str:
        return self.user.first_name


@dataclass(frozen=True)
class DemoWorld:
    """What the demo seeded: the team, the group chat and the Scrum it will be bound to."""

    members: tuple[DemoMember, ...]
    group_chat: int
    group_title: str
    scrum_id: int
    scrum_name: str
    adopt_task: int

    def member(self, name: str) -> DemoMember | None:
        """The member whose first name starts with `name` (case-insensitive), if exactly one."""
        wanted = name.strip().casefold()
        found = [m for m in self.members if m.name.casefold().startswith(wanted)]
        exact = [m for m in found if m.name.casefold() == wanted]
        return (exact or found)[0] if len(exact or found) == 1 else None


def seed_demo(portal: PortalEmulator, telegram: TelegramEmulator) -> DemoWorld:
    """Seed a started portal and Telegram emulator with the demo team (portal must be started)."""
    people = {"Alice": ("Smith", 1001), "Bob": ("Jones", 1002), "Carol": ("White", 1003)}
    ids = {name: portal.add_user(name, last) for name, (last, _) in people.items()}
    scrum = portal.add_group(SCRUM_NAME, owner_id=ids["Alice"], scrum_master_id=ids["Alice"],
                             members=[ids["Bob"], ids["Carol"]])
    website = portal.add_group("Company website", owner_id=ids["Alice"],
                               members=[ids["Bob"], ids["Carol"]])
    _seed_website(portal, website, ids)
    _seed_scrum(portal, scrum, ids)
    adopt = portal.add_task(ADOPT_TITLE, group_id=website, responsible_id=ids["Alice"])
    roles = {"Alice": "scrum master, admin of the group chat", "Bob": "developer",
             "Carol": "designer"}
    members = tuple(
        DemoMember(TgUser(tg_id, name, name.lower()), ids[name], f"{name} {last}",
                   portal.webhook_url(ids[name], portal.add_webhook(ids[name])), roles[name])
        for name, (last, tg_id) in people.items()
    )
    for member in members:
        telegram.add_private_chat(member.user)
    chat = telegram.add_group(GROUP_TITLE, admins=[members[0].user.id],
                              members=[m.user for m in members], bot_can_delete=True)
    return DemoWorld(members, chat, GROUP_TITLE, scrum, SCRUM_NAME, adopt)


def _seed_website(portal: PortalEmulator, group: int, ids: dict[str, int]) -> None:
    """The ordinary project's history: mostly done, a few still open."""
    people = list(ids.values())
    for number, title in enumerate(WEBSITE_TASKS):
        status = DONE if number < len(WEBSITE_TASKS) - WEBSITE_OPEN else PENDING
        portal.add_task(title, group_id=group, responsible_id=people[number % len(people)],
                        created_by=ids["Alice"], status=status)


def _seed_scrum(portal: PortalEmulator, group: int, ids: dict[str, int]) -> None:
    """Backlog, sprints, epics and their tasks; task 42 is "Fix login crash" in Sprint 2."""
    today = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    places = {"backlog": portal.backlog_id(group)}
    for sort, (name, sprint_status, start) in enumerate(SPRINTS):
        begin = today + timedelta(days=start)
        places[name] = portal.add_sprint(group, name, sprint_status, sort=sort, date_start=begin,
                                         date_end=begin + timedelta(days=14))
    epics = {name: portal.add_epic(group, name) for name in EPICS}
    for rank, (title, place, points, epic, who) in enumerate(SCRUM_TASKS, start=1):
        status = DONE if place == "Sprint 1" else PENDING
        task = portal.add_task(
            title, group_id=group, responsible_id=ids[who], created_by=ids["Alice"],
            entity_id=places[place], story_points=points, epic_id=epics.get(epic, 0),
            sort=rank * 100, status=status,
        )
        if title == "Fix login crash" and task != STAR_TASK:
            raise RuntimeError(f"the demo seed put {title!r} at #{task}, not #{STAR_TASK}")
