"""The initial schema: members, chats, the Scrum cache and the change log.

Revision ID: 0001
Revises:
Create Date: 2025-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the four tables of the first release."""
    op.create_table(
        "members",
        sa.Column("telegram_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("portal", sa.String(255), nullable=False),
        sa.Column("bitrix_user_id", sa.BigInteger(), nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("updated_at", UTC_TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("telegram_id", name=op.f("pk_members")),
    )
    op.create_table(
        "chats",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("portal", sa.String(255), nullable=False),
        sa.Column("group_id", sa.BigInteger(), nullable=False),
        sa.Column("group_name", sa.Text(), nullable=False),
        sa.Column("bound_by", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_chats")),
    )
    op.create_table(
        "scrum_cache",
        sa.Column("portal", sa.String(255), nullable=False),
        sa.Column("group_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("backlog_id", sa.BigInteger(), nullable=False),
        sa.Column("fetched_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("sprints", sa.JSON(), nullable=False),
        sa.Column("epics", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("portal", "group_id", name=op.f("pk_scrum_cache")),
    )
    _create_changes()


def _create_changes() -> None:
    """The audit log, searched by (portal, task)."""
    op.create_table(
        "changes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", UTC_TIMESTAMP, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=False),
        sa.Column("portal", sa.String(255), nullable=False),
        sa.Column("bitrix_user_id", sa.BigInteger(), nullable=False),
        sa.Column("task_id", sa.BigInteger(), nullable=False),
        sa.Column("field", sa.String(64), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("error_code", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
    )
    op.create_index("ix_changes_portal_task_id", "changes", ["portal", "task_id"])


def downgrade() -> None:
    """Drop the four tables and everything in them."""
    op.drop_index("ix_changes_portal_task_id", table_name="changes")
    op.drop_table("changes")
    op.drop_table("scrum_cache")
    op.drop_table("chats")
    op.drop_table("members")
