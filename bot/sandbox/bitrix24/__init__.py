"""An emulator of one Bitrix24 cloud portal's REST API (webhooks, scrum methods, batch)."""

from .emulator import PortalEmulator
from .records import (
    EntityRecord,
    EpicRecord,
    LoggedRequest,
    ScrumItemRecord,
    TaskRecord,
)

__all__ = [
    "EntityRecord",
    "EpicRecord",
    "LoggedRequest",
    "PortalEmulator",
    "ScrumItemRecord",
    "TaskRecord",
]
