"""listing images fetched by the crawler; a crawl run's refusals, warnings and image count

``listing_images``: each distinct image a listing has shown, its bytes in the blob store (sha256), its
perceptual hash (image reuse) and its address. ``crawl_runs.refused`` (reason → requests the crawl
would not make: offsite, scheme, private address…), ``crawl_runs.warnings`` (sentences: list pages
without item links, pages given up) and ``crawl_runs.images``.

Revision ID: 0007 (the number assigned to this change; it follows 0010 in the chain)
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # idempotent, like the migrations before it: a database stamped older than it is may hold its tables
    inspector = sa.inspect(op.get_bind())
    if "listing_images" not in inspector.get_table_names():
        _create_listing_images()
    present = {c["name"] for c in inspector.get_columns("crawl_runs")}
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        if "refused" not in present:
            batch_op.add_column(sa.Column("refused", sa.JSON(), nullable=False, server_default="{}"))
        if "warnings" not in present:
            batch_op.add_column(sa.Column("warnings", sa.JSON(), nullable=False, server_default="[]"))
        if "images" not in present:
            batch_op.add_column(sa.Column("images", sa.Integer(), nullable=False, server_default="0"))


def _create_listing_images() -> None:
    op.create_table(
        "listing_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("phash", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["listing_id"],
            ["listings.id"],
            name=op.f("fk_listing_images_listing_id_listings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_listing_images")),
        sa.UniqueConstraint("listing_id", "sha256", name=op.f("uq_listing_images_listing_id_sha256")),
    )
    with op.batch_alter_table("listing_images", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_listing_images_listing_id"), ["listing_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_listing_images_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_column("images")
        batch_op.drop_column("warnings")
        batch_op.drop_column("refused")
    with op.batch_alter_table("listing_images", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listing_images_sha256"))
        batch_op.drop_index(batch_op.f("ix_listing_images_listing_id"))
    op.drop_table("listing_images")
