"""credential lifecycle, a shared login limiter, and audited rows that cannot be deleted

``users.session_generation``: every session cookie names the generation it was issued in; logging out,
changing the password or disabling the user moves it on, which ends every session of that user.
``users.must_change_password``: set with a one-time password; the app lets the user do nothing else
until it is changed. ``login_failures``: failed logins per user name and per address, shared by every
worker process (the limiter was per process).

Deleting a lead or a user that has review events is refused by triggers on ``leads`` and ``users``
themselves, so it fails whatever the connection's pragmas: on SQLite with ``PRAGMA foreign_keys=OFF``
(no cascade would reach review_events' own triggers), on PostgreSQL also with
``session_replication_role = replica`` (the triggers are ``ENABLE ALWAYS``).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

KEPT = {  # table -> (review_events column that refers to it, message)
    "leads": ("lead_id", "a lead with review events cannot be deleted: its audit trail is kept"),
    "users": ("user_id", "a user with review events cannot be deleted: disable the user instead"),
}


def upgrade() -> None:
    # every step can run again on a database that has it already (a re-run from an older revision)
    inspector = sa.inspect(op.get_bind())
    columns = {c["name"] for c in inspector.get_columns("users")}
    # plain ADD COLUMN (with a default) on both engines: no table rebuild of users, which others refer to
    if "session_generation" not in columns:
        op.add_column(
            "users", sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0")
        )
    if "must_change_password" not in columns:
        op.add_column(
            "users",
            sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
        )
    if not inspector.has_table("login_failures"):
        op.create_table(
            "login_failures",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("key", sa.String(length=200), nullable=False),
            sa.Column("at", UTCDateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
        )
    op.create_index("ix_login_failures_key_at", "login_failures", ["key", "at"], if_not_exists=True)
    op.create_index(op.f("ix_login_failures_at"), "login_failures", ["at"], if_not_exists=True)

    postgres = op.get_bind().dialect.name == "postgresql"
    for table, (column, message) in KEPT.items():
        name = f"{table}_keep_audited"
        if postgres:
            op.execute(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
                f"IF EXISTS (SELECT 1 FROM review_events WHERE {column} = OLD.id) THEN "
                f"RAISE EXCEPTION '{message}'; END IF; RETURN OLD; END; $$ LANGUAGE plpgsql"
            )
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(
                f"CREATE TRIGGER {name} BEFORE DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"
            )
            op.execute(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}")
        else:
            op.execute(
                f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE DELETE ON {table} "
                f"WHEN EXISTS (SELECT 1 FROM review_events WHERE {column} = OLD.id) "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    if postgres:  # the trail's own triggers fire under session_replication_role = replica too
        op.execute("ALTER TABLE review_events ENABLE ALWAYS TRIGGER review_events_append_only")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in KEPT:
        name = f"{table}_keep_audited"
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index(op.f("ix_login_failures_at"), table_name="login_failures")
    op.drop_index("ix_login_failures_key_at", table_name="login_failures")
    op.drop_table("login_failures")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("must_change_password")
        batch.drop_column("session_generation")
