"""Storage: migrations on SQLite and PostgreSQL, engine settings, the blob store, listings and the queue."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from storage import BlobStore, open_database
from storage.listings import get_or_create_platform, upsert_listing, upsert_listings
from storage.migrate import head_revision, include_name, upgrade
from storage.models import Base, Lead, Listing, PriceObservation, ReviewEvent, Seller
from storage.queue import dismiss_snapshot, record_score
from storage.queue_rules import QueueRules


def test_migrations_create_exactly_the_models(database):
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    with database.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head_revision()


def test_upgrade_twice_is_a_no_op(database):
    before, after = upgrade(database.engine)
    assert before == after == head_revision()


def test_foreign_keys_are_enforced(database):
    with pytest.raises(IntegrityError), database.session() as session:
        session.add(Listing(platform_id=999_999, external_id="x", title="康帅傅 红烧牛肉面"))


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(home):
    db = open_database(check=False)
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
    assert str(db.engine.url.database).startswith(str(home))


def test_every_command_refuses_an_unmigrated_database(cli):
    result = cli("brands", "list")
    assert result.exit_code == 2
    assert "run `markwatch db upgrade`" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_older_database_is_refused_until_upgraded(cli, db):
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
        connection.execute(text("DROP TABLE combiner_models"))
    result = cli("stats")
    assert result.exit_code == 2 and "revision 0001" in result.stderr
    assert "markwatch db upgrade" in result.stderr
    assert cli("db", "upgrade").exit_code == 0
    assert cli("stats").exit_code == 0


def test_a_database_from_a_newer_markwatch_is_refused_with_a_clear_message(cli, db):
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    for command in (("stats",), ("db", "upgrade")):
        result = cli(*command)
        assert result.exit_code == 2 and "newer" in result.stderr and "Traceback" not in result.stderr


def test_stats_json_has_the_documented_keys(cli, db):
    result = cli("stats", "--json")
    figures = json.loads(result.stdout)
    for key in ("brands", "platforms", "listings", "snapshots", "screenshots", "leads", "crawl_runs"):
        assert key in figures
    assert set(figures["leads"]) == {"new", "in_review", "confirmed", "dismissed", "escalated", "transferred"}


# --- blob store --------------------------------------------------------------------------------------


def test_blobs_are_content_addressed_and_stored_once(tmp_path):
    store = BlobStore(tmp_path / "blobs")
    html = "<html><title>康帅傅 红烧牛肉面</title></html>".encode()
    digest = store.put(html)
    assert digest == hashlib.sha256(html).hexdigest()
    assert store.path(digest) == tmp_path / "blobs" / digest[:2] / digest[2:4] / digest
    assert store.put(html) == digest
    assert store.count() == 1
    assert store.get(digest) == html
    assert not list((tmp_path / "blobs").rglob(".tmp-*"))  # atomic: no temporary files left behind


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "ab" * 31 + "zz", "", "A" * 64])
def test_blob_store_never_follows_a_supplied_path(tmp_path, name):
    with pytest.raises(ValueError, match="not a sha256 digest"):
        BlobStore(tmp_path).path(name)


# --- listings and the queue ---------------------------------------------------------------------------

RECORD = {
    "id": "demo-static:10023",
    "platform": "demo-static",
    "url": "http://127.0.0.1:8801/item/10023",
    "title": "康帅傅 红烧牛肉面 5连包",
    "price": 9.9,
    "category": "方便面",
    "seller": {"id": "s-88", "name": "好味食品店", "opened": "2026-06-01", "rating": 4.1},
    "sold": 1200,
}


def test_a_price_observation_is_written_only_when_the_price_changes(database):
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    with database.session() as session:
        upsert_listing(session=session, record=RECORD, seen_at=t0)
        upsert_listing(session=session, record=RECORD, seen_at=t0 + timedelta(days=1))
        listing, changed = upsert_listing(
            session=session, record={**RECORD, "price": 7.9}, seen_at=t0 + timedelta(days=2)
        )
        assert changed
        prices = session.scalars(select(PriceObservation.price).order_by(PriceObservation.observed_at)).all()
        assert prices == [9.9, 7.9]
        assert listing.seller.name == "好味食品店" and listing.platform.name == "demo-static"
        assert listing.first_seen == t0 and listing.last_seen == t0 + timedelta(days=2)
        assert session.scalar(select(Listing).where(Listing.external_id == "10023")) is listing


def test_a_crawl_batch_stores_each_listing_and_seller_once_in_order(database):
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    other = {**RECORD, "id": "demo-static:10024", "title": "康师傅 红烧牛肉面", "price": 12.5}
    batch = [
        (RECORD, t0),
        (other, t0 + timedelta(hours=1)),
        ({**RECORD, "price": 7.9}, t0 + timedelta(hours=2)),
    ]
    with database.session() as session:
        platform = get_or_create_platform(session=session, name="demo-static")
        results = upsert_listings(session=session, platform_row=platform, batch=batch)
    (first, new1), (second, new2), (again, changed) = results
    assert first == again != second and new1 and new2 and changed
    with database.session() as session:
        listing = session.get(Listing, first)
        assert (
            listing.price == 7.9 and listing.first_seen == t0 and listing.last_seen == t0 + timedelta(hours=2)
        )
        assert listing.seller.name == "好味食品店" and session.scalar(select(func.count(Seller.id))) == 1
        prices = session.scalars(
            select(PriceObservation.price)
            .where(PriceObservation.listing_id == first)
            .order_by(PriceObservation.id)
        ).all()
        assert prices == [9.9, 7.9]


def test_a_listing_seen_again_unchanged_keeps_its_score_and_a_changed_one_is_scored_again(database):
    scored = datetime(2026, 11, 2, tzinfo=UTC)
    with database.session() as session:
        listing, _ = upsert_listing(session=session, record=RECORD)
        listing.scored_at = scored
    with database.session() as session:
        listing, changed = upsert_listing(session=session, record={**RECORD, "sold": 5000})
        assert not changed and listing.scored_at == scored and listing.sold == 5000
        listing, changed = upsert_listing(
            session=session, record={**RECORD, "title": "康帅傅 红烧牛肉面 10连包"}
        )
        assert changed and listing.scored_at is None and listing.title == "康帅傅 红烧牛肉面 10连包"


@dataclass
class FakeReason:
    signal: str
    weight: float
    detail: str


@dataclass
class FakeScore:
    risk: float
    flagged: bool = True
    brand: str | None = None
    violation: str | None = "lookalike_mark"
    reasons: list = field(
        default_factory=lambda: [FakeReason("lookalike_mark", 0.7, "康帅傅 ≈ 康师傅 (字形近似: 帅/师)")]
    )
    model_version: str = "test"
    department: str | None = "公平交易处"


def test_a_listing_flagged_again_updates_its_lead_instead_of_duplicating(database):
    with database.session() as session:
        listing, _ = upsert_listing(session=session, record=RECORD)
        first = record_score(session=session, listing=listing, score=FakeScore(0.8))
        again = record_score(session=session, listing=listing, score=FakeScore(0.9))
        assert first is again
        assert session.scalars(select(Lead)).all() == [first]
        assert again.risk == 0.9 and again.department == "公平交易处"
        actions = session.scalars(select(ReviewEvent.action).order_by(ReviewEvent.id)).all()
        assert actions == ["flagged", "reflagged"]


def test_a_dismissed_lead_comes_back_only_on_material_change_or_risk_rise(database):
    with database.session() as session:
        listing, _ = upsert_listing(session=session, record=RECORD)
        lead = record_score(session=session, listing=listing, score=FakeScore(0.7))
        lead.status = "dismissed"
        dismiss_snapshot(lead)
        record_score(
            session=session, listing=listing, score=FakeScore(0.75), rules=QueueRules(reflag_margin=0.15)
        )
        assert lead.status == "dismissed"
        record_score(
            session=session, listing=listing, score=FakeScore(0.9), rules=QueueRules(reflag_margin=0.15)
        )
        assert lead.status == "new"
        lead.status = "dismissed"
        dismiss_snapshot(lead)
        listing, changed = upsert_listing(
            session=session, record={**RECORD, "title": "康帅傅 红烧牛肉面 10连包"}
        )
        assert changed
        record_score(session=session, listing=listing, score=FakeScore(0.9))
        assert lead.status == "new"


def test_counterfeit_sales_past_the_criminal_threshold_mark_the_lead_for_transfer_review(database):
    with database.session() as session:
        listing, _ = upsert_listing(session=session, record={**RECORD, "price": 50.0, "sold": 1000})
        lead = record_score(
            session=session, listing=listing, score=FakeScore(0.95, violation="counterfeit_mark")
        )
        assert lead.transfer_review  # ¥50 × 1,000 = ¥50,000


def test_review_events_are_append_only(database):
    with database.session() as session:
        listing, _ = upsert_listing(session=session, record=RECORD)
        record_score(session=session, listing=listing, score=FakeScore(0.8))
    with pytest.raises(ValueError, match="append-only"), database.session() as session:
        event = session.scalars(select(ReviewEvent)).first()
        event.note = "改写审计记录"
        session.flush()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE review_events SET note = '改写审计记录'",
        "DELETE FROM review_events",
        "DELETE FROM leads",  # would cascade into the trail
    ],
)
def test_the_database_itself_refuses_to_rewrite_the_audit_trail(database, statement):
    with database.session() as session:
        listing, _ = upsert_listing(session=session, record=RECORD)
        record_score(session=session, listing=listing, score=FakeScore(0.8))
    with (
        pytest.raises(DBAPIError, match="append-only|cannot be deleted"),
        database.engine.begin() as connection,
    ):
        connection.execute(text(statement))
    with database.session() as session:
        assert session.scalars(select(ReviewEvent.note)).all() == [None]
        assert session.scalar(select(func.count()).select_from(Lead)) == 1


@pytest.mark.parametrize("table", ["leads", "users"])
def test_a_lead_or_user_with_events_cannot_be_deleted_whatever_the_pragmas(database, table):
    """Without foreign-key enforcement no cascade reaches review_events' own triggers: leads and users
    refuse the delete themselves (on SQLite with foreign_keys=OFF, on PostgreSQL in replica mode)."""
    from storage.models import User

    with database.session() as session:
        reviewer = User(name="王审核", role="reviewer")
        session.add(reviewer)
        listing, _ = upsert_listing(session=session, record=RECORD)
        lead = record_score(session=session, listing=listing, score=FakeScore(0.8))
        session.add(ReviewEvent(lead_id=lead.id, user_id=reviewer.id, action="confirm", note="确认"))
    postgres = database.engine.dialect.name == "postgresql"
    with pytest.raises(DBAPIError, match="cannot be deleted"), database.engine.begin() as connection:
        if postgres:
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # pysqlite begins at the first DML
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 0
        connection.execute(text(f"DELETE FROM {table}"))
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Lead)) == 1
        assert session.scalars(select(ReviewEvent.action).order_by(ReviewEvent.id)).all()[-1] == "confirm"


def test_a_plain_sqlite3_shell_cannot_orphan_the_audit_trail(db):
    """The sqlite3 shell's default is foreign_keys=OFF."""
    import sqlite3

    with db.session() as session:
        listing, _ = upsert_listing(session=session, record=RECORD)
        record_score(session=session, listing=listing, score=FakeScore(0.8))
    shell = sqlite3.connect(db.engine.url.database)
    try:
        assert shell.execute("PRAGMA foreign_keys").fetchone() == (0,)
        with pytest.raises(sqlite3.DatabaseError, match="cannot be deleted"):
            shell.execute("DELETE FROM leads")
        shell.rollback()
        assert shell.execute("SELECT count(*) FROM leads").fetchone() == (1,)
    finally:
        shell.close()


def test_naive_timestamps_are_refused(database):
    with pytest.raises(Exception, match="naive datetime"), database.session() as session:
        upsert_listing(session=session, record=RECORD, seen_at=datetime(2026, 11, 1))
