"""Listing images: fetched by the crawler (bounded, images only), kept in the blob store with their
perceptual hash so official-image reuse fires on crawled listings, shown on lead pages from the blob
store, and put into evidence packets."""

from __future__ import annotations

import hashlib
import io
import json
import urllib.request
import zipfile
from pathlib import Path

import pytest
from factories import login
from PIL import Image, ImageDraw
from sqlalchemy import select

from crawler.images import ImageRefused, inspect_image
from storage import open_database
from storage.models import CrawlRun, Listing, ListingImage, Score
from tests.sites import Site, html


def png(colour: str = "red", size: int = 120) -> bytes:
    image = Image.new("RGB", (size, size), "white")
    ImageDraw.Draw(image).ellipse([10, 10, size - 10, size - 30], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_image_bytes_are_checked_and_hashed() -> None:
    facts = inspect_image(png())
    assert facts["width"] == 120 and facts["format"] == "PNG" and len(facts["phash"]) == 16
    for not_image in (
        b"<!doctype html><h1>not found</h1>",
        b'<svg xmlns="http://www.w3.org/2000/svg"/>',
        b"",
    ):
        with pytest.raises(ImageRefused) as refused:
            inspect_image(not_image)
        assert refused.value.reason == "not_an_image"
    with pytest.raises(ImageRefused) as refused:
        inspect_image(png()[:200])  # the header, then nothing: a cut file
    assert refused.value.reason == "broken_image"


PROFILE = """\
name: pictures
base_url: {base}
render: http
robots_txt: false
start_urls: ["/"]
politeness: {{concurrency: 4, delay: 0, retries: 1, max_delay: 0.2, timeout: 10}}
list:
  items: "a.item::attr(href)"
detail:
  id: "h1::attr(data-id)"
  fields:
    title: "h1"
    images: "img::attr(src)"
"""


def _gallery(cdn_url: str, red: bytes, blue: bytes, second: tuple[str, bytes]) -> dict:
    """A shop of two listings: the first shows every kind of picture a page can hold (two good ones, then
    HTML, SVG, 50 MB, a 404 and another host's), the second one picture at ``second``."""
    images = [
        "/img/red.png",
        "/img/blue.jpg",  # a PNG whatever the name says
        "/img/page.png",  # HTML
        "/img/logo.svg",  # SVG: not a raster image
        "/img/huge.png",  # 50 MB
        "/img/missing.png",  # 404
        f"{cdn_url}/cdn/x.png",  # another host, not declared
    ]
    gallery = "".join(f"<img src='{u}'>" for u in images)
    path, picture = second
    return {
        "/": html("<a class='item' href='/item/1'>1</a><a class='item' href='/item/2'>2</a>"),
        "/item/1": html(f"<h1 data-id='1'>图片测试 商品一</h1>{gallery}"),
        "/item/2": html(f"<h1 data-id='2'>图片测试 商品二</h1><img src='{path}'>"),
        "/img/red.png": (200, {"Content-Type": "image/png"}, red),
        "/img/blue.jpg": (200, {"Content-Type": "image/jpeg"}, blue),
        path: (200, {"Content-Type": "image/png"}, picture),
        "/img/page.png": html("<p>请登录</p>"),
        "/img/logo.svg": (
            200,
            {"Content-Type": "image/svg+xml"},
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        ),
        "/img/huge.png": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n" + bytes(50 * 1024 * 1024)),
    }


# what the first listing's gallery refuses, by reason
GALLERY_REFUSED = {"image:not_an_image": 2, "image:too_large": 1, "image:http_404": 1, "image:offsite": 1}


def test_a_crawl_keeps_the_images_and_refuses_what_is_not_one(cli, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from crawler.run import CrawlOptions, crawl

    red, blue = png("red"), png("blue")
    with Site({"/cdn/x.png": (200, {"Content-Type": "image/png"}, png("green"))}) as cdn:
        routes = _gallery(cdn.url, red, blue, second=("/img/red.png", red))
        with Site(routes) as site:
            profile = tmp_path / "pictures.yaml"
            profile.write_text(PROFILE.format(base=site.url), encoding="utf-8")
            assert cli("platforms", "add", profile).exit_code == 0
            summary = crawl(CrawlOptions("pictures", progress=False))
            asked = list(site.requests)
        assert cdn.requests == []
    assert summary.status == "finished" and summary.items == 2
    assert asked.count("/img/red.png") == 1  # one fetch for both listings
    db_ = open_database(check=False)
    with db_.session() as session:
        rows = {
            listing.external_id: (
                listing,
                list(
                    session.scalars(
                        select(ListingImage)
                        .where(ListingImage.listing_id == listing.id)
                        .order_by(ListingImage.position)
                    )
                ),
            )
            for listing in session.scalars(select(Listing))
        }
        first, first_images = rows["1"]
        assert [i.url.rsplit("/", 1)[1] for i in first_images] == ["red.png", "blue.jpg"]
        assert [db_.blobs.get(i.sha256) for i in first_images] == [red, blue]  # the bytes as served
        assert first.image_hashes == [i.phash for i in first_images]
        second, second_images = rows["2"]
        assert [i.sha256 for i in second_images] == [first_images[0].sha256]
        run = session.scalars(select(CrawlRun)).one()
    refused = {k: v for k, v in summary.refused.items() if k.startswith("image:")}
    assert refused == GALLERY_REFUSED
    assert run.images == summary.images == 3


@pytest.mark.browser
def test_a_browser_crawl_keeps_the_pictures_its_page_loaded(cli, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from crawler.run import CrawlOptions, crawl

    red, blue, green = png("red"), png("blue"), png("green")
    with Site({"/cdn/x.png": (200, {"Content-Type": "image/png"}, green)}) as cdn:
        routes = _gallery(cdn.url, red, blue, second=("/img/green.png", green))
        with Site(routes) as site:
            profile = tmp_path / "pictures.yaml"
            profile.write_text(PROFILE.format(base=site.url).replace("render: http", "render: browser"))
            assert cli("platforms", "add", profile).exit_code == 0
            summary = crawl(CrawlOptions("pictures", progress=False))
            asked = list(site.requests)
    assert summary.status == "finished" and summary.items == 2
    # the pictures the page showed were asked for once, by the browser; the crawler did not fetch them again
    # (Chromium itself may ask again for a picture it could not decode, such as the HTML one)
    for path in ("/img/red.png", "/img/blue.jpg", "/img/green.png", "/img/logo.svg"):
        assert asked.count(path) == 1, (path, asked)
    db_ = open_database(check=False)
    with db_.session() as session:
        stored = {
            listing.external_id: list(
                session.scalars(
                    select(ListingImage)
                    .where(ListingImage.listing_id == listing.id)
                    .order_by(ListingImage.position)
                )
            )
            for listing in session.scalars(select(Listing))
        }
        # the bytes as served, with the hashes an HTTP fetch gives them
        assert [db_.blobs.get(i.sha256) for i in stored["1"]] == [red, blue]
        assert [i.sha256 for i in stored["1"]] == [hashlib.sha256(b).hexdigest() for b in (red, blue)]
        assert [i.phash for i in stored["1"]] == [inspect_image(b)["phash"] for b in (red, blue)]
        assert [i.content_type for i in stored["1"]] == ["image/png", "image/jpeg"]
        assert [db_.blobs.get(i.sha256) for i in stored["2"]] == [green]
        # the pages' snapshots name the crawl's user agent, which the browser sent
        from crawler.settings import user_agent
        from storage.models import Snapshot

        assert {s.user_agent for s in session.scalars(select(Snapshot))} == {user_agent()}
    refused = {k: v for k, v in summary.refused.items() if k.startswith("image:")}
    assert refused == GALLERY_REFUSED


def test_a_crawled_listing_reusing_an_official_image_is_flagged_for_it(cli, db, demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from crawler.run import CrawlOptions, crawl

    records = {r["id"]: r for r in demo.records("demo-static")}
    reuse, other = records["demo-static:10004"], records["demo-static:10002"]  # 可口可乐, 必胜客 lookalikes
    official = tmp_path / "images" / "coke.png"
    official.parent.mkdir()
    official.write_bytes(urllib.request.urlopen(reuse["images"][0]).read())  # noqa: S310 - the local demo
    (tmp_path / "brands.yaml").write_text(
        "brands:\n"
        "  - name: 可口可乐\n    aliases: [Coca-Cola]\n    official_images: [images/coke.png]\n"
        "  - name: 必胜客\n    aliases: [Pizza Hut]\n",
        encoding="utf-8",
    )
    assert cli("brands", "import", tmp_path / "brands.yaml").exit_code == 0
    summary = crawl(CrawlOptions("demo-static", base_url_override=demo.static_url, progress=False))
    assert summary.status == "finished" and summary.images == sum(len(r["images"]) for r in records.values())
    with open_database(check=False).session() as session:

        def signals_of(record_id: str) -> set[str]:
            listing = session.scalars(
                select(Listing).where(Listing.external_id == record_id.split(":")[1])
            ).one()
            score = session.scalars(select(Score).where(Score.listing_id == listing.id)).first()
            return {r["signal"] for r in score.reasons} if score else set()

        assert "image_reuse" in signals_of(reuse["id"])
        assert "image_reuse" not in signals_of(other["id"])


# --- the review app and evidence ----------------------------------------------------------------------


def _lead_with_images(db) -> tuple[int, int, list[str]]:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from factories import make_brand, make_lead, make_user

    from storage.images import record_listing_images

    images = [png("red"), png("blue")]
    with db.session() as session:
        make_brand(session, "康师傅")
        make_brand(session, "李宁")
        make_user(session, "审核员", role="reviewer")
        make_user(session, "调查员", role="investigator")
        make_user(session, "李宁权利人", role="brand_owner", brands=("李宁",))
        lead = make_lead(session)
        shas = [db.blobs.put(data) for data in images]
        record_listing_images(
            session=session,
            images=[
                {
                    "listing_id": lead.listing_id,
                    "url": f"https://img.market.example.cn/{n}.jpg",
                    "sha256": sha,
                    "phash": f"{n:016x}",
                    "size": 1,
                    "position": n,
                    "seen_at": datetime(2026, 12, 1, tzinfo=UTC),
                }
                for n, sha in enumerate(shas)
            ],
        )
        return lead.id, lead.listing_id, shas


def _client(db):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from review.app import create_app

    return TestClient(create_app())


def test_a_lead_page_shows_the_stored_images_never_the_marketplace_address(db) -> None:  # type: ignore[no-untyped-def]
    lead_id, listing_id, shas = _lead_with_images(db)
    client = _client(db)
    login(client, "审核员")
    page = client.get(f"/leads/{lead_id}").text
    sources = __import__("re").findall(r'<img src="([^"]+)"', page)
    assert [f"/listings/{listing_id}/images/{sha}" for sha in shas] == [s for s in sources if "/images/" in s]
    assert not any("market.example.cn" in s for s in sources)  # shown as text only
    assert "https://img.market.example.cn/0.jpg" in page
    served = client.get(f"/listings/{listing_id}/images/{shas[0]}")
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert (
        served.headers["x-content-type-options"] == "nosniff"
        and "sandbox" in served.headers["content-security-policy"]
    )
    assert served.content == db.blobs.get(shas[0])
    # another listing's blob, or a blob that is no listing image, is not served under this listing
    other = db.blobs.put(png("green"))
    assert client.get(f"/listings/{listing_id}/images/{other}").status_code == 404
    assert client.get(f"/listings/{listing_id}/images/..%2F..%2Fetc%2Fpasswd").status_code == 404


def test_a_brand_owner_sees_no_image_of_another_brands_listing(db) -> None:  # type: ignore[no-untyped-def]
    _lead_id, listing_id, shas = _lead_with_images(db)
    client = _client(db)
    login(client, "李宁权利人")
    assert client.get(f"/listings/{listing_id}/images/{shas[0]}").status_code == 404


def test_a_stored_image_that_is_not_an_image_is_never_served(db) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from storage.images import record_listing_images

    _lead_id, listing_id, _shas = _lead_with_images(db)
    sha = db.blobs.put(b"<script>alert(1)</script>")
    with db.session() as session:
        record_listing_images(
            session=session,
            images=[
                {
                    "listing_id": listing_id,
                    "url": "x",
                    "sha256": sha,
                    "phash": "0" * 16,
                    "size": 1,
                    "seen_at": datetime(2026, 12, 2, tzinfo=UTC),
                }
            ],
        )
    client = _client(db)
    login(client, "审核员")
    assert client.get(f"/listings/{listing_id}/images/{sha}").status_code == 404


def test_the_evidence_packet_holds_the_images_and_their_hashes(db) -> None:  # type: ignore[no-untyped-def]
    from review.evidence import build_packet, verify_packet

    lead_id, _listing_id, shas = _lead_with_images(db)
    packet = build_packet(db, lead_id, user_name="调查员")
    archive = zipfile.ZipFile(io.BytesIO(packet))
    manifest = json.loads(archive.read("manifest.json"))
    assert [(i["file"], i["sha256"]) for i in manifest["images"]] == [
        ("images/1.png", shas[0]),
        ("images/2.png", shas[1]),
    ]
    for image in manifest["images"]:
        assert hashlib.sha256(archive.read(image["file"])).hexdigest() == image["sha256"]
        assert image["phash"] and image["url"].startswith("https://img.market.example.cn/")
    assert {"images/1.png", "images/2.png"} <= {f["name"] for f in manifest["files"]}
    assert verify_packet(packet).ok


def test_max_pages_counts_marketplace_pages_not_their_images(cli, db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from crawler.run import CrawlOptions, crawl

    listings = range(1, 41)  # more than Scrapy keeps in flight, so a limit reached early leaves some out
    routes = {
        "/": html("".join(f"<a class='item' href='/item/{n}'>{n}</a>" for n in listings)),
        **{
            f"/item/{n}": html(
                f"<h1 data-id='{n}'>页数测试 商品{n}</h1><img src='/img/{n}-a.png'><img src='/img/{n}-b.png'>"
            )
            for n in listings
        },
        **{
            f"/img/{n}-{k}.png": (200, {"Content-Type": "image/png"}, png("red", 60 + 2 * n + (k == "b")))
            for n in listings
            for k in "ab"
        },
    }
    with Site(routes) as site:
        profile = tmp_path / "pictures.yaml"
        profile.write_text(PROFILE.format(base=site.url), encoding="utf-8")
        assert cli("platforms", "add", profile).exit_code == 0
        # 41 pages (the list and 40 listings) under a limit of 45, however many images they show
        summary = crawl(CrawlOptions("pictures", progress=False, max_pages=45))
    assert summary.status == "finished" and summary.items == 40 and summary.images == 80
