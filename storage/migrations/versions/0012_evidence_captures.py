"""evidence captures: how each snapshot was taken, its WARC, a failed capture's reason; the capture queue

``snapshots`` gains ``capture`` (crawl | evidence), ``warc_sha256`` (a gzip WARC file in the blob store
holding the capture's records), ``failed_reason`` (a failed capture: no HTML, no screenshot),
``attempts``, ``user_agent``, ``browser_version`` and ``egress``. ``capture_requests``: evidence captures
waiting to be taken (a newly flagged lead's, or one a person asked for), being taken, or taken.

Revision ID: 0012
Revises: 0011
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def snapshot_columns() -> list[sa.Column[Any]]:  # fresh objects: a Column belongs to one table once added
    return [
        sa.Column("capture", sa.String(length=16), nullable=False, server_default="crawl"),
        sa.Column("warc_sha256", sa.String(length=64), nullable=True),
        sa.Column("failed_reason", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("user_agent", sa.Text(), nullable=True),
        sa.Column("browser_version", sa.String(length=100), nullable=True),
        sa.Column("egress", sa.Text(), nullable=True),
    ]


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    present = {c["name"] for c in inspector.get_columns("snapshots")}
    # plain ADD COLUMNs (no table rebuild of a big table)
    for column in snapshot_columns():
        if column.name not in present:
            op.add_column("snapshots", column)
    if "ix_snapshots_warc_sha256" not in {i["name"] for i in inspector.get_indexes("snapshots")}:
        op.create_index("ix_snapshots_warc_sha256", "snapshots", ["warc_sha256"], unique=False)
    if "capture_requests" in inspector.get_table_names():
        return
    op.create_table(
        "capture_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("snapshot_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_capture_requests_lead_id_leads"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_capture_requests_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["snapshots.id"],
            name=op.f("fk_capture_requests_snapshot_id_snapshots"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capture_requests")),
    )
    op.create_index("ix_capture_requests_lead_id", "capture_requests", ["lead_id"], unique=False)
    op.create_index(
        "ix_capture_requests_status_requested", "capture_requests", ["status", "requested_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_capture_requests_status_requested", table_name="capture_requests")
    op.drop_index("ix_capture_requests_lead_id", table_name="capture_requests")
    op.drop_table("capture_requests")
    op.drop_index("ix_snapshots_warc_sha256", table_name="snapshots")
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        for column in reversed(snapshot_columns()):
            batch_op.drop_column(column.name)
