"""number ranges per tenant

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 14:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply."""
    op.create_table(
        "number_ranges",
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("first", sa.String(length=20), nullable=False),
        sa.Column("last", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "first"),
    )


def downgrade() -> None:
    """Revert."""
    op.drop_table("number_ranges")
