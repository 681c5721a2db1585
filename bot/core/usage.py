"""Each command's usage line, its menu description, and the /help text."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.i18n import N_, _


@dataclass(frozen=True)
class CommandSpec:
    """A command; `usage` and `description` are English msgids marked with N_."""

    name: str
    usage: str
    description: str
    where: str  # "group" (bound chats), "private", or "any"


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("sp", N_("/sp <tasks> <points>  e.g. /sp 42 8, /sp 42 43 44 5, /sp 42 8 43 5, "
                         "/sp 42 ?, /sp 42 - (clear)"),
                N_("Set story points: /sp 42 8"), "group"),
    CommandSpec("move", N_("/move <tasks> <backlog | active | next | sprint name | id>  "
                           "e.g. /move 42 sprint-3, /move 42 43 44 next"),
                N_("Move a task: /move 42 sprint-3"), "group"),
    CommandSpec("epic", N_("/epic <tasks> <epic name | id | none>  e.g. /epic 42 43 Payments"),
                N_("Set the epic: /epic 42 Payments"), "group"),
    CommandSpec("rank", N_("/rank <task> <whole number>  e.g. /rank 42 100"),
                N_("Set the sort order: /rank 42 100"), "group"),
    CommandSpec("task", N_("/task <task>  e.g. /task 42"), N_("Show a task: /task 42"), "group"),
    CommandSpec("undo", "/undo", N_("Undo your last change in this chat"), "group"),
    CommandSpec("log", N_("/log <task>  e.g. /log 42"),
                N_("What the bot changed on a task: /log 42"), "group"),
    CommandSpec("new", N_("/new <title> [<n>sp] [> <sprint>]  e.g. /new Fix the login page 3sp "
                          "> sprint-3"),
                N_("Create a task: /new Fix the login page 3sp"), "group"),
    CommandSpec("sprints", "/sprints", N_("Active, planned and last sprints"), "group"),
    CommandSpec("epics", "/epics", N_("The Scrum's epics"), "group"),
    CommandSpec("refresh", "/refresh", N_("Reload sprints and epics from Bitrix24"), "group"),
    CommandSpec("bind", N_("/bind <Scrum id or name>  e.g. /bind 7 or /bind Mobile team"),
                N_("Bind this chat to a Scrum (admins)"), "group"),
    CommandSpec("unbind", "/unbind", N_("Unbind this chat (admins)"), "group"),
    CommandSpec("link", N_("/link <your webhook URL> (in a private chat with me)"),
                N_("Link your Bitrix24 account (private)"), "private"),
    CommandSpec("unlink", "/unlink", N_("Forget your Bitrix24 account"), "private"),
    CommandSpec("whoami", "/whoami", N_("Which Bitrix24 account you are linked to"), "any"),
    CommandSpec("lang", N_("/lang <ru | en | auto>  e.g. /lang ru"),
                N_("Language: /lang ru, /lang en"), "any"),
    CommandSpec("help", "/help", N_("How to use the bot"), "any"),
)

_BY_NAME = {spec.name: spec for spec in COMMANDS}


def usage_line(command: str) -> str:
    """The command's usage line in the current language."""
    spec = _BY_NAME.get(command)
    return _(spec.usage) if spec else f"/{command}"


def description(spec: CommandSpec) -> str:
    """The command's menu description in the current language."""
    return _(spec.description)


def help_text() -> str:
    """The /help text in the current language."""
    return _(HELP_TEXT)


HELP_TEXT = N_("""<b>Scrum bot for Bitrix24</b>
Change your Scrum's tasks from this chat, as your own Bitrix24 user.

<b>Set up</b>
1. In a private chat with me: /link and your personal Bitrix24 webhook URL
   (Bitrix24 → Developer resources → Other → Incoming webhook, scopes
   task, sonet_group, socialnetwork, user).
2. In the team's group, a chat admin: /bind &lt;Scrum id or name&gt;.

<b>During the standup</b>
/sp 42 8 — story points of #42 become 8 (? or - to clear)
/sp 42 43 44 5, /sp 42 8 43 5 — several tasks in one message (also /move, /epic)
/move 42 sprint-3 — to a sprint by name; or backlog, active, next
/epic 42 Payments — set the epic (none to detach)
/rank 42 100 — sort order
/task 42 — the task's card; /log 42 — what the bot changed on it
/new Fix the login page 3sp &gt; sprint-3 — create a task (in the backlog without &gt; sprint)
/undo — undo your last change (or press Undo under the reply)
Reply to a task message with /sp 5, /move next or /task to skip the number
/sprints, /epics — what names there are
/refresh — reload sprints and epics from Bitrix24

/whoami — your linked account; /unlink — forget it; /unbind — unbind the chat
/lang ru, /lang en — the bot's language (in a group: the chat's)""")
