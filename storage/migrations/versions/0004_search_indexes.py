"""free-text search: an index of one- and two-character substrings (SQLite); leads by listing, seller

Many marks are two Chinese characters (李宁, 茅台, 华为), but a trigram index cannot answer a query
shorter than three characters: without this, a search for 茅台 reads every title. Here each title
and seller name is indexed as the tokens of its character pairs: ``康师傅面`` → ``康师 师傅 傅面 面``
(FTS5 ``unicode61``, contentless, no positions, a one-character prefix index). Two characters are one
token query (``"康师"``), one character a prefix query (``"康"*``). storage.leads uses it only for
characters the tokenizer keeps whole (``PAIR_INDEX_CHARS``).

The pairs are computed in SQL (a recursive CTE in the triggers), so every connection keeps the index in
step, the sqlite3 shell included. PostgreSQL: no pair index (pg_trgm serves 3+ characters; shorter
text is a scan).

Every statement is idempotent, as in 0003. The update triggers of both text indexes (0003's trigram ones are recreated here) fire only when the
text really changed: a crawler's upsert writes every column of a listing it sees again.

Both engines: ``leads.seller_id`` (the listing's seller, filled in here) and the search's covering
indexes of leads by listing and by seller (storage.models).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# (table, column, index table)
INDEXED = (("listings", "title", "listings_grams"), ("sellers", "name", "sellers_grams"))


def pairs(value: str) -> str:
    """SQL: the character pairs of ``value`` (an SQL expression), space-separated."""
    return (
        "(WITH RECURSIVE at(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM at "
        f"WHERE n < length({value})) SELECT group_concat(substr({value}, n, 2), ' ') FROM at)"
    )


def _sqlite_upgrade() -> None:
    for table, column, grams in INDEXED:
        op.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {grams} USING fts5(grams, content='', "
            "tokenize='unicode61 remove_diacritics 0', prefix='1', detail=none, columnsize=0)"
        )
        insert = (
            f"INSERT INTO {grams}(rowid, grams) SELECT new.id, {pairs(f'new.{column}')} "
            f"WHERE new.{column} IS NOT NULL;"
        )
        delete = (
            f"INSERT INTO {grams}({grams}, rowid, grams) SELECT 'delete', old.id, {pairs(f'old.{column}')} "
            f"WHERE old.{column} IS NOT NULL;"
        )
        op.execute(f"CREATE TRIGGER IF NOT EXISTS {grams}_ai AFTER INSERT ON {table} BEGIN {insert} END")
        op.execute(f"CREATE TRIGGER IF NOT EXISTS {grams}_ad AFTER DELETE ON {table} BEGIN {delete} END")
        op.execute(
            f"CREATE TRIGGER IF NOT EXISTS {grams}_au AFTER UPDATE OF {column} ON {table} "
            f"WHEN old.{column} IS NOT new.{column} BEGIN {delete} {insert} END"
        )
        op.execute(f"INSERT INTO {grams}({grams}) VALUES ('delete-all')")  # then filled from the table
        op.execute(
            f"INSERT INTO {grams}(rowid, grams) SELECT id, {pairs(column)} FROM {table} "
            f"WHERE {column} IS NOT NULL"
        )


def _trigram_update_trigger(table: str, column: str, *, only_on_change: bool) -> None:
    fts = f"{table}_fts"
    when = f"WHEN old.{column} IS NOT new.{column} " if only_on_change else ""
    op.execute(f"DROP TRIGGER IF EXISTS {fts}_au")
    op.execute(
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {column} ON {table} {when}BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES ('delete', old.id, old.{column}); "
        f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END"
    )


SEARCH_COLUMNS = ["risk", "last_flagged_at", "brand_id"]


def upgrade() -> None:
    if "seller_id" not in {c["name"] for c in sa.inspect(op.get_bind()).get_columns("leads")}:
        op.add_column("leads", sa.Column("seller_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE leads SET seller_id = (SELECT seller_id FROM listings WHERE listings.id = leads.listing_id)"
    )
    op.create_index("ix_leads_listing_search", "leads", ["listing_id", *SEARCH_COLUMNS], if_not_exists=True)
    op.create_index("ix_leads_seller_search", "leads", ["seller_id", *SEARCH_COLUMNS], if_not_exists=True)
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
        for table, column, _ in INDEXED:
            _trigram_update_trigger(table, column, only_on_change=True)


def downgrade() -> None:
    op.drop_index("ix_leads_seller_search", table_name="leads")
    op.drop_index("ix_leads_listing_search", table_name="leads")
    op.drop_column("leads", "seller_id")
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, column, grams in INDEXED:
        _trigram_update_trigger(table, column, only_on_change=False)
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {grams}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {grams}")
