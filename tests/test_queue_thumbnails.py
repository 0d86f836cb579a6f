"""Thumbnails in the queue: a row shows its listing's first stored image, served by markwatch itself
(sniffed, sandboxed, never the marketplace's address), loaded lazily; a row without one shows none."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from factories import ScoreStub, login, make_brand, make_lead, make_user
from fastapi.testclient import TestClient
from test_listing_images import png

from storage import Database
from storage.images import record_listing_images


def _image(listing_id: int, sha: str, n: int) -> dict[str, object]:
    return {
        "listing_id": listing_id,
        "url": f"https://img.market.example.cn/康帅傅-{n}.jpg",
        "sha256": sha,
        "phash": f"{n:016x}",
        "size": 1,
        "position": n,
        "seen_at": datetime(2026, 12, 1, tzinfo=UTC),
    }


def test_queue_rows_show_the_first_stored_image_lazily(db: Database) -> None:
    from review.app import create_app

    with db.session() as s:
        make_brand(s, "康师傅")
        make_user(s, "审核员", role="reviewer")
        pictured = make_lead(s, score=ScoreStub(risk=0.95), title="康帅傅 红烧牛肉面 有图")
        plain = make_lead(s, score=ScoreStub(risk=0.9), title="康帅傅 老坛酸菜 无图")
        shas = [db.blobs.put(png("red")), db.blobs.put(png("blue"))]
        record_listing_images(
            session=s, images=[_image(pictured.listing_id, sha, n) for n, sha in enumerate(shas)]
        )
        listing_id, pictured_id, plain_id = pictured.listing_id, pictured.id, plain.id
    client = login(TestClient(create_app()), "审核员")
    page = client.get("/?status=open").text
    rows = {
        int(m.group(1)): m.group(0) for m in re.finditer(r'<tr data-id="(\d+)"[^>]*>.*?</tr>', page, re.S)
    }
    thumbs = re.findall(r'<td class="thumb">(.*?)</td>', rows[pictured_id], re.S)
    assert len(thumbs) == 1
    img = thumbs[0]
    assert f'src="/listings/{listing_id}/images/{shas[0]}"' in img  # the first image, stored by markwatch
    assert 'loading="lazy"' in img and 'referrerpolicy="no-referrer"' in img
    assert "market.example.cn" not in img
    assert re.search(r'<td class="thumb"></td>', rows[plain_id])  # no stored image: no thumbnail
    served = client.get(f"/listings/{listing_id}/images/{shas[0]}")
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"


def test_a_thumbnail_that_is_not_an_image_is_not_served(db: Database) -> None:
    from review.app import create_app

    with db.session() as s:
        make_brand(s, "康师傅")
        make_user(s, "审核员", role="reviewer")
        lead = make_lead(s, title="康帅傅 伪装成图片的脚本")
        sha = db.blobs.put(b"<svg onload=alert(1)>")
        record_listing_images(session=s, images=[_image(lead.listing_id, sha, 0)])
        listing_id = lead.listing_id
    client = login(TestClient(create_app()), "审核员")
    assert f"/listings/{listing_id}/images/{sha}" in client.get("/?status=open").text
    assert client.get(f"/listings/{listing_id}/images/{sha}").status_code == 404  # sniffed: not an image
