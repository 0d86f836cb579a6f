"""an index for each reviewer's own leads: claimed or assigned (``leads.assignee_id``), by status and risk

The queue's "mine" view (review, issue 14) lists the open leads a reviewer claimed or an admin assigned
to them, riskiest first; this index answers it without reading the other leads. Claims, assignments and
releases are audited as review events (``claim``, ``assign_reviewer``, ``release``) on the lead, and a
lifted blacklist entry as ``seller_unblacklisted``: no table changes beyond this index.

Revision ID: 0013
Revises: 0016
"""

from alembic import op

revision = "0013"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_leads_assignee_status_risk", "leads", ["assignee_id", "status", "risk"], if_not_exists=True
    )


def downgrade() -> None:
    op.drop_index("ix_leads_assignee_status_risk", table_name="leads", if_exists=True)
