"""Engines and sessions: SQLite (WAL, foreign keys, busy timeout) by default, PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from storage.errors import MarkwatchError


def _sqlite_pragmas(busy_timeout_ms: int):  # type: ignore[no-untyped-def]
    def on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # the crawler and the web app share the file
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL, much faster than FULL
        # the queue's counts scan whole indexes: read them through memory mapping and a 64 MB page cache
        # per connection instead of a pread per 4 KB page through the default 2 MB cache
        cursor.execute("PRAGMA mmap_size=1073741824")
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    return on_connect


@lru_cache(maxsize=8)
def get_engine(url: str, busy_timeout_ms: int = 30_000) -> Engine:
    """One engine per database URL for the life of the process."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise MarkwatchError(
            f"MARKWATCH_DB is not a database URL: {url!r} ({exc})", key="err.db_url", url=url, reason=exc
        ) from exc
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            try:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise MarkwatchError(
                    f"cannot create the directory of the database {parsed.database}: {exc.strerror or exc}",
                    key="err.db_directory",
                    path=parsed.database,
                    reason=exc.strerror or exc,
                ) from exc
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        raise MarkwatchError(
            f"no database driver for {parsed.drivername!r}: {exc}",
            key="err.db_driver",
            driver=parsed.drivername,
            reason=exc,
        ) from exc


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """A session that commits when the block ends normally and rolls back on any error."""
    with session_factory(engine)() as session, session.begin():
        yield session
