"""`markwatch model fit`: the combiner learns from reviewer decisions, and the next scoring uses it."""

from __future__ import annotations

from sqlalchemy import select

import scheduler
from brands.registry_file import parse_registry
from brands.service import import_registry
from settings import get_settings
from storage.listings import upsert_listing
from storage.models import CombinerVersion, Lead, Score


def flag_and_decide(db, n_upheld: int, n_dismissed: int) -> None:
    import_registry(
        db,
        parse_registry(
            "brands:\n  - name: 康师傅\n    categories: [方便面]\n    price_floor: 3.0\n",
            source="t",
            base_dir=None,
        ),
    )
    with db.session() as session:
        for i in range(n_upheld):
            upsert_listing(
                session=session,
                record={
                    "id": f"f:u{i}",
                    "title": f"康帅傅 红烧牛肉面 {i}号",
                    "price": 9.9,
                    "category": "方便面",
                },
            )
        for i in range(n_dismissed):
            upsert_listing(
                session=session,
                record={
                    "id": f"f:d{i}",
                    "title": f"康师傅 红烧牛肉面 高仿 {i}号",
                    "price": 9.9,
                    "category": "方便面",
                },
            )
    scheduler.rescore(db, get_settings())
    with db.session() as session:
        for lead in session.scalars(select(Lead)):
            lead.status = "confirmed" if "帅" in lead.listing.title else "dismissed"


def test_too_few_decisions_keep_the_default_weights(db, cli):
    flag_and_decide(db, 4, 3)
    result = cli("model", "fit")
    assert result.exit_code == 0 and "too few" in result.stdout
    with db.session() as session:
        assert session.scalars(select(CombinerVersion)).all() == []


def test_fitted_model_is_stored_versioned_and_used_by_the_next_scoring(db, cli):
    flag_and_decide(db, 24, 12)
    result = cli("model", "fit")
    assert result.exit_code == 0 and "learned from 36 decision(s) (24 upheld)" in result.stdout
    with db.session() as session:
        version = session.scalars(select(CombinerVersion.version)).one()
    with db.session() as session:
        upsert_listing(
            session=session,
            record={"id": "f:new", "title": "康帅傅 老坛酸菜面", "price": 4.5, "category": "方便面"},
        )
    scheduler.rescore(db, get_settings())
    with db.session() as session:
        newest = session.scalars(select(Score).order_by(Score.id.desc()).limit(1)).one()
        assert newest.model_version == version
