"""a registration may give its Nice class without its number; international (Madrid) registrations

A registry lists the classes a brand's marks are registered in even when the registration numbers are
not at hand (the shared-mark rule needs the classes); a number is then NULL. ``international`` says the
number is a WIPO (Madrid) international registration number, not a CNIPA one.

Revision ID: 0009
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.alter_column("number", existing_type=sa.String(length=32), nullable=True)
        batch_op.add_column(
            sa.Column("international", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    op.execute("UPDATE registrations SET number = '' WHERE number IS NULL")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("international")
        batch_op.alter_column("number", existing_type=sa.String(length=32), nullable=False)
