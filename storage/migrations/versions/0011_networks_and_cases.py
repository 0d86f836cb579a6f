"""seller networks and cases: identity signals as seen, networks with stable ids, their members, the
evidence edges between sellers, recorded merges, and one case (案件线索) per network

Revision ID: 0011
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None


def _times() -> list[sa.Column]:  # type: ignore[type-arg]
    return [
        sa.Column("first_seen", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen", UTCDateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    # idempotent, like the migrations before it
    tables = set(sa.inspect(op.get_bind()).get_table_names())
    if "networks" not in tables:
        op.create_table(
            "networks",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("size", sa.Integer(), nullable=False),
            sa.Column("merged_into_id", sa.Integer(), nullable=True),
            sa.Column("merged_at", UTCDateTime(timezone=True), nullable=True),
            sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
            sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(
                ["merged_into_id"],
                ["networks.id"],
                name=op.f("fk_networks_merged_into_id_networks"),
                ondelete="SET NULL",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_networks")),
        )
        op.create_index(op.f("ix_networks_status"), "networks", ["status"])
    if "identity_signals" not in tables:
        op.create_table(
            "identity_signals",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("seller_id", sa.Integer(), nullable=False),
            sa.Column("kind", sa.String(length=16), nullable=False),
            sa.Column("value", sa.String(length=200), nullable=False),
            sa.Column("raw", sa.String(length=300), nullable=True),
            sa.Column("source", sa.String(length=32), nullable=True),
            sa.Column("detail", sa.JSON(), nullable=False),
            sa.Column("listing_id", sa.Integer(), nullable=True),
            sa.Column("snapshot_id", sa.Integer(), nullable=True),
            *_times(),
            sa.ForeignKeyConstraint(
                ["listing_id"],
                ["listings.id"],
                name=op.f("fk_identity_signals_listing_id_listings"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["seller_id"],
                ["sellers.id"],
                name=op.f("fk_identity_signals_seller_id_sellers"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["snapshot_id"],
                ["snapshots.id"],
                name=op.f("fk_identity_signals_snapshot_id_snapshots"),
                ondelete="SET NULL",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_signals")),
        )
        op.create_index("ix_identity_signals_kind_value", "identity_signals", ["kind", "value"])
        op.create_index("ix_identity_signals_seller_kind", "identity_signals", ["seller_id", "kind"])
        op.create_index(op.f("ix_identity_signals_listing_id"), "identity_signals", ["listing_id"])
    if "network_members" not in tables:
        op.create_table(
            "network_members",
            sa.Column("seller_id", sa.Integer(), nullable=False),
            sa.Column("network_id", sa.Integer(), nullable=False),
            sa.Column("joined_at", UTCDateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(
                ["network_id"],
                ["networks.id"],
                name=op.f("fk_network_members_network_id_networks"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["seller_id"],
                ["sellers.id"],
                name=op.f("fk_network_members_seller_id_sellers"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("seller_id", name=op.f("pk_network_members")),
        )
        op.create_index(op.f("ix_network_members_network_id"), "network_members", ["network_id"])
    if "network_edges" not in tables:
        op.create_table(
            "network_edges",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("seller_a_id", sa.Integer(), nullable=False),
            sa.Column("seller_b_id", sa.Integer(), nullable=False),
            sa.Column("kind", sa.String(length=16), nullable=False),
            sa.Column("strength", sa.String(length=8), nullable=False),
            sa.Column("values", sa.JSON(), nullable=False),
            sa.Column("listing_ids", sa.JSON(), nullable=False),
            sa.Column("snapshot_ids", sa.JSON(), nullable=False),
            *_times(),
            sa.ForeignKeyConstraint(
                ["seller_a_id"],
                ["sellers.id"],
                name=op.f("fk_network_edges_seller_a_id_sellers"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["seller_b_id"],
                ["sellers.id"],
                name=op.f("fk_network_edges_seller_b_id_sellers"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_network_edges")),
            sa.UniqueConstraint(
                "seller_a_id",
                "seller_b_id",
                "kind",
                name=op.f("uq_network_edges_seller_a_id_seller_b_id_kind"),
            ),
        )
        op.create_index("ix_network_edges_seller_b", "network_edges", ["seller_b_id"])
    if "network_merges" not in tables:
        op.create_table(
            "network_merges",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("from_network_id", sa.Integer(), nullable=False),
            sa.Column("into_network_id", sa.Integer(), nullable=False),
            sa.Column("at", UTCDateTime(timezone=True), nullable=False),
            sa.Column("detail", sa.JSON(), nullable=False),
            sa.ForeignKeyConstraint(
                ["from_network_id"],
                ["networks.id"],
                name=op.f("fk_network_merges_from_network_id_networks"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["into_network_id"],
                ["networks.id"],
                name=op.f("fk_network_merges_into_network_id_networks"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_network_merges")),
        )
        op.create_index(op.f("ix_network_merges_from_network_id"), "network_merges", ["from_network_id"])
        op.create_index(op.f("ix_network_merges_into_network_id"), "network_merges", ["into_network_id"])
    if "cases" not in tables:
        op.create_table(
            "cases",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("network_id", sa.Integer(), nullable=False),
            sa.Column("status", sa.String(length=16), nullable=False),
            sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
            sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(
                ["network_id"], ["networks.id"], name=op.f("fk_cases_network_id_networks"), ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
            sa.UniqueConstraint("network_id", name=op.f("uq_cases_network_id")),
        )
        op.create_index(op.f("ix_cases_status"), "cases", ["status"])


def downgrade() -> None:
    for table in (
        "cases",
        "network_merges",
        "network_edges",
        "network_members",
        "identity_signals",
        "networks",
    ):
        op.drop_table(table)
