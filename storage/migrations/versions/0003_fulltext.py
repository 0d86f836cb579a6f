"""full-text indexes for the queue's free-text filter (listing titles, seller names)

SQLite: FTS5 tables with the trigram tokenizer (SQLite >= 3.34) over ``listings.title`` and
``sellers.name`` as external-content indexes (``content=`` the table itself, rowid = id), kept in step
by triggers on insert, delete and update of the column, and back-filled here (``'rebuild'``).
PostgreSQL: the pg_trgm extension and GIN trigram indexes, which ``LIKE '%…%'`` (and ILIKE) use.

These objects are not in storage.models: storage.migrate.include_name keeps autogenerate and the
model/database comparison away from them. A later migration that recreates ``listings`` or
``sellers`` on SQLite (batch mode copies the table and drops the old one, triggers included) must
create the triggers again. Every statement is idempotent (IF NOT EXISTS, a rebuild).

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# (table, column, fts table, pg index)
INDEXED = (
    ("listings", "title", "listings_fts", "ix_listings_title_trgm"),
    ("sellers", "name", "sellers_fts", "ix_sellers_name_trgm"),
)


def _sqlite_upgrade() -> None:
    for table, column, fts, _ in INDEXED:
        op.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5("
            f"{column}, content='{table}', content_rowid='id', "
            "tokenize='trigram case_sensitive 0', columnsize=0)"
        )
        op.execute(
            f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END"
        )
        op.execute(
            f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); END"
        )
        op.execute(
            f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); "
            f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END"
        )
        # back-fill (and repair): reindex every existing row from the content table
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_upgrade()
    elif dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, column, _, index in INDEXED:
            op.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for _table, _, fts, index in INDEXED:
        if dialect == "sqlite":
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
        elif dialect == "postgresql":
            op.execute(f"DROP INDEX IF EXISTS {index}")
    # the pg_trgm extension stays: other objects of the database may use it
