"""The queue's per-value counts: each facet's count is the number of leads that pass every *other*
filter (so a menu shows what choosing a value would give), for any mix of filters."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from storage.models import Lead
from storage.search import FACETS, OPEN_STATUSES, QueueFilter, queue_counts, resolve_text
from tests.factories import ScoreStub, make_brand, make_lead

BRANDS = ["康师傅", "李宁", "茅台"]
PLATFORMS = ["demo-static", "demo-spa"]
VIOLATIONS = [
    ("counterfeit_mark", "商标处"),
    ("lookalike_mark", "公平交易处"),
    ("false_advertising", "广告处"),
]
STATUSES = ["new", "in_review", "confirmed", "dismissed", "escalated"]


@pytest.fixture
def queue(db):
    rnd = random.Random(5)
    with db.session() as session:
        for name in BRANDS:
            make_brand(session, name, aliases=(), authorized_sellers=[])
        for n in range(120):
            violation, department = rnd.choice(VIOLATIONS)
            lead = make_lead(
                session,
                id=f"{rnd.choice(PLATFORMS)}:{50000 + n}",
                title=f"测试商品 {n}",
                score=ScoreStub(
                    risk=rnd.uniform(0.5, 1.0),
                    brand=rnd.choice(BRANDS),
                    violation=violation,
                    department=department,
                ),
            )
            lead.status = rnd.choice(STATUSES)
        session.commit()
    return db


def _reference(session, filters: QueueFilter) -> dict[str, Counter]:
    """Counted the slow way: every lead against every filter but the facet's own."""
    leads = session.query(Lead).all()
    expected: dict[str, Counter] = {facet: Counter() for facet in FACETS}
    for lead in leads:
        facts = {
            "platform": lead.listing.platform.name,
            "brand": lead.brand.name if lead.brand else None,
            "violation": lead.violation,
            "department": lead.department,
            "status": lead.status,
        }
        passes = {
            "platform": not filters.platform or facts["platform"] == filters.platform,
            "brand": not filters.brand or facts["brand"] == filters.brand,
            "violation": not filters.violation or facts["violation"] == filters.violation,
            "department": not filters.department or facts["department"] == filters.department,
            "status": filters.status == "all"
            or facts["status"] in (OPEN_STATUSES if filters.status == "open" else (filters.status,)),
        }
        if filters.risk_min is not None and lead.risk < filters.risk_min:
            continue
        for facet in FACETS:
            if all(ok for other, ok in passes.items() if other != facet) and facts[facet] is not None:
                expected[facet][facts[facet]] += 1
    return expected


FILTERS = [
    {},
    {"status": "all"},
    {"brand": "李宁"},
    {"brand": "李宁", "platform": "demo-spa"},
    {"violation": "counterfeit_mark", "department": "商标处", "status": "confirmed"},
    {"platform": "demo-static", "brand": "茅台", "violation": "lookalike_mark", "status": "all"},
    {"department": "广告处", "risk_min": 0.8},
    {"brand": "不存在的品牌"},
]


@pytest.mark.parametrize(
    "chosen", FILTERS, ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()) or "none"
)
def test_each_facet_counts_the_leads_that_pass_every_other_filter(queue, chosen):
    filters = QueueFilter(**chosen)
    with queue.session() as session:
        counts = queue_counts(session=session, filters=resolve_text(session=session, filters=filters))
        expected = _reference(session, filters)
    for facet in FACETS:
        assert dict(counts[facet]) == dict(expected[facet]), facet
        assert [n for _, n in counts[facet]] == sorted((n for _, n in counts[facet]), reverse=True)


def test_the_reference_is_not_trivial(queue):
    """The fixture mixes every facet, so the counts above compare real numbers."""
    with queue.session() as session:
        leads = session.query(Lead).all()
        combos = {(lead.listing.platform_id, lead.brand_id, lead.violation, lead.status) for lead in leads}
    assert len(combos) > 40
