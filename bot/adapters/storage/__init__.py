"""The store: SQLAlchemy tables, repositories and unit of work; secrets sealed with Fernet."""

from bot.adapters.storage.crypto import SecretBox, load_or_create_key, validate_key
from bot.adapters.storage.database import create_engine, downgrade_schema, upgrade_schema
from bot.adapters.storage.unit_of_work import SqlUnitOfWork, SqlUnitOfWorkFactory

__all__ = [
    "SecretBox",
    "SqlUnitOfWork",
    "SqlUnitOfWorkFactory",
    "create_engine",
    "downgrade_schema",
    "load_or_create_key",
    "upgrade_schema",
    "validate_key",
]
