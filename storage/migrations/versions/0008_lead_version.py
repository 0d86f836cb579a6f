"""a version number on each lead, for optimistic concurrency of reviewer decisions

A decision names the version of the lead it was made on; storage.decisions.apply_decision moves the
version on only when it is still that one (compare and set), and re-scoring that changes a lead moves it
on too, so a decision on a lead changed since is refused and the audit trail follows commit order.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "version" in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("leads")}:
        return  # re-run over a database that has it (a database stamped back to an older revision)
    # a plain ADD COLUMN (no table rebuild: the leads table has triggers and full-text tables around it)
    op.add_column("leads", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    op.execute("ALTER TABLE leads DROP COLUMN version")
