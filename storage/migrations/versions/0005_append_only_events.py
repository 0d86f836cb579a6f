"""the audit trail is append-only in the database itself

storage.models already refuses to change or delete a ``ReviewEvent`` through the ORM; these triggers
refuse it to every client (the sqlite3 shell, psql, a script with raw SQL), so an evidence packet's audit
trail is the one the database recorded. An UPDATE or DELETE of ``review_events`` fails; so does deleting a
lead or a user that has events (their foreign keys would cascade into the trail): leads are never
deleted, users are disabled.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

MESSAGE = "review_events is append-only: an audit record cannot be changed or deleted"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION review_events_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute("DROP TRIGGER IF EXISTS review_events_append_only ON review_events")
        op.execute(
            "CREATE TRIGGER review_events_append_only BEFORE UPDATE OR DELETE ON review_events "
            "FOR EACH ROW EXECUTE FUNCTION review_events_append_only()"
        )
        return
    for verb in ("update", "delete"):
        op.execute(
            f"CREATE TRIGGER IF NOT EXISTS review_events_no_{verb} BEFORE {verb.upper()} ON review_events "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS review_events_append_only ON review_events")
        op.execute("DROP FUNCTION IF EXISTS review_events_append_only()")
        return
    for verb in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS review_events_no_{verb}")
