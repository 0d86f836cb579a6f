"""Every capture is also a WARC file (storage.warc, written with warcio): the crawl's pages here; the
evidence capture in Chromium in tests/test_evidence_capture.py."""

from __future__ import annotations

import base64
import hashlib
import io
from datetime import UTC, datetime

from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from storage import open_database
from storage.captures import lead_captures, lead_warcs
from storage.models import Lead, Listing, Snapshot
from storage.warc import CaptureInfo, Exchange, Resource, screenshot_uri, write_warc


def records(data: bytes) -> list[dict]:  # type: ignore[type-arg]
    """Every record of a WARC file, read back by warcio with its digests checked."""
    found = []
    for record in ArchiveIterator(io.BytesIO(data), check_digests=True):
        body = record.content_stream().read()
        assert record.digest_checker.passed is not False, record.digest_checker.problems
        found.append(
            {
                "type": record.rec_type,
                "uri": record.rec_headers.get_header("WARC-Target-URI"),
                "date": record.rec_headers.get_header("WARC-Date"),
                "payload_digest": record.rec_headers.get_header("WARC-Payload-Digest"),
                "block_digest": record.rec_headers.get_header("WARC-Block-Digest"),
                "http": record.http_headers,
                "body": body,
            }
        )
    return found


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()  # noqa: S324 - WARC's digest


def test_a_warc_holds_the_exchange_and_the_resources_with_their_digests() -> None:
    at = datetime(2026, 12, 6, 2, 30, 5, tzinfo=UTC)
    page = "康帅傅 红烧牛肉面".encode()
    data = write_warc(
        exchanges=[
            Exchange(
                url="http://127.0.0.1:8801/item/10023?ref=搜索",
                status=200,
                headers={
                    "Content-Type": "text/html; charset=utf-8",
                    "Content-Encoding": "gzip",
                    "Set-Cookie": "sid=secret",
                    "Content-Length": "12",
                },  # fmt: skip
                body=page,
                at=at,
                request_headers={"User-Agent": "markwatch-test", "Cookie": "sid=secret"},
            )
        ],
        resources=[
            Resource(
                url=screenshot_uri("http://127.0.0.1:8801/item/10023"),
                content_type="image/png",
                body=b"\x89PNG fake",
                at=at,
            )
        ],  # fmt: skip
        info=CaptureInfo(software="markwatch/test", user_agent="markwatch-test", egress="127.0.0.1 (测试)"),
    )
    found = records(data)
    assert [r["type"] for r in found] == ["warcinfo", "response", "request", "resource"]
    assert b"egress: 127.0.0.1" in found[0]["body"] and b"markwatch-test" in found[0]["body"]
    response, request, shot = found[1], found[2], found[3]
    assert response["uri"] == request["uri"] == "http://127.0.0.1:8801/item/10023?ref=%E6%90%9C%E7%B4%A2"
    assert response["date"] == "2026-12-06T02:30:05Z"
    assert response["body"] == page and response["payload_digest"] == sha1_b32(page)
    assert response["http"].get_statuscode() == "200"
    # the body is kept decoded: the record says how it came, and its length is the body's
    assert response["http"].get_header("Content-Length") == str(len(page))
    assert response["http"].get_header("Content-Encoding") is None
    assert response["http"].get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    # a session's cookies never enter a WARC
    assert b"secret" not in data and b"secret" not in io.BytesIO(data).getvalue()
    assert request["http"].get_header("User-Agent") == "markwatch-test"
    assert request["http"].get_header("Host") == "127.0.0.1:8801"
    assert shot["uri"] == "urn:view:http://127.0.0.1:8801/item/10023"
    assert shot["body"] == b"\x89PNG fake" and shot["payload_digest"] == sha1_b32(b"\x89PNG fake")


def test_a_tampered_record_fails_warcios_digest_check() -> None:
    at = datetime(2026, 12, 6, tzinfo=UTC)
    body = b"<html><title>original</title></html>"
    data = write_warc(
        exchanges=[Exchange(url="http://127.0.0.1/item/1", status=200, headers={}, body=body, at=at)],
        info=CaptureInfo(software="markwatch/test"),
    )
    import gzip

    raw = b"".join(  # each record is its own gzip member: tamper in the uncompressed stream
        [gzip.decompress(data)]
    ).replace(b"original", b"tampered")
    problems = []
    for record in ArchiveIterator(io.BytesIO(raw), check_digests=True):
        record.content_stream().read()
        if record.digest_checker.passed is False:
            problems.append(record.rec_headers.get_header("WARC-Target-URI"))
    assert problems == ["http://127.0.0.1/item/1"]


def test_every_crawled_page_has_a_warc_with_its_request_response_and_images(
    cli, db, demo, dev_brands
) -> None:  # type: ignore[no-untyped-def]
    from crawler.run import CrawlOptions, crawl

    assert cli("brands", "import", dev_brands).exit_code == 0
    summary = crawl(CrawlOptions("demo-static", base_url_override=demo.static_url, progress=False))
    assert summary.status == "finished" and summary.items > 0
    blobs = open_database(check=False).blobs
    with open_database(check=False).session() as session:
        snapshots = list(session.scalars(select(Snapshot)))
        assert snapshots and all(s.warc_sha256 and s.capture == "crawl" for s in snapshots)
        assert all(s.user_agent for s in snapshots)
        listing_images = {listing.id: listing.images for listing in session.scalars(select(Listing))}
        for snapshot in snapshots[:10]:
            found = records(blobs.get(snapshot.warc_sha256))
            kinds = [r["type"] for r in found]
            assert kinds[:3] == ["warcinfo", "response", "request"]
            response = found[1]
            assert response["uri"] == snapshot.final_url
            assert hashlib.sha256(response["body"]).hexdigest() == snapshot.html_sha256
            assert found[2]["http"].get_header("User-Agent") == snapshot.user_agent
            images = [r for r in found if r["type"] == "resource"]
            assert {r["uri"] for r in images} == set(listing_images[snapshot.listing_id])
            assert all(r["payload_digest"] == sha1_b32(r["body"]) for r in images)
        lead = session.scalars(select(Lead)).first()
        assert lead is not None
        warcs = lead_warcs(session=session, lead_id=lead.id)
        assert [w for _, w in warcs] == [
            s.warc_sha256
            for s in sorted(snapshots, key=lambda s: (s.fetched_at, s.id))
            if s.listing_id == lead.listing_id
        ]
        # crawled pages are not evidence captures
        assert lead_captures(session=session, lead_id=lead.id).successful == []
