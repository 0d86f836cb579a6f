"""A small world of two operations for the case tests (HTTP, CLI, browser): shops on both demo platforms
joined by evidence, leads on two brands owned by two different brand owners, a snapshot behind an edge,
and a shop name that is hostile markup."""

from __future__ import annotations

from factories import ScoreStub, make_brand, make_lead, make_snapshot, make_user

from storage import Database
from storage.networks import Edge, assign_networks, save_edges

LICENCE = "914403001922038216"  # valid, registered in 广东省深圳市
HOSTILE_SHOP = '<script>alert("店")</script>好味<b>二店</b>'


def build(db: Database) -> dict[str, int]:
    """Operation 1 (case ``one``): three shops on two platforms, 康师傅 and 李宁 leads, sales 69,500.
    Operation 2 (case ``two``): two shops selling 李宁 only. Users of every role."""
    ids: dict[str, int] = {}
    with db.session() as s:
        make_brand(s, "康师傅")
        make_brand(s, "李宁", aliases=("LI-NING",), registrations=[("7654321", 25)], categories=["运动鞋"])
        make_user(s, "管理员", role="admin")
        make_user(s, "审核员", role="reviewer")
        make_user(s, "调查员", role="investigator")
        make_user(s, "康师傅权利人", role="brand_owner", brands=("康师傅",))
        make_user(s, "李宁权利人", role="brand_owner", brands=("李宁",))
        ksf = ScoreStub(risk=0.95, violation="counterfeit_mark", department="商标处")
        a = make_lead(
            s,
            score=ksf,
            title="康师傅 红烧牛肉面 整箱 原厂正品",
            price=9.9,
            sold=3000,
            seller={"id": "op1-a", "name": "好味食品店", "licence": LICENCE},
        )
        b = make_lead(
            s,
            title="康帅傅 红烧牛肉面 5连包",
            price=9.9,
            sold=1000,
            seller={"id": "op1-b", "name": HOSTILE_SHOP},
        )
        c = make_lead(
            s,
            score=ScoreStub(risk=0.9, brand="李宁", violation="counterfeit_mark", department="商标处"),
            platform="demo-js",
            url="http://127.0.0.1:8802/item/77",
            title="李宁 运动鞋 高仿 1:1",
            price=299.0,
            sold=100,
            seller={"id": "op1-c", "name": "李宁鞋城", "licence": LICENCE},
        )
        snapshot = make_snapshot(
            s, db.blobs, a.listing, html="<html><body>微信同号 138 0013 8000</body></html>"
        )
        d = make_lead(
            s,
            score=ScoreStub(risk=0.85, brand="李宁", violation="counterfeit_mark"),
            title="李宁 卫衣 原单",
            price=59.0,
            sold=10,
            seller={"id": "op2-d", "name": "潮牌折扣店"},
        )
        e = make_lead(
            s,
            score=ScoreStub(risk=0.8, brand="李宁", violation="counterfeit_mark"),
            title="李宁 卫裤 原单",
            price=49.0,
            sold=None,
            seller={"id": "op2-e", "name": "潮牌折扣二店"},
        )
        sa, sb, sc = a.listing.seller_id, b.listing.seller_id, c.listing.seller_id
        sd, se = d.listing.seller_id, e.listing.seller_id
        save_edges(
            session=s,
            edges=[
                Edge(
                    sa, sb, "phone", "strong", ("13800138000",), (a.listing_id, b.listing_id), (snapshot.id,)
                ),
                Edge(sa, sc, "uscc", "strong", (LICENCE,), (a.listing_id, c.listing_id)),
                Edge(sd, se, "address", "strong", ("浙江省杭州市某路1号",), (d.listing_id, e.listing_id)),
            ],
        )
        one, two = assign_networks(session=s, groups=[{sa, sb, sc}, {sd, se}])
        from sqlalchemy import select

        from storage.models import Case

        ids["one"] = s.scalar(select(Case.id).where(Case.network_id == one.network_id)) or 0
        ids["two"] = s.scalar(select(Case.id).where(Case.network_id == two.network_id)) or 0
        ids.update(lead_a=a.id, lead_b=b.id, lead_c=c.id, lead_d=d.id, lead_e=e.id, snapshot=snapshot.id)
        ids.update(seller_a=sa, seller_b=sb, seller_c=sc, seller_d=sd, seller_e=se)
    return ids
