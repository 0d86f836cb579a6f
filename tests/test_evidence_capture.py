"""Evidence captures in real Chromium (crawler.capture): a flagged HTTP-crawled lead gets a screenshot and
a WARC; a block page or a timeout is recorded failed after its retries; a capture asked for again adds
one; a hostile page (popups, downloads, a huge page, offsite images) stays bounded."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta
from pathlib import Path

import pytest
from factories import csrf_of, login, make_brand, make_lead, make_snapshot, make_user
from PIL import Image
from sqlalchemy import select
from test_evidence_warc import records, sha1_b32

from crawler.capture import run_captures
from settings import get_settings
from storage import open_database
from storage.captures import claim_captures, lead_captures, pending_captures, request_capture
from storage.crawl import get_platform
from storage.models import CaptureRequest, Lead, Listing, ReviewEvent, Snapshot
from tests.sites import HTML, Site, html

pytestmark = pytest.mark.browser

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short waits: no back-off between tries, a small timeout."""
    monkeypatch.setenv("MARKWATCH_CAPTURE_BACKOFF", "0")
    monkeypatch.setenv("MARKWATCH_CAPTURE_TIMEOUT", "8")
    monkeypatch.setenv("MARKWATCH_CAPTURE_ATTEMPTS", "2")


def _demo_lead(db, demo, monkeypatch, item: str = "10004") -> int:  # type: ignore[no-untyped-def]
    """A flagged lead of a demo-static listing fetched over HTTP (a snapshot, no screenshot)."""
    monkeypatch.setenv("MARKWATCH_DEMO_STATIC_URL", demo.static_url)
    with db.session() as session:
        make_brand(session)
        lead = make_lead(session, id=f"demo-static:{item}", url=f"{demo.static_url}/item/{item}")
        make_snapshot(session, db.blobs, lead.listing, html="<html>crawled</html>")
        return lead.id


def test_a_flagged_http_lead_gets_a_screenshot_and_a_warc_of_the_page_and_its_images(  # type: ignore[no-untyped-def]
    cli, db, demo, dev_brands, monkeypatch
) -> None:
    from crawler.run import CrawlOptions, crawl

    assert cli("brands", "import", dev_brands).exit_code == 0
    monkeypatch.setenv("MARKWATCH_DEMO_STATIC_URL", demo.static_url)
    assert crawl(CrawlOptions("demo-static", progress=False)).status == "finished"
    summary = run_captures(db, get_settings())
    with db.session() as session:
        leads = list(session.scalars(select(Lead)))
        assert (
            leads and summary.queued == len(leads) and summary.captured == len(leads) and not summary.failed
        )
        for lead in leads[:3]:
            found = lead_captures(session=session, lead_id=lead.id)
            assert len(found.successful) == 1 and found.failed == []
            capture = found.successful[0]
            listing = session.get(Listing, lead.listing_id)
            assert capture.capture == "evidence" and capture.final_url == listing.url
            assert capture.http_status == 200 and "text/html" in capture.headers["content-type"]
            assert capture.user_agent and "markwatch" in capture.user_agent
            assert capture.browser_version and capture.browser_version[0].isdigit()
            assert capture.egress and "127.0.0.1" in capture.egress
            shot = db.blobs.get(capture.screenshot_sha256)
            assert shot.startswith(PNG_MAGIC) and Image.open(io.BytesIO(shot)).size[1] > 400
            html_bytes = db.blobs.get(capture.html_sha256)
            assert listing.title.encode() in html_bytes  # the page as served, with its Chinese title
            found_records = records(db.blobs.get(capture.warc_sha256))
            responses = {r["uri"]: r for r in found_records if r["type"] == "response"}
            requests = {r["uri"]: r for r in found_records if r["type"] == "request"}
            page = responses[listing.url]
            assert page["body"] == html_bytes and page["payload_digest"] == sha1_b32(html_bytes)
            assert requests[listing.url]["http"].get_header("user-agent") == capture.user_agent
            assert listing.images and all(url in responses for url in listing.images)
            for url in listing.images:
                image = responses[url]
                assert image["http"].get_header("content-type").startswith("image/")
                assert image["payload_digest"] == sha1_b32(image["body"]) and image["body"]
            (view,) = [r for r in found_records if r["type"] == "resource"]
            assert view["uri"] == f"urn:view:{listing.url}" and view["body"] == shot
    # taken once: the next run queues nothing new
    again = run_captures(db, get_settings())
    assert (again.queued, again.captured) == (0, 0)


def test_a_block_page_is_recorded_failed_after_its_retries_and_claims_no_screenshot(  # type: ignore[no-untyped-def]
    db, demo, monkeypatch, quick
) -> None:
    lead_id = _demo_lead(db, demo, monkeypatch)
    demo.set_faults(1.0, ["captcha"])
    summary = run_captures(db, get_settings())
    assert (summary.captured, summary.failed, dict(summary.reasons)) == (0, 1, {"block_page": 1})
    with db.session() as session:
        (failed,) = lead_captures(session=session, lead_id=lead_id).failed
        assert failed.failed_reason == "block_page" and failed.attempts == 2
        assert failed.html_sha256 is None and failed.screenshot_sha256 is None and failed.warc_sha256 is None
        assert session.scalars(select(CaptureRequest)).one().status == "failed"
    # the lead page says so, in Chinese
    client = _client()
    with db.session() as session:
        make_user(session, "审核员", role="reviewer")
    login(client, "审核员")
    page = client.get(f"/leads/{lead_id}").text
    assert "遇到平台拦截页" in page and "尝试 2 次" in page
    assert f'href="/snapshots/{failed.id}/screenshot"' not in page


def test_a_capture_blocked_at_first_succeeds_when_tried_again(db, demo, monkeypatch, quick) -> None:  # type: ignore[no-untyped-def]
    lead_id = _demo_lead(db, demo, monkeypatch)
    demo.set_faults(1.0, ["captcha"])
    waits: list[float] = []

    async def back_off(seconds: float) -> None:  # the block lifts during the back-off
        waits.append(seconds)
        demo.set_faults(0.0)

    summary = run_captures(db, get_settings(), sleep=back_off)
    assert (summary.captured, summary.failed) == (1, 0) and waits == [0.0]
    with db.session() as session:
        (capture,) = lead_captures(session=session, lead_id=lead_id).successful
        assert capture.attempts == 2 and capture.screenshot_sha256


def test_the_back_off_doubles_between_tries(db, demo, monkeypatch, quick) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MARKWATCH_CAPTURE_BACKOFF", "1.5")
    monkeypatch.setenv("MARKWATCH_CAPTURE_ATTEMPTS", "3")
    _demo_lead(db, demo, monkeypatch)
    demo.set_faults(1.0, ["captcha"])
    waits: list[float] = []

    async def back_off(seconds: float) -> None:
        waits.append(seconds)

    assert run_captures(db, get_settings(), sleep=back_off).failed == 1
    assert waits == [1.5, 3.0]


def test_a_page_that_never_answers_is_recorded_as_a_timeout(db, demo, monkeypatch, quick) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MARKWATCH_CAPTURE_TIMEOUT", "2")
    monkeypatch.setenv("MARKWATCH_CAPTURE_ATTEMPTS", "1")
    lead_id = _demo_lead(db, demo, monkeypatch)
    demo.hold_after(0)
    try:
        summary = run_captures(db, get_settings())
    finally:
        demo.hold_after(None)
    assert dict(summary.reasons) == {"timeout": 1}
    with db.session() as session:
        (failed,) = lead_captures(session=session, lead_id=lead_id).failed
        assert failed.failed_reason == "timeout" and failed.screenshot_sha256 is None


def _client():  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from review.app import create_app

    return TestClient(create_app())


def test_capturing_again_from_the_lead_page_or_the_cli_adds_a_capture_and_is_audited(  # type: ignore[no-untyped-def]
    cli, db, demo, monkeypatch, quick
) -> None:
    monkeypatch.setenv("MARKWATCH_EVIDENCE_CAPTURE", "0")  # only what people ask for
    lead_id = _demo_lead(db, demo, monkeypatch)
    with db.session() as session:
        make_user(session, "审核员", role="reviewer")
        make_brand(session, "李宁", aliases=("Li-Ning",))
        make_user(session, "李宁权利人", role="brand_owner", brands=("李宁",))
    client = _client()
    login(client, "审核员")
    page = client.get(f"/leads/{lead_id}").text
    assert 'id="recapture"' in page and "还没有取证截图" in page
    assert client.post(f"/leads/{lead_id}/capture", data={}, follow_redirects=False).status_code == 403
    token = csrf_of(client, f"/leads/{lead_id}")
    answer = client.post(f"/leads/{lead_id}/capture", data={"csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303
    assert "排队中" in client.get(answer.headers["location"]).text
    with db.session() as session:
        assert len(pending_captures(session=session, lead_id=lead_id)) == 1
        event = session.scalars(select(ReviewEvent).where(ReviewEvent.action == "evidence_capture")).one()
        assert event.detail["via"] == "web" and event.detail["by"] == "审核员"
    assert run_captures(db, get_settings()).captured == 1
    result = cli("--lang", "zh", "evidence", "capture", str(lead_id), "--as", "审核员")
    assert result.exit_code == 0 and "成功 1 份" in result.stdout
    with db.session() as session:
        found = lead_captures(session=session, lead_id=lead_id)
        assert len(found.successful) == 2 and len({s.screenshot_sha256 for s in found.successful}) >= 1
        assert len({s.id for s in found.successful}) == 2  # a new row each time: none replaced
        vias = [
            e.detail["via"]
            for e in session.scalars(select(ReviewEvent).where(ReviewEvent.action == "evidence_capture"))
        ]
        assert vias == ["web", "cli"]
    page = client.get(f"/leads/{lead_id}").text
    assert page.count('class="capture ok"') == 2 and "查看截图" in page
    # a brand owner neither sees the button nor may press it
    owner = _client()
    login(owner, "李宁权利人")
    assert owner.post(f"/leads/{lead_id}/capture", data={"csrf_token": "x"}).status_code in (403, 404)
    assert cli("evidence", "capture", "999999").exit_code != 0


def test_a_capture_cut_off_by_a_crash_is_taken_up_again(db, demo, monkeypatch, quick) -> None:  # type: ignore[no-untyped-def]
    lead_id = _demo_lead(db, demo, monkeypatch)
    with db.session() as session:
        request_capture(session=session, lead_id=lead_id, trigger="cli", by="test")
        from storage.models import utcnow

        # a runner took it an hour ago and died
        (taken,) = claim_captures(
            session=session, limit=5, stale_after=timedelta(0), now=utcnow() - timedelta(hours=1)
        )
        assert taken.status == "running"
    monkeypatch.setenv("MARKWATCH_EVIDENCE_CAPTURE", "0")
    assert run_captures(db, get_settings()).captured == 1
    with db.session() as session:
        assert session.scalars(select(CaptureRequest)).one().status == "done"


# --- hostile pages -------------------------------------------------------------------------------------


def _hostile_lead(db, site: Site, path: str = "/item/1") -> int:  # type: ignore[no-untyped-def]
    """A lead on a platform served by ``site`` (the demo-static profile pointed at it)."""
    from crawler.profiles import builtin_profile
    from storage.crawl import upsert_platform

    profile = builtin_profile("demo-static")
    assert profile is not None
    with db.session() as session:
        upsert_platform(
            session=session,
            name="hostile",
            title="恶意商城",
            render="http",
            profile=profile.data | {"name": "hostile", "base_url": site.url},
        )
        make_brand(session)
        lead = make_lead(session, id="hostile:1", platform="hostile", url=f"{site.url}{path}")
        make_snapshot(session, db.blobs, lead.listing, html="<html>crawled</html>")
        return lead.id


def _png(height: int = 40) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, height), "red").save(out, "PNG")
    return out.getvalue()


def test_a_hostile_page_gets_no_popup_no_download_and_no_offsite_request(db, quick, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with Site({"/x.png": (200, {"Content-Type": "image/png"}, _png())}) as other:
        page = html(
            "<h1 class='item-title'>康帅傅 红烧牛肉面</h1><div class='item-detail' data-item-id='1'></div>"
            f"<img src='/ok.png'><img src='{other.url}/x.png'>"
            "<a id='pop' href='/popup' target='_blank'>open</a><a id='dl' href='/file.zip' download>get</a>"
            "<script>window.open('/popup'); alert('hi');"
            "document.getElementById('pop').click(); document.getElementById('dl').click();</script>"
            "<div id='page-end'></div>"
        )
        routes = {
            "/item/1": page,
            "/ok.png": (200, {"Content-Type": "image/png"}, _png()),
            "/popup": html("<p>popup</p>"),
            "/file.zip": (
                200,
                {"Content-Type": "application/zip", "Content-Disposition": "attachment; filename=x.zip"},
                b"PK" * 1000,
            ),  # fmt: skip
        }
        with Site(routes) as site:
            lead_id = _hostile_lead(db, site)
            summary = run_captures(db, get_settings())
        assert other.requests == []  # the offsite image was never fetched
    assert summary.captured == 1, summary.reasons
    with db.session() as session:
        (capture,) = lead_captures(session=session, lead_id=lead_id).successful
        print(capture.extracted, site.requests)
        assert capture.extracted["refused"] == {"image:offsite": 1, "popup": 1}
        assert capture.extracted["popups_closed"] == 1
        uris = {r["uri"] for r in records(db.blobs.get(capture.warc_sha256)) if r["type"] == "response"}
        assert f"{site.url}/ok.png" in uris and not any("x.png" in u for u in uris)
        assert not any(u.endswith("/file.zip") for u in uris)
    assert "/popup" not in site.requests  # window.open gets nothing; the clicked link's popup loads nothing
    assert not list(tmp_path.rglob("*.zip"))


def test_an_address_that_is_a_download_fails_as_one(db, quick) -> None:  # type: ignore[no-untyped-def]
    attachment = {"Content-Type": "application/octet-stream", "Content-Disposition": "attachment; filename=a"}
    routes = {"/item/1": (200, attachment, b"MZ" * 5000)}
    with Site(routes) as site:
        lead_id = _hostile_lead(db, site)
        summary = run_captures(db, get_settings())
    assert dict(summary.reasons) == {"download": 1}
    with db.session() as session:
        (failed,) = lead_captures(session=session, lead_id=lead_id).failed
        assert failed.screenshot_sha256 is None


def test_a_huge_page_is_bounded_in_screenshot_height_and_archived_bytes(db, quick, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MARKWATCH_CAPTURE_MAX_HEIGHT", "3000")
    monkeypatch.setenv("MARKWATCH_CAPTURE_MAX_BYTES", "300000")
    big = b"\x89PNG" + bytes(1_000_000)  # bigger than the whole budget: refused, not archived
    page = html(
        "<h1 class='item-title'>康帅傅</h1><div style='height:200000px'>长</div>"
        "<img src='/big.png'><img src='/ok.png'><div id='page-end'></div>"
    )
    routes = {
        "/item/1": page,
        "/big.png": (200, {"Content-Type": "image/png"}, big),
        "/ok.png": (200, {"Content-Type": "image/png"}, _png()),
    }
    with Site(routes) as site:
        lead_id = _hostile_lead(db, site)
        summary = run_captures(db, get_settings())
    assert summary.captured == 1, summary.reasons
    with db.session() as session:
        (capture,) = lead_captures(session=session, lead_id=lead_id).successful
        shot = Image.open(io.BytesIO(db.blobs.get(capture.screenshot_sha256)))
        assert shot.size[1] == 3000 and capture.extracted["screenshot_cut_at"] == 3000
        data = db.blobs.get(capture.warc_sha256)
        found = records(data)
        uris = {r["uri"] for r in found if r["type"] == "response"}
        assert f"{site.url}/ok.png" in uris and f"{site.url}/big.png" not in uris
        assert b"screenshot-cut-at-px: 3000" in found[0]["body"]
        assert capture.extracted["refused"] == {"too_large": 1}  # the page never got the big image
        assert hashlib.sha256(data).hexdigest() == capture.warc_sha256


def test_a_page_too_large_fails_an_offsite_redirect_is_refused_and_an_onsite_one_followed(
    db, quick, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MARKWATCH_CAPTURE_MAX_BYTES", "50000")
    routes = {
        "/item/1": (200, HTML, b"<html><body>" + "大".encode() * 40000 + b"</body></html>"),
    }
    with Site(routes) as site:
        lead_id = _hostile_lead(db, site)
        run_captures(db, get_settings())
    with db.session() as session:
        (failed,) = lead_captures(session=session, lead_id=lead_id).failed
        assert failed.failed_reason.startswith("too_large")
    open_database(check=False)  # (the same installation)
    with Site({"/x": html("elsewhere")}) as other:
        routes = {"/item/1": (302, {"Location": f"{other.url}/x"}, b"")}
        with Site(routes) as site:
            db2_lead = None
            with db.session() as session:
                lead = session.get(Lead, lead_id)
                listing = session.get(Listing, lead.listing_id)
                listing.url = f"{site.url}/item/1"
                platform = get_platform(session=session, name="hostile")
                platform.profile = platform.profile | {"base_url": site.url}
                request_capture(session=session, lead_id=lead_id, trigger="cli")
                db2_lead = lead_id
            run_captures(db, get_settings())
        assert other.requests == []
    with db.session() as session:
        reasons = [s.failed_reason for s in lead_captures(session=session, lead_id=db2_lead).failed]
        assert reasons[-1] == "refused: redirect:offsite"
        assert session.scalars(select(Snapshot).where(Snapshot.screenshot_sha256.is_not(None))).all() == []
    # a redirect on the platform is followed, and archived
    with Site(
        {
            "/item/1": (302, {"Location": "/item/2"}, b""),
            "/item/2": html("<h1>康帅傅</h1><div id='page-end'></div>"),
        }
    ) as site:
        with db.session() as session:
            lead = session.get(Lead, lead_id)
            session.get(Listing, lead.listing_id).url = f"{site.url}/item/1"
            platform = get_platform(session=session, name="hostile")
            platform.profile = platform.profile | {"base_url": site.url}
            request_capture(session=session, lead_id=lead_id, trigger="cli")
        onsite = run_captures(db, get_settings())
    with db.session() as session:
        reasons = [s.failed_reason for s in lead_captures(session=session, lead_id=lead_id).failed]
        assert onsite.captured == 1, reasons
        (capture,) = lead_captures(session=session, lead_id=lead_id).successful
        assert capture.final_url == f"{site.url}/item/2" and capture.url == f"{site.url}/item/1"
        found = [r for r in records(db.blobs.get(capture.warc_sha256)) if r["type"] == "response"]
        assert [(r["uri"], r["http"].get_statuscode()) for r in found[:2]] == [
            (f"{site.url}/item/1", "302"),
            (f"{site.url}/item/2", "200"),
        ]
