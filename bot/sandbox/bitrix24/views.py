"""JSON shapes of the portal's records, exactly as the real REST API returns them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .params import iso
from .records import EntityRecord, EpicRecord, GroupRecord, ScrumItemRecord, UserRecord


def upper_snake(camel: str) -> str:
    """``groupId`` → ``GROUP_ID``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", camel).upper()


def camel(upper: str) -> str:
    """``GROUP_ID`` → ``groupId``."""
    head, *rest = upper.lower().split("_")
    return head + "".join(part.capitalize() for part in rest)


def as_row(obj: dict[str, Any]) -> dict[str, Any]:
    """Re-key a camelCase object by UPPER_SNAKE field names for filtering."""
    return {upper_snake(key): value for key, value in obj.items()}


def blank_unselected(obj: dict[str, Any], selected: Iterable[str]) -> dict[str, Any]:
    """Scrum lists keep every key but blank the unselected ones (``0``/``""``)."""
    keep = set(selected)
    return {
        key: value if upper_snake(key) in keep else (0 if isinstance(value, int) else "")
        for key, value in obj.items()
    }


def sprint_json(entity: EntityRecord) -> dict[str, Any]:
    """A sprint object (ints as numbers, dates ISO-8601)."""
    return {
        "id": entity.id, "groupId": entity.group_id, "entityType": entity.entity_type,
        "name": entity.name, "goal": entity.goal, "sort": entity.sort,
        "createdBy": entity.created_by, "modifiedBy": entity.modified_by,
        "dateStart": iso(entity.date_start), "dateEnd": iso(entity.date_end),
        "status": entity.status,
    }  # fmt: skip


def backlog_json(entity: EntityRecord) -> dict[str, Any]:
    """A backlog object."""
    return {
        "id": entity.id, "groupId": entity.group_id,
        "createdBy": entity.created_by, "modifiedBy": entity.modified_by,
    }  # fmt: skip


def epic_json(epic: EpicRecord) -> dict[str, Any]:
    """An epic object (no files)."""
    return {
        "id": epic.id, "groupId": epic.group_id, "name": epic.name,
        "description": epic.description, "createdBy": epic.created_by,
        "modifiedBy": epic.modified_by, "color": epic.color,
    }  # fmt: skip


def epic_files_json(epic: EpicRecord) -> dict[str, Any]:
    """The ``UF_SCRUM_EPIC_FILES`` descriptor that ``epic.get`` adds (no files attached)."""
    return {
        "ID": "1", "ENTITY_ID": "TASKS_SCRUM_EPIC", "FIELD_NAME": "UF_SCRUM_EPIC_FILES",
        "USER_TYPE_ID": "disk_file", "XML_ID": "", "SORT": "100", "MULTIPLE": "Y",
        "MANDATORY": "N", "SHOW_FILTER": "N", "SHOW_IN_LIST": "Y", "EDIT_IN_LIST": "Y",
        "IS_SEARCHABLE": "N", "SETTINGS": {}, "USER_TYPE": {"USER_TYPE_ID": "disk_file"},
        "VALUE": False, "ENTITY_VALUE_ID": epic.id,
    }  # fmt: skip


def item_json(item: ScrumItemRecord, group_id: int) -> dict[str, Any]:
    """The 8 keys of ``tasks.api.scrum.task.get``."""
    return {
        "entityId": item.entity_id, "storyPoints": item.story_points, "epicId": item.epic_id,
        "sort": item.sort, "sortFloat": item.sort_float, "createdBy": item.created_by,
        "modifiedBy": item.modified_by, "groupId": group_id,
    }  # fmt: skip


def user_json(user: UserRecord) -> dict[str, Any]:
    """A ``user.*`` object: UPPER keys, ``ID`` a string, ``ACTIVE`` a bool."""
    return {
        "ID": str(user.id), "XML_ID": "", "ACTIVE": user.active, "NAME": user.name,
        "LAST_NAME": user.last_name, "SECOND_NAME": "", "EMAIL": user.email,
        "LAST_LOGIN": "", "DATE_REGISTER": "", "IS_ONLINE": "N", "TIME_ZONE": "",
        "PERSONAL_GENDER": "", "WORK_POSITION": "", "UF_DEPARTMENT": [1],
        "USER_TYPE": "employee",
    }  # fmt: skip


def person_json(user: UserRecord | None, user_id: int) -> dict[str, Any]:
    """The short ``responsible``/``creator`` object of ``tasks.task.*``."""
    name = f"{user.name} {user.last_name}".strip() if user else ""
    return {
        "id": str(user_id), "name": name, "link": f"/company/personal/user/{user_id}/",
        "icon": "/bitrix/images/tasks/default_avatar.png", "workPosition": "",
    }  # fmt: skip


def group_fields(group: GroupRecord) -> dict[str, Any]:
    """A group's fields keyed UPPER, ints as numbers (``socialnetwork.api.workgroup.get``)."""
    date = group.date_create.strftime("%d.%m.%Y %H:%M:%S")
    scrum = group.is_scrum
    return {
        "ID": group.id, "ACTIVE": "Y", "SITE_ID": "s1", "SUBJECT_ID": 1, "NAME": group.name,
        "DESCRIPTION": group.description, "KEYWORDS": "", "CLOSED": "N", "VISIBLE": "Y",
        "OPENED": "Y", "DATE_CREATE": date, "DATE_UPDATE": date, "DATE_ACTIVITY": date,
        "IMAGE_ID": 0, "AVATAR_TYPE": "folder", "OWNER_ID": group.owner_id,
        "INITIATE_PERMS": "K", "NUMBER_OF_MEMBERS": len(group.members),
        "NUMBER_OF_MODERATORS": 1, "PROJECT": "Y" if scrum else "N",
        "PROJECT_DATE_START": None, "PROJECT_DATE_FINISH": None, "LANDING": "N",
        "SCRUM_OWNER_ID": group.owner_id if scrum else 0,
        "SCRUM_MASTER_ID": group.scrum_master_id,
        "SCRUM_SPRINT_DURATION": 1209600 if scrum else 0,
        "SCRUM_TASK_RESPONSIBLE": "A" if scrum else "",
        "TYPE": "scrum" if scrum else "group",
    }  # fmt: skip


def php_string(value: Any) -> str:
    """Stringify a scalar like PHP (``null`` → ``""``)."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    return str(value)
