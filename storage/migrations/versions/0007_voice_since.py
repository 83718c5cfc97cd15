"""user_syncs.voice_since: where a delta's voice pass reads Teams' changes from

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply."""
    with op.batch_alter_table("user_syncs") as batch:
        batch.add_column(sa.Column("voice_since", sa.Float(), nullable=False, server_default="0"))


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("user_syncs") as batch:
        batch.drop_column("voice_since")
