"""The packet's web archive (archive.wacz): the captures' WARC records in the WACZ layout, read back by
a WARC reader through its index, and verify naming a WARC record whose digest does not match."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image
from test_evidence import EXPORTED, T0, make_lead, members, pdf_text, rezip
from warcio.archiveiterator import ArchiveIterator

from review.evidence import build_packet, verify_packet
from storage import Database
from storage.captures import add_capture
from storage.images import record_listing_images
from storage.models import Lead, Snapshot
from storage.warc import CaptureInfo, Exchange, Resource, screenshot_uri, write_warc

PAGE = "http://127.0.0.1:8801/item/10023"
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
BROWSER = "Chromium 131.0.6778.85"
EGRESS = "203.0.113.7（出口地址，取证专线）"


def picture(colour: str, size: tuple[int, int] = (320, 240)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


IMAGES = {f"http://127.0.0.1:8801/img/{n}.png": picture(c) for n, c in enumerate(("red", "green", "blue"), 1)}
SCREENSHOT = picture("orange", (400, 900))
HTML = (
    "<html><head><meta charset='utf-8'><title>康帅傅</title></head><body><p>康帅傅 红烧牛肉面</p>"
    + "".join(f"<img src='{url}'>" for url in IMAGES)
    + "</body></html>"
)


def capture_warc(at, *, screenshot: bytes | None) -> bytes:  # type: ignore[no-untyped-def]
    """The WARC an evidence capture writes: the page, its images as received, then the screenshot."""
    exchanges = [Exchange(PAGE, 200, {"Content-Type": "text/html; charset=utf-8"}, HTML.encode(), at)]
    exchanges += [Exchange(url, 200, {"Content-Type": "image/png"}, body, at) for url, body in IMAGES.items()]
    resources = [Resource(screenshot_uri(PAGE), "image/png", screenshot, at)] if screenshot else []
    info = CaptureInfo(software="markwatch test", user_agent=UA, browser_version=BROWSER, egress=EGRESS)
    return write_warc(exchanges=exchanges, resources=resources, info=info)


def make_captured_lead(db: Database) -> int:
    """A lead with one crawl snapshot, one evidence capture (page, 3 images, screenshot) and one failed
    capture, the first two with their WARCs; the listing's images stored by the crawl."""
    lead_id = make_lead(db, snapshots=0)
    with db.session() as session:
        listing_id = session.get(Lead, lead_id).listing_id  # type: ignore[union-attr]
        crawl_at, capture_at = T0 + timedelta(days=1), T0 + timedelta(days=2, hours=1)
        session.add(
            Snapshot(
                listing_id=listing_id,
                fetched_at=crawl_at,
                url=PAGE,
                http_status=200,
                headers={"content-type": "text/html; charset=utf-8"},
                html_sha256=db.blobs.put(HTML.encode()),
                tool_version="markwatch 0.1.0 (scrapy)",
                capture="crawl",
                user_agent="markwatch/0.1 (+crawler)",
                warc_sha256=db.blobs.put(capture_warc(crawl_at, screenshot=None)),
            )
        )
        add_capture(
            session=session,
            listing_id=listing_id,
            url=PAGE,
            final_url=PAGE,
            fetched_at=capture_at,
            http_status=200,
            headers={"content-type": "text/html; charset=utf-8"},
            tool_version="markwatch 0.1.0 (chromium)",
            html_sha256=db.blobs.put(HTML.encode()),
            screenshot_sha256=db.blobs.put(SCREENSHOT),
            warc_sha256=db.blobs.put(capture_warc(capture_at, screenshot=SCREENSHOT)),
            user_agent=UA,
            browser_version=BROWSER,
            egress=EGRESS,
        )
        add_capture(
            session=session,
            listing_id=listing_id,
            url=PAGE,
            fetched_at=capture_at + timedelta(hours=1),
            tool_version="markwatch 0.1.0 (chromium)",
            failed_reason="页面加载超时（30 秒）",
            attempts=3,
            user_agent=UA,
            browser_version=BROWSER,
            egress=EGRESS,
        )
        record_listing_images(
            session=session,
            images=[
                {
                    "listing_id": listing_id,
                    "url": url,
                    "sha256": db.blobs.put(body),
                    "phash": "0" * 16,
                    "size": len(body),
                    "seen_at": crawl_at,
                    "position": n,
                }
                for n, (url, body) in enumerate(IMAGES.items())
            ],
        )
    return lead_id


@pytest.fixture
def packet(db: Database) -> bytes:
    return build_packet(db, make_captured_lead(db), user_name="李调查", now=EXPORTED)


def wacz_files(packet: bytes) -> dict[str, bytes]:
    return members(members(packet)["archive.wacz"])


def test_the_packet_carries_the_captures_warcs_as_a_wacz(packet: bytes):
    files = members(packet)
    assert list(files)[-1] == "archive.wacz"
    manifest = json.loads(files["manifest.json"])
    assert manifest["archive"] == {"file": "archive.wacz", "format": "WACZ 1.1.1", "warcs": 2}
    inside = wacz_files(packet)
    assert set(inside) == {
        "archive/1.warc.gz",
        "archive/2.warc.gz",
        "indexes/index.cdx",
        "pages/pages.jsonl",
        "datapackage.json",
        "datapackage-digest.json",
    }
    package = json.loads(inside["datapackage.json"])
    assert package["wacz_version"] == "1.1.1" and package["mainPageURL"] == PAGE
    for resource in package["resources"]:
        import hashlib

        assert resource["hash"] == "sha256:" + hashlib.sha256(inside[resource["path"]]).hexdigest()
    snapshots = manifest["snapshots"]
    assert [s["capture"] for s in snapshots] == ["crawl", "evidence", "evidence"]
    assert snapshots[1]["user_agent"] == UA and snapshots[1]["browser_version"] == BROWSER
    assert snapshots[1]["egress"] == EGRESS and snapshots[1]["warc"] == "archive.wacz#archive/2.warc.gz"
    assert snapshots[2]["failed_reason"] == "页面加载超时（30 秒）" and snapshots[2]["attempts"] == 3
    assert snapshots[2]["screenshot"] is None and snapshots[2]["warc"] is None
    assert verify_packet(packet).ok


def test_the_wacz_index_finds_the_page_and_its_images_in_the_warcs(packet: bytes):
    """Read it back as a replay tool does: pages.jsonl names the page; the CDXJ index, looked up by
    SURT key, points (file, offset, length) at the record that holds the bytes."""
    from cdxj_indexer.main import CDXJIndexer

    inside = wacz_files(packet)
    pages = [json.loads(line) for line in inside["pages/pages.jsonl"].decode().splitlines()]
    assert pages[0]["format"] == "json-pages-1.0"
    assert [p["url"] for p in pages[1:]] == [PAGE, PAGE]
    index: dict[str, list[dict]] = {}  # type: ignore[type-arg]
    for line in inside["indexes/index.cdx"].decode().splitlines():
        key, stamp, fields = line.split(" ", 2)
        index.setdefault(key, []).append({"ts": stamp, **json.loads(fields)})
    surt = CDXJIndexer(io.StringIO(), []).get_url_key

    def lookup(url: str, filename: str) -> bytes:
        hit = next(h for h in index[surt(url)] if h["filename"] == filename)
        warc = inside[f"archive/{filename}"][int(hit["offset"]) : int(hit["offset"]) + int(hit["length"])]
        record = next(iter(ArchiveIterator(io.BytesIO(warc))))
        assert record.rec_headers.get_header("WARC-Target-URI") == url
        return record.content_stream().read()

    assert lookup(PAGE, "2.warc.gz").decode() == HTML
    for url, body in IMAGES.items():
        assert lookup(url, "2.warc.gz") == body and lookup(url, "1.warc.gz") == body
    assert lookup(screenshot_uri(PAGE), "2.warc.gz") == SCREENSHOT
    assert {h["ts"] for h in index[surt(PAGE)]} == {"20261121013000", "20261122023000"}


def _gzip_members(data: bytes) -> list[bytes]:
    out = []
    while data:
        reader = zlib.decompressobj(31)
        out.append(reader.decompress(data))
        data = reader.unused_data
    return out


def test_a_tampered_warc_record_fails_verify_naming_the_record(packet: bytes):
    files = members(packet)
    inside = members(files["archive.wacz"])
    target = list(IMAGES)[1]
    records = _gzip_members(inside["archive/2.warc.gz"])
    header = f"WARC-Target-URI: {target}\r\n".encode()
    hit = next(i for i, r in enumerate(records) if b"WARC-Type: response" in r and header in r)
    head = records[hit].split(b"\r\n")
    record_id = next(line.split(b": ", 1)[1].decode() for line in head if line.startswith(b"WARC-Record-ID"))
    green = picture("green")
    changed = green[:100] + bytes([green[100] ^ 0x01]) + green[101:]  # one bit: only the digests can tell
    assert green in records[hit]
    records[hit] = records[hit].replace(green, changed)
    inside["archive/2.warc.gz"] = b"".join(gzip.compress(r, mtime=0) for r in records)
    files["archive.wacz"] = rezip(inside)
    report = verify_packet(rezip(files))
    assert not report.ok
    assert "changed: archive.wacz" in report.lines()
    named = [line for line in report.lines() if line.startswith("problem: WARC record")]
    assert len(named) == 1
    assert record_id in named[0] and target in named[0] and "archive.wacz/archive/2.warc.gz" in named[0]
    assert "digest" in named[0]


def test_without_warcs_there_is_no_archive_and_the_method_does_not_claim_one(db: Database, tmp_path: Path):
    packet = build_packet(db, make_lead(db), user_name="李调查", now=EXPORTED)
    files = members(packet)
    assert "archive.wacz" not in files and json.loads(files["manifest.json"])["archive"] is None
    text = "".join(pdf_text(packet, tmp_path).split())
    assert "WACZ" not in text and "网页存档" not in text


def test_the_report_says_what_the_packet_holds_and_each_captures_environment(packet: bytes, tmp_path: Path):
    text = "".join(pdf_text(packet, tmp_path).split())
    method = text.split("提取方法")[1].split("提取工具")[0]
    assert "共抓取3次（常规抓取1次、浏览器取证抓取1次）" in method
    assert "其中1次抓取失败（快照3：页面加载超时（30秒））" in method
    assert "网页原始HTML2份、页面截图1张、商品图片3张、2次抓取的网页存档" in method
    assert "（WARC记录，合为WACZ文件archive.wacz）" in method
    assert "未加盖可信时间戳" in method
    snapshots = text.split("四、网页快照")[1].split("五、价格记录")[0]
    for value in ("浏览器取证抓取（Chromium）", "Chrome/131.0.0.0", BROWSER.replace(" ", ""), "203.0.113.7"):
        assert value in snapshots
    assert "失败：页面加载超时（30秒）（无网页、无截图）" in snapshots and "尝试3次" in snapshots
    assert "archive.wacz#archive/2.warc.gz（网页存档WARC）" in snapshots
    assert text.count("页面截图（证据包内文件") == 1  # the one screenshot there is, on its own page
    assert text.count("商品图片（证据包内文件") == 3


def test_the_report_pages_show_the_pictures_and_page_numbers(packet: bytes, tmp_path: Path):
    """Rendered with pdftoppm: each picture page shows its picture (its colour fills the middle)."""
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(members(packet)["report.pdf"])
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    total = len(pages)
    colours = []
    for page in pages[-4:]:
        with Image.open(page) as image:
            rgb = image.convert("RGB")
            colours.append(rgb.getpixel((rgb.width // 2, rgb.height // 2)))
    assert colours[0][0] > 200 and 100 < colours[0][1] < 200 and colours[0][2] < 80  # orange screenshot
    assert [max(range(3), key=lambda i: c[i]) for c in colours[1:]] == [0, 1, 2]  # red, green, blue
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert f"第{total}页共{total}页" in "".join(text.split())
