"""storage: where markwatch keeps everything — the database models, engines and sessions, Alembic
migrations, repository functions (all SQL lives here), the content-addressed blob store, and the one
safe YAML loader (``storage.safe_yaml``) for the files people give markwatch.

It may import only third-party libraries and ``settings``; every other package may import it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from settings import Settings, get_settings
from storage.blobs import BlobStore
from storage.errors import DatabaseNotReady, MarkwatchError, NotFound

# SQLAlchemy is imported where a database is opened: `markwatch score --brands FILE` needs none, and
# importing it is a fifth of that command's start-up
if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

__all__ = ["BlobStore", "Database", "DatabaseNotReady", "MarkwatchError", "NotFound", "open_database"]


@dataclass(frozen=True)
class Database:
    """The database and the blob store of one installation."""

    engine: Engine
    blobs: BlobStore

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: commits at the end of the block, rolls back on error."""
        from storage.db import unit_of_work

        with unit_of_work(self.engine) as session:
            yield session


def open_database(settings: Settings | None = None, *, check: bool = True) -> Database:
    """Open the configured database; with ``check`` refuse one that `markwatch db upgrade` must migrate."""
    from storage.db import get_engine
    from storage.migrate import require_current

    settings = settings or get_settings()
    engine = get_engine(settings.database_url, settings.sqlite_busy_timeout)
    if check:
        require_current(engine)
    return Database(engine=engine, blobs=BlobStore(settings.blob_dir))
