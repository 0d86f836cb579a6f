"""Alembic, driven from code: `markwatch db upgrade` and the "is this database current?" check."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from storage.errors import DatabaseNotReady

if TYPE_CHECKING:  # alembic is imported where it is used: every command imports storage, few migrate
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"

# Database objects that migrations 0003 and 0004 create and storage.models does not describe: the
# SQLite FTS5 tables (and their shadow tables) and the PostgreSQL trigram indexes of the free-text filter.
FULLTEXT_TABLES = re.compile(r"^(listings|sellers)_(fts|grams)(_(data|idx|docsize|config|content))?$")
FULLTEXT_INDEXES = frozenset({"ix_listings_title_trgm", "ix_sellers_name_trgm"})


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's ``include_name``: leave the full-text objects out of autogenerate comparisons."""
    if type_ == "table" and name is not None:
        return not FULLTEXT_TABLES.match(name)
    if type_ == "index":
        return name not in FULLTEXT_INDEXES
    return True


def _config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config_without_engine()).get_current_head()
    assert head is not None
    return head


def _config_without_engine() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except DBAPIError as exc:  # unreachable server, or a file that is no SQLite database (DatabaseError)
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseNotReady(
            f"cannot open the database at {where} ({exc.orig}); check MARKWATCH_DB / MARKWATCH_HOME",
            key="err.db_cannot_open",
            where=where,
            reason=exc.orig,
        ) from exc


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Create or migrate the database to the newest revision; returns (before, after)."""
    before = current_revision(engine)
    if before is not None and not _known(before):
        raise DatabaseNotReady(
            f"the database is at revision {before}, which this markwatch does not know: a newer version "
            "made it. Install that version again (or restore the backup taken before the upgrade)"
        )
    from alembic import command

    command.upgrade(_config(engine), "head")
    return before, head_revision()


def _known(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    try:
        return ScriptDirectory.from_config(_config_without_engine()).get_revision(revision) is not None
    except Exception:  # alembic raises its own errors for an unknown or malformed revision id
        return False


def require_current(engine: Engine) -> None:
    """Raise DatabaseNotReady unless the database is at this version's newest revision."""
    current = current_revision(engine)
    if current is None:
        where = engine.url.render_as_string(hide_password=True)
        raise DatabaseNotReady(
            f"the database at {where} is not set up yet: run `markwatch db upgrade` first",
            key="err.db_not_set_up",
            where=where,
        )
    if not _known(current):
        raise DatabaseNotReady(
            f"the database is at revision {current}, which this markwatch does not know: a newer version "
            "of markwatch made it"
        )
    if current != head_revision():
        raise DatabaseNotReady(
            f"the database is at revision {current}, this markwatch needs {head_revision()}: "
            "run `markwatch db upgrade` (back up the database first)",
            key="err.db_old",
            current=current,
            head=head_revision(),
        )
