"""Shared fixtures: a fresh data directory per test, the command line in-process, real databases."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

import markwatch
from storage import Database, open_database
from storage.migrate import upgrade

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "dev"
# Hypothesis (tests/test_properties.py): a few hundred examples per parser in CI; HYPOTHESIS_PROFILE=long
# for many more. The deadline is a guard against a hang (an alias bomb), not a speed limit.
hypothesis_settings.register_profile(
    "ci",
    max_examples=200,
    deadline=timedelta(seconds=30),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
hypothesis_settings.register_profile("long", parent=hypothesis_settings.get_profile("ci"), max_examples=5_000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PG_ADMIN_URL = os.environ.get("MARKWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty MARKWATCH_HOME; MARKWATCH_DB unset so the default SQLite file is used."""
    data = tmp_path / "home"
    monkeypatch.setenv("MARKWATCH_HOME", str(data))
    monkeypatch.delenv("MARKWATCH_DB", raising=False)
    return data


@pytest.fixture
def cli(home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run `markwatch ARGS...` in-process as a user would, returning exit code and output.

    Under an English locale (LANG=en_US.UTF-8), so that tests of what a command does can read its
    messages in one language; markwatch speaks Chinese by default, which tests/test_cli_language.py
    checks (it sets the locale it means)."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        code = markwatch.main([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def db(home: Path) -> Database:
    """A migrated SQLite database in the test's data directory."""
    database = open_database(check=False)
    upgrade(database.engine)
    return database


def _postgres_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001 - any failure means: no server to test against
        return f"no PostgreSQL at 127.0.0.1:5432 ({type(exc).__name__}: {exc})"


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, home: Path) -> Database:
    """A migrated database on each engine markwatch supports (PostgreSQL skips where none answers)."""
    if request.param == "postgresql":
        request.getfixturevalue("pg_url")
    db = open_database(check=False)
    upgrade(db.engine)
    return db


@pytest.fixture
def pg_url(monkeypatch: pytest.MonkeyPatch, home: Path) -> Iterator[str]:
    """A new, empty PostgreSQL database, set as MARKWATCH_DB, dropped afterwards."""
    reason = _postgres_available()
    if reason:
        pytest.skip(reason)
    import psycopg

    name = f"markwatch_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    monkeypatch.setenv("MARKWATCH_DB", url)
    yield url
    from storage.db import get_engine

    get_engine.cache_clear()  # engines of this test are dropped with their database
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def dev_brands() -> Path:
    """The development brand registry (35 real brands), from shared/ or the copy bundled with the demo."""
    path = SHARED_DATA / "brands.yaml"
    return path if path.exists() else Path(__file__).resolve().parents[1] / "demo" / "brands.yaml"


# --- the demo marketplaces, once per test session (crawler tests) -------------------------------------

DEMO_TEST_SIZE = 40  # listings per demo site in tests: enough for pagination, fast to crawl


@pytest.fixture(scope="session")
def demo_servers():  # type: ignore[no-untyped-def]
    """Both demo marketplaces on free ports for the whole session; faults off unless a test sets them
    (``demo_servers.set_faults(0.1)``), and back off after each test that uses ``demo``."""
    from demo.server import DemoServers

    with DemoServers(size=DEMO_TEST_SIZE, seed=7) as servers:
        yield servers


@pytest.fixture
def demo(demo_servers):  # type: ignore[no-untyped-def]
    """The session's demo marketplaces with faults off at the start and end of the test."""
    demo_servers.set_faults(0.0)
    yield demo_servers
    demo_servers.set_faults(0.0)
    demo_servers.hold_after(None)
