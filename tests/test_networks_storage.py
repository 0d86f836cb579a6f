"""The storage of seller networks and cases: signals kept as seen, stable network ids, recorded merges,
one case per network, and the case read side (sellers by platform, edges with evidence, leads, sales)."""

from __future__ import annotations

import itertools

from sqlalchemy import event, select

from storage.models import Case, CaseStatus, IdentitySignal, Network, NetworkMerge, NetworkStatus
from storage.networks import (
    Edge,
    SignalSeen,
    assign_networks,
    case_edges,
    case_leads,
    case_of_seller,
    case_sales,
    case_sellers,
    get_case,
    list_cases,
    network_history,
    networks_of,
    record_signals,
    save_edges,
    sellers_sharing,
)
from tests.factories import make_lead, make_listing


def _sellers(session, n, platform="demo-static"):
    listings = [
        make_listing(session, platform=platform, seller={"id": f"net-{platform}-{i}", "name": f"店{i}"})
        for i in range(n)
    ]
    return [listing.seller_id for listing in listings], listings


def test_a_signal_seen_twice_is_one_row_with_its_last_sighting_moved_on(database):
    with database.session() as session:
        (seller,), (listing,) = _sellers(session, 1)
        raw = "微❤: 138 0013 8000" + "x" * 1000
        seen = SignalSeen(
            seller, "phone", "13800138000", raw=raw, source="description", listing_id=listing.id
        )
        assert record_signals(session=session, signals=[seen, seen]) == 1
        assert record_signals(session=session, signals=[seen]) == 0
        rows = session.scalars(select(IdentitySignal)).all()
        assert len(rows) == 1 and len(rows[0].raw) == 300
        assert sellers_sharing(session=session, keys=[("phone", "13800138000")]) == {
            ("phone", "13800138000"): {seller}
        }


def test_a_network_keeps_its_id_while_it_grows_and_a_merge_is_recorded(database):
    with database.session() as session:
        ids, _ = _sellers(session, 5)
        a, b, c, d, e = ids
        first = assign_networks(session=session, groups=[{a, b}, {d, e}])
        assert all(change.created for change in first)
        ab, de = first[0].network_id, first[1].network_id
        grown = assign_networks(session=session, groups=[{a, b, c}])
        assert grown[0].network_id == ab and grown[0].grew and not grown[0].created
        merged = assign_networks(session=session, groups=[{a, b, c, d, e}])
        assert merged[0].network_id == ab and merged[0].merged == (de,)
        assert set(networks_of(session=session, seller_ids=ids).values()) == {ab}
        assert session.get(Network, de).status == NetworkStatus.merged
        assert session.get(Network, de).merged_into_id == ab
        history = network_history(session=session, network_id=ab)
        assert [(m.from_network_id, m.into_network_id) for m in history] == [(de, ab)]
        cases = session.scalars(select(Case).order_by(Case.id)).all()
        assert [c.status for c in cases] == [CaseStatus.open, CaseStatus.merged]
        assert session.scalars(select(NetworkMerge)).one().detail["from_size"] == 2


def test_a_network_split_keeps_its_id_on_the_bigger_part(database):
    with database.session() as session:
        ids, _ = _sellers(session, 5)
        whole = assign_networks(session=session, groups=[set(ids)])[0].network_id
        parts = assign_networks(session=session, groups=[set(ids[:3]), set(ids[3:])])
        assert parts[0].network_id == whole and parts[1].created
        gone = assign_networks(session=session, groups=[], affected=[parts[1].network_id])
        assert gone == []
        assert session.get(Network, parts[1].network_id).status == NetworkStatus.dissolved
        assert set(networks_of(session=session, seller_ids=ids)) == set(ids[:3])


def test_a_case_shows_sellers_by_platform_edges_with_evidence_leads_and_summed_sales(database):
    with database.session() as session:
        one = make_lead(session, seller={"id": "op-1", "name": "甲店"}, price=100.0, sold=300)
        two = make_lead(
            session, platform="demo-spa", seller={"id": "op-2", "name": "乙店"}, price=50.0, sold=None
        )
        other = make_listing(session, seller={"id": "op-3", "name": "丙店"})
        a, b = one.listing.seller_id, two.listing.seller_id
        save_edges(
            session=session,
            edges=[
                Edge(b, a, "phone", "strong", ("13800138000",), listing_ids=(one.listing_id, two.listing_id))
            ],
        )
        assign_networks(session=session, groups=[{a, b}])
        case = case_of_seller(session=session, seller_id=a)
        assert case is not None and case_of_seller(session=session, seller_id=other.seller_id) is None
        assert get_case(session=session, case_id=case.id).network_id == case.network_id
        by_platform = case_sellers(session=session, case_id=case.id)
        assert {name: [s.name for s in sellers] for name, sellers in by_platform.items()} == {
            "demo-spa": ["乙店"],
            "demo-static": ["甲店"],
        }
        (edge,) = case_edges(session=session, case_id=case.id)
        assert (edge.seller_a.id, edge.seller_b.id, edge.kind) == (min(a, b), max(a, b), "phone")
        assert edge.listing_ids == sorted([one.listing_id, two.listing_id])
        assert {lead.id for lead in case_leads(session=session, case_id=case.id)} == {one.id, two.id}
        sales = case_sales(session=session, case_id=case.id)
        assert sales.total == 30_000.0 and sales.unknown == 1
        (summary,) = list_cases(session=session)
        assert (summary.sellers, summary.platforms, summary.leads, summary.estimated_sales) == (
            2,
            2,
            2,
            30_000.0,
        )
        assert list_cases(session=session, brand_ids=[]) == []
        assert len(list_cases(session=session, with_leads_only=True)) == 1


def test_the_case_list_takes_as_many_statements_for_twenty_cases_as_for_one(database):
    def listed(cases: int) -> tuple[int, list]:
        with database.session() as session:
            for _ in range(cases - len(list_cases(session=session))):
                _a_case_of_two_shops(session)
            statements: list[str] = []

            def count(conn, cursor, statement, *rest) -> None:
                statements.append(statement)

            event.listen(database.engine, "before_cursor_execute", count)
            try:
                summaries = list_cases(session=session)
            finally:
                event.remove(database.engine, "before_cursor_execute", count)
            return len(statements), summaries

    one, (summary,) = listed(1)
    twenty, summaries = listed(20)
    assert twenty == one
    assert len(summaries) == 20
    for s in [summary, *summaries]:
        assert (s.sellers, s.platforms, s.listings, s.leads, s.estimated_sales) == (2, 2, 3, 2, 1_000.0)


def _a_case_of_two_shops(session) -> None:
    """Two shops on two platforms, three listings, two of them leads (one whose sales are unknown)."""
    n = next(_shops)
    one = make_lead(session, seller={"id": f"pair-{n}-a", "name": "甲店"}, price=10.0, sold=100)
    make_listing(session, seller={"id": f"pair-{n}-a", "name": "甲店"})
    two = make_lead(
        session, platform="demo-spa", seller={"id": f"pair-{n}-b", "name": "乙店"}, price=5.0, sold=None
    )
    assign_networks(session=session, groups=[{one.listing.seller_id, two.listing.seller_id}])


_shops = itertools.count()
