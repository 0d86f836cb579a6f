"""End to end: crawling both demo marketplaces through the one path (crawl → store → score → queue) links
the seeded operations' shops across the platforms into networks, one case each, with their sales, and
keeps the decoys (shops sharing only weak signals) apart."""

from __future__ import annotations

from collections import defaultdict

import pytest
from sqlalchemy import select

from crawler.run import CrawlOptions, crawl
from demo import BRANDS_FILE
from storage import open_database
from storage.models import Platform, Seller
from storage.networks import case_leads, case_of_seller, case_sales, list_cases, networks_of
from storage.queue import estimated_sales


@pytest.mark.slow
@pytest.mark.browser
def test_crawling_the_demo_links_each_seeded_operation_into_one_case(cli, db, demo, home):
    assert cli("brands", "import", str(BRANDS_FILE)).exit_code == 0
    for platform, url in (("demo-static", demo.static_url), ("demo-spa", demo.spa_url)):
        summary = crawl(CrawlOptions(platform, base_url_override=url, progress=False))
        assert summary.status == "finished", summary
    truth: dict[tuple[str, str], str] = {}
    for record in demo.records():
        shop = (record["platform"], record["seller"]["id"])
        truth[shop] = record["label"]["operation"] or f"shop:{shop[0]}:{shop[1]}"
    shops_of: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for shop, operation in truth.items():
        shops_of[operation].add(shop)
    seeded = {op: shops for op, shops in shops_of.items() if op.startswith("op-") and len(shops) >= 2}
    assert len(seeded) >= 3, "the demo at this size still has operations on both platforms"
    assert any(len({p for p, _ in shops}) == 2 for shops in seeded.values())

    database = open_database()
    with database.session() as session:
        sellers = {
            (platform, external): seller_id
            for seller_id, platform, external in session.execute(
                select(Seller.id, Platform.name, Seller.external_id).join(
                    Platform, Platform.id == Seller.platform_id
                )
            )
        }
        network = networks_of(session=session, seller_ids=list(sellers.values()))
        members: dict[int, set[tuple[str, str]]] = defaultdict(set)
        for shop, seller_id in sellers.items():
            if seller_id in network:
                members[network[seller_id]].add(shop)
        for group in members.values():  # no network mixes operations (the decoys stay apart)
            assert len({truth[shop] for shop in group}) == 1, sorted(group)
        for operation, shops in seeded.items():  # each seeded operation is one network, whole
            ids = {network.get(sellers[shop]) for shop in shops}
            assert len(ids) == 1 and None not in ids, (operation, shops)
            case = case_of_seller(session=session, seller_id=sellers[next(iter(shops))])
            assert case is not None and case.network_id == ids.pop()
            leads = case_leads(session=session, case_id=case.id)
            sales = case_sales(session=session, case_id=case.id)
            expected = sum(s for lead in leads if (s := estimated_sales(lead.listing)) is not None)
            assert sales.total == pytest.approx(expected)
        summaries = {s.case_id: s for s in list_cases(session=session)}
        assert len(summaries) == len(members)
        assert all(s.sellers >= 2 for s in summaries.values())
