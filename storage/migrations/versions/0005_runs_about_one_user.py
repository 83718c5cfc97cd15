"""runs about one user (activations) beside the tenant's integration run

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 14:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ACTIVE = "status IN ('pending', 'running', 'waiting')"


def upgrade() -> None:
    """Apply."""
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("subject", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.drop_index(
            "one_active_run_per_tenant",
            sqlite_where=sa.text(_ACTIVE),
            postgresql_where=sa.text(_ACTIVE),
        )
        batch_op.create_index(
            "one_active_run_per_tenant",
            ["tenant_id"],
            unique=True,
            sqlite_where=sa.text(f"{_ACTIVE} AND subject = ''"),
            postgresql_where=sa.text(f"{_ACTIVE} AND subject = ''"),
        )
        batch_op.create_index(
            "one_active_run_per_subject",
            ["tenant_id", "subject"],
            unique=True,
            sqlite_where=sa.text(f"{_ACTIVE} AND subject <> ''"),
            postgresql_where=sa.text(f"{_ACTIVE} AND subject <> ''"),
        )


def downgrade() -> None:
    """Revert."""
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_index("one_active_run_per_subject")
        batch_op.drop_index("one_active_run_per_tenant")
        batch_op.create_index(
            "one_active_run_per_tenant",
            ["tenant_id"],
            unique=True,
            sqlite_where=sa.text(_ACTIVE),
            postgresql_where=sa.text(_ACTIVE),
        )
        batch_op.drop_column("subject")
