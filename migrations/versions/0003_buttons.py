"""Inline keyboards: what each button does, stored by a short key (never pickled objects).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the `buttons` table, searched by expiry when pruning."""
    op.create_table(
        "buttons",
        sa.Column("key", sa.String(32), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("owner_id", sa.BigInteger(), nullable=True),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("created_at", UTC_TIMESTAMP, nullable=False),
        sa.Column("expires_at", UTC_TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_buttons")),
    )
    op.create_index("ix_buttons_expires_at", "buttons", ["expires_at"])


def downgrade() -> None:
    """Drop the `buttons` table and every stored keyboard."""
    op.drop_index("ix_buttons_expires_at", table_name="buttons")
    op.drop_table("buttons")
