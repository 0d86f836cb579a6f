"""case work: the case's audit trail, its documents and the platforms' responses

``case_events``: append-only (as ``review_events``: refused by triggers to every client) — confirmation,
split, merge, transfer, documents issued, responses recorded, packets exported. ``case_documents``: each
document issued (hand-over or platform notice), its DOCX and PDF as blobs, its deadline.
``platform_responses``: what a platform did about a notice, and when. ``network_severances``: pairs of
sellers a reviewer split apart, which evidence never joins again. ``cases.department``: where the case
was handed.

Revision ID: 0016
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0016"
down_revision = "0012"
branch_labels = None
depends_on = None

MESSAGE = "case_events is append-only: an audit record cannot be changed or deleted"


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    tables = set(inspector.get_table_names())
    if "department" not in {c["name"] for c in inspector.get_columns("cases")}:
        op.add_column("cases", sa.Column("department", sa.String(length=32), nullable=True))
    if "case_events" not in tables:
        op.create_table(
            "case_events",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("case_id", sa.Integer(), nullable=False),
            sa.Column("user_id", sa.Integer(), nullable=True),
            sa.Column("at", UTCDateTime(timezone=True), nullable=False),
            sa.Column("action", sa.String(length=32), nullable=False),
            sa.Column("note", sa.Text(), nullable=True),
            sa.Column("detail", sa.JSON(), nullable=False),
            sa.ForeignKeyConstraint(
                ["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases"), ondelete="CASCADE"
            ),
            sa.ForeignKeyConstraint(
                ["user_id"], ["users.id"], name=op.f("fk_case_events_user_id_users"), ondelete="SET NULL"
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
        )
    op.create_index("ix_case_events_case_at", "case_events", ["case_id", "at"], if_not_exists=True)
    if "network_severances" not in tables:
        op.create_table(
            "network_severances",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("seller_a_id", sa.Integer(), nullable=False),
            sa.Column("seller_b_id", sa.Integer(), nullable=False),
            sa.Column("at", UTCDateTime(timezone=True), nullable=False),
            sa.Column("user_id", sa.Integer(), nullable=True),
            sa.ForeignKeyConstraint(
                ["seller_a_id"],
                ["sellers.id"],
                name=op.f("fk_network_severances_seller_a_id_sellers"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["seller_b_id"],
                ["sellers.id"],
                name=op.f("fk_network_severances_seller_b_id_sellers"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["user_id"],
                ["users.id"],
                name=op.f("fk_network_severances_user_id_users"),
                ondelete="SET NULL",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_network_severances")),
        )
    op.create_index(
        op.f("ix_network_severances_seller_a_id"), "network_severances", ["seller_a_id"], if_not_exists=True
    )
    op.create_index(
        "ix_network_severances_seller_b", "network_severances", ["seller_b_id"], if_not_exists=True
    )
    if "case_documents" not in tables:
        op.create_table(
            "case_documents",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("case_id", sa.Integer(), nullable=False),
            sa.Column("kind", sa.String(length=32), nullable=False),
            sa.Column("recipient_kind", sa.String(length=16), nullable=True),
            sa.Column("recipient", sa.String(length=200), nullable=False),
            sa.Column("platform_id", sa.Integer(), nullable=True),
            sa.Column("number", sa.String(length=100), nullable=False),
            sa.Column("issued_at", UTCDateTime(timezone=True), nullable=False),
            sa.Column("deadline", sa.Date(), nullable=True),
            sa.Column("docx_sha256", sa.String(length=64), nullable=False),
            sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
            sa.Column("user_id", sa.Integer(), nullable=True),
            sa.ForeignKeyConstraint(
                ["case_id"], ["cases.id"], name=op.f("fk_case_documents_case_id_cases"), ondelete="CASCADE"
            ),
            sa.ForeignKeyConstraint(
                ["platform_id"],
                ["platforms.id"],
                name=op.f("fk_case_documents_platform_id_platforms"),
                ondelete="SET NULL",
            ),
            sa.ForeignKeyConstraint(
                ["user_id"], ["users.id"], name=op.f("fk_case_documents_user_id_users"), ondelete="SET NULL"
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_case_documents")),
        )
    op.create_index(op.f("ix_case_documents_case_id"), "case_documents", ["case_id"], if_not_exists=True)
    op.create_index("ix_case_documents_deadline", "case_documents", ["kind", "deadline"], if_not_exists=True)
    if "platform_responses" not in tables:
        op.create_table(
            "platform_responses",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("document_id", sa.Integer(), nullable=False),
            sa.Column("outcome", sa.String(length=16), nullable=False),
            sa.Column("responded_at", UTCDateTime(timezone=True), nullable=False),
            sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
            sa.Column("user_id", sa.Integer(), nullable=True),
            sa.Column("note", sa.Text(), nullable=True),
            sa.ForeignKeyConstraint(
                ["document_id"],
                ["case_documents.id"],
                name=op.f("fk_platform_responses_document_id_case_documents"),
                ondelete="CASCADE",
            ),
            sa.ForeignKeyConstraint(
                ["user_id"],
                ["users.id"],
                name=op.f("fk_platform_responses_user_id_users"),
                ondelete="SET NULL",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_responses")),
        )
    op.create_index(
        op.f("ix_platform_responses_document_id"), "platform_responses", ["document_id"], if_not_exists=True
    )
    _append_only()


def _append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION case_events_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute("DROP TRIGGER IF EXISTS case_events_append_only ON case_events")
        op.execute(
            "CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events "
            "FOR EACH ROW EXECUTE FUNCTION case_events_append_only()"
        )
        op.execute("ALTER TABLE case_events ENABLE ALWAYS TRIGGER case_events_append_only")
        return
    for verb in ("update", "delete"):
        op.execute(
            f"CREATE TRIGGER IF NOT EXISTS case_events_no_{verb} BEFORE {verb.upper()} ON case_events "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS case_events_append_only ON case_events")
        op.execute("DROP FUNCTION IF EXISTS case_events_append_only()")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS case_events_no_{verb}")
    op.drop_table("platform_responses")
    op.drop_table("network_severances")
    op.drop_table("case_documents")
    op.drop_table("case_events")
    op.drop_column("cases", "department")
