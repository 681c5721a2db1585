"""Undo and the audit log: raw values to restore, the message's batch key, undo marks.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the undo columns to `changes` (older rows get an empty batch: not undoable)."""
    with op.batch_alter_table("changes") as table:
        table.add_column(sa.Column("old_raw", sa.Text(), nullable=True))
        table.add_column(sa.Column("new_raw", sa.Text(), nullable=True))
        table.add_column(sa.Column("batch", sa.String(32), nullable=False, server_default=""))
        table.add_column(sa.Column("member_name", sa.Text(), nullable=False, server_default=""))
        table.add_column(sa.Column("undo_of", sa.String(32), nullable=True))
        table.add_column(
            sa.Column("undone", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_index("ix_changes_batch", "changes", ["batch"])
    op.create_index("ix_changes_chat_id_telegram_user_id", "changes",
                    ["chat_id", "telegram_user_id"])


def downgrade() -> None:
    """Drop the undo columns; the audit rows themselves stay."""
    op.drop_index("ix_changes_chat_id_telegram_user_id", table_name="changes")
    op.drop_index("ix_changes_batch", table_name="changes")
    with op.batch_alter_table("changes") as table:
        for column in ("undone", "undo_of", "member_name", "batch", "new_raw", "old_raw"):
            table.drop_column(column)
