"""Each command's usage line, its menu description, and the /help text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CommandSpec:
    name: str
    usage: str
    description: str
    where: str  # "group" (bound chats), "private", or "any"


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("sp", "/sp <task> <points>  e.g. /sp 42 8, /sp 42 ?, /sp 42 - (clear)",
                "Set story points: /sp 42 8", "group"),
    CommandSpec("move", "/move <task> <backlog | active | next | sprint name | id>  "
                "e.g. /move 42 sprint-3", "Move a task: /move 42 sprint-3", "group"),
    CommandSpec("epic", "/epic <task> <epic name | id | none>  e.g. /epic 42 Payments",
                "Set the epic: /epic 42 Payments", "group"),
    CommandSpec("rank", "/rank <task> <whole number>  e.g. /rank 42 100",
                "Set the sort order: /rank 42 100", "group"),
    CommandSpec("task", "/task <task>  e.g. /task 42", "Show a task: /task 42", "group"),
    CommandSpec("sprints", "/sprints", "Active, planned and last sprints", "group"),
    CommandSpec("epics", "/epics", "The Scrum's epics", "group"),
    CommandSpec("refresh", "/refresh", "Reload sprints and epics from Bitrix24", "group"),
    CommandSpec("bind", "/bind <Scrum id or name>  e.g. /bind 7 or /bind Mobile team",
                "Bind this chat to a Scrum (admins)", "group"),
    CommandSpec("unbind", "/unbind", "Unbind this chat (admins)", "group"),
    CommandSpec("link", "/link <your webhook URL> (in a private chat with me)",
                "Link your Bitrix24 account (private)", "private"),
    CommandSpec("unlink", "/unlink", "Forget your Bitrix24 account", "private"),
    CommandSpec("whoami", "/whoami", "Which Bitrix24 account you are linked to", "any"),
    CommandSpec("help", "/help", "How to use the bot", "any"),
)

_BY_NAME = {spec.name: spec for spec in COMMANDS}


def usage_line(command: str) -> str:
    spec = _BY_NAME.get(command)
    return spec.usage if spec else f"/{command}"


HELP_TEXT = """<b>Scrum bot for Bitrix24</b>
Change your Scrum's tasks from this chat, as your own Bitrix24 user.

<b>Set up</b>
1. In a private chat with me: /link and your personal Bitrix24 webhook URL
   (Bitrix24 → Developer resources → Other → Incoming webhook, scopes
   task, sonet_group, socialnetwork, user).
2. In the team's group, a chat admin: /bind &lt;Scrum id or name&gt;.

<b>During the standup</b>
/sp 42 8 — story points of #42 become 8 (? or - to clear)
/move 42 sprint-3 — to a sprint by name; or backlog, active, next
/epic 42 Payments — set the epic (none to detach)
/rank 42 100 — sort order
/task 42 — the task's card
/sprints, /epics — what names there are
/refresh — reload sprints and epics from Bitrix24

/whoami — your linked account; /unlink — forget it; /unbind — unbind the chat"""
