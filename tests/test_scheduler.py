"""The daily pipeline's jobs: recorded runs, retention that never loses evidence, the daily digest."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy import select

import scheduler
from settings import get_settings
from storage.listings import upsert_listing
from storage.models import EvidenceBlob, EvidencePacket, JobRun, Lead, ListingImage, Snapshot
from storage.queue import dismiss_snapshot, record_score


@dataclass
class Reason:
    signal: str
    weight: float
    detail: str


@dataclass
class FlaggedScore:
    risk: float = 0.9
    flagged: bool = True
    brand: str | None = None
    violation: str | None = "lookalike_mark"
    reasons: list = field(
        default_factory=lambda: [Reason("lookalike_mark", 0.9, "康帅傅 ≈ 康师傅 (字形近似: 帅/师)")]
    )
    model_version: str = "test"
    department: str | None = "公平交易处"


def make_lead(
    db,
    n: int,
    *,
    title: str = "康帅傅 红烧牛肉面",
    status: str = "new",
    flagged_at=None,
    snapshot_at=None,
    images: tuple[bytes, ...] = (),
):
    """A listing with one HTML snapshot (and its web archive), its images, and a lead in the given status."""
    with db.session() as session:
        listing, _ = upsert_listing(
            session=session,
            record={
                "id": f"demo-static:{n}",
                "title": title,
                "price": 9.9,
                "sold": 100,
                "seller": {"id": "s-1", "name": "好味食品店"},
            },
        )
        lead = record_score(session=session, listing=listing, score=FlaggedScore(), now=flagged_at)
        html = f"<html><body>{title} #{n}</body></html>".encode()
        session.add(
            Snapshot(
                listing_id=listing.id,
                fetched_at=snapshot_at or datetime.now(UTC),
                url=f"http://127.0.0.1:8801/item/{n}",
                http_status=200,
                html_sha256=db.blobs.put(html),
                warc_sha256=db.blobs.put(b"WARC/1.1 " + html),
                tool_version="test",
            )
        )
        for position, image in enumerate(images):
            session.add(
                ListingImage(
                    listing_id=listing.id,
                    url=f"http://127.0.0.1:8801/img/{n}-{position}.jpg",
                    sha256=db.blobs.put(image),
                    phash="0" * 16,
                    position=position,
                    first_seen=snapshot_at or datetime.now(UTC),
                    last_seen=snapshot_at or datetime.now(UTC),
                )
            )
        lead.status = status
        if status == "dismissed":
            dismiss_snapshot(lead)
        return lead.id


def test_a_failing_job_is_recorded_with_its_error_and_stops_nothing(db):
    def broken():
        raise ConnectionError("平台拒绝连接")

    assert scheduler.run_recorded("crawl:demo-static", broken, db) is None
    assert scheduler.run_recorded("score", lambda: {"scored": 3}, db) == {"scored": 3}
    with db.session() as session:
        runs = {r.job_id: r for r in session.scalars(select(JobRun))}
    assert runs["crawl:demo-static"].outcome == "failed"
    assert "ConnectionError: 平台拒绝连接" in runs["crawl:demo-static"].error
    assert runs["score"].outcome == "ok" and runs["score"].summary == {"scored": 3}
    assert runs["score"].finished_at >= runs["score"].started_at


def test_jobs_command_shows_last_outcomes(db, cli):
    scheduler.run_recorded("digest", lambda: {"new_leads": 0}, db)
    result = cli("jobs", "--json")
    assert result.exit_code == 0
    assert '"outcome": "ok"' in result.stdout and '"id": "digest"' in result.stdout


def test_retention_prunes_only_old_snapshots_and_images_of_dismissed_leads(db, monkeypatch):
    monkeypatch.setenv("MARKWATCH_RETENTION_DAYS", "30")
    old = datetime.now(UTC) - timedelta(days=45)
    shared_photo, own_photo = "同一张商品图".encode(), "只属于驳回线索的图".encode()
    dismissed = make_lead(db, 1, status="dismissed", snapshot_at=old, images=(own_photo, shared_photo))
    confirmed = make_lead(
        db, 2, title="康帅傅 老坛酸菜面", status="confirmed", snapshot_at=old, images=(shared_photo,)
    )
    recent = make_lead(db, 3, title="康帅傅 香辣牛肉面", status="dismissed")
    packeted = make_lead(db, 4, title="康帅傅 鲜虾鱼板面", status="dismissed", snapshot_at=old)
    with db.session() as session:
        sha = session.scalars(
            select(Snapshot.html_sha256)
            .join(Lead, Lead.listing_id == Snapshot.listing_id)
            .where(Lead.id == packeted)
        ).one()
        packet = EvidencePacket(lead_id=packeted, sha256="0" * 64, manifest_sha256="0" * 64, public_key="ab")
        packet.blobs.append(EvidenceBlob(sha256=sha))
        session.add(packet)
    with db.session() as session:
        before = {
            lead_id: _snapshot_shas(session, lead_id) for lead_id in (dismissed, confirmed, recent, packeted)
        }

    result = scheduler.prune(db, get_settings())

    # the dismissed lead's page, web archive and own photo go; the photo a confirmed lead shares stays
    assert result == {"snapshots": 1, "images": 2, "blobs": 3}
    with db.session() as session:
        assert _snapshot_shas(session, dismissed) == []
        for kept in (confirmed, recent, packeted):
            assert _snapshot_shas(session, kept) == before[kept]
        assert not session.scalars(
            select(ListingImage).where(ListingImage.listing_id == _listing(session, dismissed))
        ).all()
    assert not any(db.blobs.exists(sha) for sha in before[dismissed])
    assert all(db.blobs.exists(sha) for k in (confirmed, recent, packeted) for sha in before[k])
    assert not db.blobs.exists(hashlib.sha256(own_photo).hexdigest())
    assert db.blobs.exists(hashlib.sha256(shared_photo).hexdigest())


def _listing(session, lead_id):
    return session.get(Lead, lead_id).listing_id


def _snapshot_shas(session, lead_id):
    snapshots = session.scalars(select(Snapshot).where(Snapshot.listing_id == _listing(session, lead_id)))
    return [sha for s in snapshots for sha in (s.html_sha256, s.warc_sha256)]


def test_daily_digest_is_written_as_html_and_xlsx_in_chinese(db, home):
    now = datetime.now(UTC)
    make_lead(db, 1, title="康帅傅 红烧牛肉面 <script>alert(1)</script>", flagged_at=now - timedelta(hours=2))
    make_lead(db, 2, title="雪碧 假货 一比一", flagged_at=now - timedelta(days=3))  # in the trend, not new

    result = scheduler.digest(db, get_settings())

    day = now.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
    assert result["html"].endswith(f"digests/{day}.html") and result["new_leads"] == 1
    html = (home / "digests" / f"{day}.html").read_text(encoding="utf-8")
    assert "监测日报" in html and "新线索共 1 条" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "近似商标/傍名牌" in html and "/leads/" in html
    assert "<svg" in html  # the 30-day trend chart
    book = load_workbook(home / "digests" / f"{day}.xlsx")
    assert book.sheetnames[:2] == ["新线索", "按平台"]
    rows = list(book["新线索"].iter_rows(values_only=True))
    assert rows[0][0] == "线索编号" and "康帅傅 红烧牛肉面" in rows[1][5]
    trend = list(book["30天趋势"].iter_rows(values_only=True))
    assert len(trend) == 31 and sum(r[1] for r in trend[1:]) == 2


def test_digest_can_be_mailed_through_smtp(db, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append((host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            sent.append(message["Subject"])

    monkeypatch.setenv("MARKWATCH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MARKWATCH_DIGEST_TO", "wangjian@example.cn")
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    result = scheduler.digest(db, get_settings())
    assert result["mailed"] is True
    assert sent[0] == ("127.0.0.1", 25) and sent[1].startswith("markwatch 监测日报")


def test_rescore_scores_new_and_changed_listings_once(db, tmp_path):
    from brands.registry_file import parse_registry
    from brands.service import import_registry

    registry = parse_registry(
        "brands:\n  - name: 康师傅\n    categories: [方便面]\n    price_floor: 3.0\n",
        source="test",
        base_dir=None,
    )
    import_registry(db, registry)
    with db.session() as session:
        for n, title in enumerate(
            ["康帅傅 红烧牛肉面 5连包", "农家手工挂面 500g", "康师傅 红烧牛肉面 5连包"], start=1
        ):
            upsert_listing(
                session=session,
                record={"id": f"feed:{n}", "title": title, "price": 9.9, "category": "方便面"},
            )

    first = scheduler.rescore(db, get_settings())
    assert (first.scored, first.flagged, first.queued) == (3, 1, 1)
    assert scheduler.rescore(db, get_settings()).scored == 0  # nothing new, nothing changed

    with db.session() as session:
        upsert_listing(
            session=session,
            record={"id": "feed:2", "title": "康师博 红烧牛肉面 特价", "price": 1.0, "category": "方便面"},
        )
    second = scheduler.rescore(db, get_settings())
    assert (second.scored, second.flagged) == (1, 1)
    with db.session() as session:
        assert len(session.scalars(select(Lead)).all()) == 2


def test_a_large_backlog_is_scored_with_worker_processes_and_the_same_results(db, monkeypatch):
    from brands.registry_file import parse_registry
    from brands.service import import_registry
    from storage.models import Listing, Score

    registry = parse_registry(
        "brands:\n  - name: 康师傅\n    categories: [方便面]\n    price_floor: 3.0\n"
        "  - name: Nike\n    aliases: [耐克]\n    categories: [运动鞋]\n",
        source="test",
        base_dir=None,
    )
    import_registry(db, registry)
    titles = [
        "康帅傅 红烧牛肉面 5连包",
        "农家手工挂面 500g",
        "康师傅 红烧牛肉面",
        "Nlke 气垫跑鞋",
        "耐克 跑鞋",
    ]

    def backlog(prefix: str) -> None:
        with db.session() as session:
            for n in range(40):
                price = 12.5 if n < 30 else 2.0  # the prices of the first teach the last a median
                record = {"id": f"{prefix}:{n}", "title": titles[n % 5], "price": price, "category": "方便面"}
                # sellers of their own: what the first run flagged them for does not reach the second
                upsert_listing(session=session, record={**record, "seller": {"id": f"{prefix}-s{n % 3}"}})

    def results(prefix: str) -> list[tuple]:
        with db.session() as session:
            rows = session.execute(
                select(Listing.external_id, Score.risk, Score.flagged, Score.brand_name, Score.reasons)
                .join(Listing, Score.listing_id == Listing.id)
                .where(Listing.external_id.startswith(prefix))
                .order_by(Score.id)
            ).all()
            return [(external_id.split(":")[1], *rest) for external_id, *rest in rows]

    backlog("one")
    one = scheduler.rescore(db, get_settings(), batch_size=7)
    monkeypatch.setenv("MARKWATCH_SCORING_JOBS", "2")
    monkeypatch.setenv("MARKWATCH_SCORING_JOBS_BACKLOG", "30")
    assert scheduler.score_jobs(get_settings(), 40) == 2 and scheduler.score_jobs(get_settings(), 29) == 1
    backlog("two")
    two = scheduler.rescore(db, get_settings(), batch_size=7)
    assert (two.scored, two.flagged, two.queued) == (one.scored, one.flagged, one.queued)
    assert one.scored == 40 and one.flagged > 0
    assert results("two") == results("one")


def test_the_schedule_persists_in_the_database_and_is_listed_with_next_runs(db, cli):
    from storage.listings import get_or_create_platform

    with db.session() as session:
        get_or_create_platform(session=session, name="demo-static")
    installed = scheduler.persist_schedule(db, get_settings())
    assert installed == ["crawl:demo-static", "score", "capture", "digest", "retention"]
    rows = {row["id"]: row for row in json.loads(cli("jobs", "--json").stdout)}
    assert set(rows) == set(installed)
    assert "hour='2'" in rows["crawl:demo-static"]["schedule"] and "hour='8'" in rows["digest"]["schedule"]
    assert all(row["next_run"] and row["outcome"] is None for row in rows.values())
    assert scheduler.persist_schedule(db, get_settings()) == installed  # replaced, not duplicated
    assert len(json.loads(cli("jobs", "--json").stdout)) == 5


def test_daily_digest_links_to_the_public_url_and_shows_risk_to_one_decimal(db, home, monkeypatch):
    now = datetime.now(UTC)
    lead = make_lead(db, 1, flagged_at=now - timedelta(hours=1))
    monkeypatch.setenv("MARKWATCH_PUBLIC_URL", "https://markwatch.example.gov.cn:8443/")
    scheduler.digest(db, get_settings())
    day = now.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
    html = (home / "digests" / f"{day}.html").read_text(encoding="utf-8")
    link = f"https://markwatch.example.gov.cn:8443/leads/{lead}"
    assert link in html and "127.0.0.1:8000" not in html
    sheet = load_workbook(home / "digests" / f"{day}.xlsx")["新线索"]
    risk, url = sheet.cell(2, 2), sheet.cell(2, 8)
    assert risk.number_format == "0.0%" and 0 < risk.value < 1  # a fraction shown as a percentage
    assert url.value == link and url.hyperlink.target == link
