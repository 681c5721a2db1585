"""``user.*``, ``sonet_group.get`` and ``socialnetwork.api.workgroup.*``."""

from __future__ import annotations

from typing import Any

from .errors import RestError
from .filters import as_mapping, filter_rows, known_only, sort_rows
from .params import PAGE_SIZE, page_offset, php_int, upper_keys
from .registry import CallContext, ListPage, page, rest_method
from .views import camel, group_fields, php_string, user_json

USER_SCOPES = ("user", "user_basic", "user_brief")
_USER_FIELDS = {"ID", "ACTIVE", "NAME", "LAST_NAME", "EMAIL", "USER_TYPE", "IS_ONLINE"}
_SONET_KEYS = (
    "ID", "SITE_ID", "NAME", "DESCRIPTION", "DATE_CREATE", "DATE_UPDATE", "ACTIVE", "VISIBLE",
    "OPENED", "CLOSED", "SUBJECT_ID", "OWNER_ID", "KEYWORDS", "NUMBER_OF_MEMBERS",
    "DATE_ACTIVITY", "PROJECT", "INITIATE_PERMS",
)  # fmt: skip


@rest_method("user.current", *USER_SCOPES)
def user_current(ctx: CallContext, params: dict[str, Any]) -> Any:
    """The webhook owner."""
    return user_json(ctx.state.users[ctx.user_id])


@rest_method("user.get", *USER_SCOPES)
def user_get(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Users by ``FILTER`` (or top-level field arguments), 50 per page with total."""
    args = upper_keys(params)
    conditions = as_mapping(args.get("FILTER")) if "FILTER" in args else args
    rows = [user_json(u) | {"ID": u.id} for u in ctx.state.users.values()]
    rows = filter_rows(rows, known_only(upper_keys(conditions), _USER_FIELDS), _USER_FIELDS)
    offset = page_offset({"start": args.get("START", 0)})
    chunk, following = page(rows, offset)
    return ListPage([r | {"ID": str(r["ID"])} for r in chunk], len(rows), following)


@rest_method("sonet_group.get", "sonet_group")
def sonet_group_get(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Visible groups with UPPER keys and string values, plus total/next."""
    args = upper_keys(params)
    rows = [group_fields(g) for g in ctx.state.groups.values()]
    fields = set(_SONET_KEYS)
    rows = filter_rows(rows, known_only(as_mapping(args.get("FILTER")), fields), fields)
    order = known_only(upper_keys(as_mapping(args.get("ORDER"))), fields)
    rows = sort_rows(rows, order, fields)
    chunk, following = page(rows, page_offset({"start": args.get("START", 0)}))
    items = [{key: php_string(row[key]) for key in _SONET_KEYS} for row in chunk]
    return ListPage(items, len(rows), following)


@rest_method("socialnetwork.api.workgroup.get", "socialnetwork")
def workgroup_get(ctx: CallContext, params: dict[str, Any]) -> Any:
    """One group with UPPER keys, ints as numbers."""
    args = as_mapping(params.get("params"))
    group_id = php_int(args.get("groupId", 0))
    if not group_id:
        raise RestError(
            400, "SONET_CONTROLLER_WORKGROUP_EMPTY", "No value for the workgroup ID was provided."
        )
    group = ctx.state.groups.get(group_id)
    if group is None:
        raise RestError(400, "SONET_CONTROLLER_WORKGROUP_NOT_FOUND", "Workgroup not found.")
    members = sorted(group.members)
    moderators = [m for m in members if m in (group.owner_id, group.scrum_master_id)]
    return group_fields(group) | {
        "MEMBERS": members, "MODERATOR_MEMBERS": moderators,
        "ORDINARY_MEMBERS": [m for m in members if m not in moderators],
        "INVITED_MEMBERS": [], "CHAT_ID": 0, "DIALOG_ID": "", "SITE_IDS": ["s1"],
    }  # fmt: skip


@rest_method("socialnetwork.api.workgroup.list", "socialnetwork")
def workgroup_list(ctx: CallContext, params: dict[str, Any]) -> Any:
    """Groups as ``{"workgroups": [...]}`` with camelCase keys and string values."""
    rows = [group_fields(g) for g in ctx.state.groups.values()]
    fields = set(rows[0]) if rows else set()
    rows = filter_rows(rows, known_only(as_mapping(params.get("filter")), fields), fields)
    order = known_only(upper_keys(as_mapping(params.get("order"))), fields)
    rows = sort_rows(rows, order, fields)
    select = [str(s).upper() for s in as_mapping(params.get("select")).values()] or ["ID"]
    names = ["ID", *[s for s in select if s in fields and s != "ID"]]
    offset = page_offset(params)
    chunk, following = page(rows, offset, PAGE_SIZE)
    groups = [
        {camel(n): None if row[n] is None else php_string(row[n]) for n in names} for row in chunk
    ]
    return ListPage({"workgroups": groups}, len(rows), following)
