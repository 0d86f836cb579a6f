"""One path from listing to lead (brands.queueing): the crawler, the scheduler, `score --queue` and the
web app's re-scoring after a blacklisting score with the same registry, fitted model and context."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from factories import make_brand, make_lead, make_user
from fastapi.testclient import TestClient
from sqlalchemy import select
from test_review_http import login, post_form

from scoring.combiner import CombinerModel
from storage.listings import get_or_create_platform, listing_record, store_listings, upsert_listing
from storage.models import Listing, Score, Seller
from storage.scorer_memory import save_combiner_model

FITTED = CombinerModel(version="fitted-by-reviewers-1")


def test_web_rescore_after_blacklisting_uses_the_fitted_model_and_the_blacklist(db) -> None:
    seller = {"id": "s-repeat", "name": "屡犯商行"}
    with db.session() as s:
        make_brand(s, "康师傅")
        make_user(s, "审核员", role="reviewer")
        leads = [make_lead(s, seller=seller, title=f"康帅傅 红烧牛肉面 第{i}款").id for i in range(3)]
        other = upsert_listing(
            session=s,
            record={
                "id": "demo-static:other",
                "title": "康帅傅 老坛酸菜面",
                "price": 4.5,
                "category": "方便面",
                "seller": seller,
            },
        )[0].id
        save_combiner_model(session=s, version=FITTED.version, n_examples=40, model_json=FITTED.to_json())
    from review.app import create_app

    client = login(TestClient(create_app()), "审核员")
    for lead in leads:
        post_form(client, f"/leads/{lead}/decision", {"action": "confirm"})
    with db.session() as s:
        assert s.scalars(select(Seller).where(Seller.external_id == "s-repeat")).one().blacklisted
        newest = s.scalars(select(Score).where(Score.listing_id == other).order_by(Score.id.desc())).first()
        assert newest is not None, "the blacklisted seller's other listing was not scored again"
        assert newest.model_version == FITTED.version  # before: the scorer's default weights
        assert "seller_blacklisted" in {r["signal"] for r in newest.reasons} | set(newest.features)
        assert s.get(Listing, other).scored_at is not None


def test_what_a_crawl_batch_stores_is_what_the_scorer_would_read_back(database) -> None:
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    first = {
        "id": "demo-static:1",
        "title": "康帅傅 红烧牛肉面",
        "price": 9.9,
        "category": "方便面",
        "sold": 1200,
        "description": "正宗口味",
        "images": ["http://x/a.jpg"],
        "seller": {"id": "s-1", "name": "好味食品店", "opened": "2026-06-01", "rating": 4.1},
    }
    with database.session() as s:
        platform = get_or_create_platform(session=s, name="demo-static")
        store_listings(session=s, platform_row=platform, batch=[(first, t0)])
        s.scalars(select(Seller)).one().blacklisted = True
    # seen again with fewer fields: the stored row keeps what it knew, and the seller stays blacklisted
    again = {
        "id": "demo-static:1",
        "title": "康帅傅 红烧牛肉面 新包装",
        "price": 8.8,
        "seller": {"id": "s-1", "name": "好味食品店"},
    }
    new = {"id": "demo-static:2", "title": "康师傅 红烧牛肉面"}
    with database.session() as s:
        platform = get_or_create_platform(session=s, name="demo-static")
        stored = store_listings(
            session=s, platform_row=platform, batch=[(again, t0 + timedelta(days=1)), (new, t0)]
        )
    with database.session() as s:
        for written in stored:
            assert written.record == listing_record(s.get(Listing, written.id))
    assert stored[0].record["seller"]["blacklisted"] is True and stored[0].record["sold"] == 1200
