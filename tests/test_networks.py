"""Seller networks: identity signals read through sellers' tricks (and ordinary numbers left alone),
the evidence rules (weak evidence never joins alone, stock photos stop being evidence), and networks
that keep their ids while they grow and record their merges, on the one path that queues listings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from networks import signals
from networks.build import components, observe
from networks.rules import MAX_SHARERS, Sighting, decide
from storage.models import Case, IdentitySignal, Network, NetworkMerge, NetworkStatus, OfficialImage
from storage.networks import case_edges, case_of_seller, networks_of
from tests.factories import make_brand, make_listing


def found(text: str) -> set[tuple[str, str]]:
    return {(f.kind, f.value) for f in signals.in_text(text, "description")}


# --- extraction ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("客服微❤：kf_haowei88 有问题找我", {("wechat", "kf_haowei88")}),
        ("薇信 HaoWei_2026", {("wechat", "haowei_2026")}),
        ("V信: shop-kf01", {("wechat", "shop-kf01")}),
        ("加威 13912345678 发图", {("wechat", "13912345678"), ("phone", "13912345678")}),
        ("微\u200b信：zhang_san88", {("wechat", "zhang_san88")}),
        ("电话 1 3 8-0013-8000", {("phone", "13800138000")}),
        ("手机：１３９ ２２２２ ３３３３", {("phone", "13922223333")}),
        ("一三八〇〇一三八〇〇〇 找我", {("phone", "13800138000")}),
        ("幺三九 幺幺幺幺 两两两两", {("phone", "13911112222")}),
        ("☎ 138❤0013❤8000", {("phone", "13800138000")}),
        ("+86 138 0013 8000", {("phone", "13800138000")}),
        ("买一送一 138 0013 8000", {("phone", "13800138000")}),
        ("座机 (0755) 8888 6666", {("phone", "075588886666")}),
        ("扣扣 12 34 56 789", {("qq", "123456789")}),
        ("企鹅：一二三四五六七八", {("qq", "12345678")}),
        ("邮箱 haowei88 at 163 dot com", {("email", "haowei88@163.com")}),
        ("mail: kf(at)haowei(dot)cn", {("email", "kf@haowei.cn")}),
        ("联系 Sales.Dept@Example.com", {("email", "sales.dept@example.com")}),
        ("营业执照 91350100M000100Y43", {("uscc", "91350100M000100Y43")}),
        (
            "退货地址：浙江省金华市义乌市福田街道 商城大道88号 收件人 王先生",
            {("address", "浙江省金华市义乌市福田街道商城大道88号")},
        ),
    ],
)
def test_contacts_are_read_through_the_tricks_sellers_use(text, expected):
    assert expected <= found(text)


@pytest.mark.parametrize(
    "text",
    [
        "券后¥138 原价¥19800 月销2.3万+ 已售13800件",
        "型号 SM-G9980 A2848 XR-1380013800 货号 20261128",
        "2026-11-28 13:00:00 发货，2026年11月28日 到货",
        "条码 6901234567892 规格 138*120*80mm",
        "尺码 35 36 37 38 39 40 41",
        "价格 13800138000元",  # a quantity, not a number to call
        "微信支付 支付宝 均可",  # the word without an id
        "qq音乐 会员 12个月",
        "统一社会信用代码 91350100M000100Y44",  # wrong check character: no evidence
        "一二三四五六七八九十",
    ],
)
def test_ordinary_numbers_and_words_are_not_taken_as_contacts(text):
    assert found(text) == set()


def test_shop_names_lose_their_generic_words_and_a_generic_name_is_no_signal():
    assert signals.normalise_shop_name("好味食品官方旗舰店") == "好味食品"
    assert signals.normalise_shop_name("好味食品 专营店 2号店") == "好味食品"
    assert signals.normalise_shop_name("Haowei Official Store") == "haowei"
    for generic in ("旗舰店", "官方旗舰店", "专营店", "Official Store", "店铺1"):
        assert signals.normalise_shop_name(generic) is None


def test_a_listing_page_gives_its_licence_with_the_region_its_shop_and_its_photos():
    got = signals.of_listing(
        title="原单 运动鞋",
        description="客服薇信 haowei_kf88",
        seller_name="好味旗舰店",
        seller_licence="91350100M000100Y43",
        shop={"address": "地址：福建省福州市鼓楼区五四路100号", "contact": "电话 13800138000"},
        image_hashes=["c3d4c3d4c3d4c3d4", "not a hash"],
    )
    kinds = {(f.kind, f.value, f.source) for f in got}
    assert ("uscc", "91350100M000100Y43", "licence") in kinds
    assert ("wechat", "haowei_kf88", "description") in kinds
    assert ("phone", "13800138000", "shop") in kinds
    assert ("shop_name", "好味", "seller") in kinds
    assert ("image_phash", "c3d4c3d4c3d4c3d4", "image") in kinds
    assert any(k == "address" and "福州市鼓楼区五四路100号" in v for k, v, _ in kinds)
    uscc = next(f for f in got if f.kind == "uscc")
    assert uscc.detail["region"].startswith("福建省")


@given(st.text(min_size=0, max_size=3000), st.integers(min_value=0, max_value=200_000))
def test_hostile_contact_text_is_bounded_and_escaped(text, repeat):
    hostile = ("\x00\x1b[31m微信:" + text + "\u202e" + "1" * 7) * 1 + "8" * repeat
    for item in signals.in_text(hostile, "description"):
        assert len(item.raw) <= signals.MAX_RAW
        assert len(item.value) <= 200
        assert not any(ord(c) < 32 or c == "\u202e" for c in item.raw)
    assert len(signals.in_text(hostile, "description")) <= 6 * signals.MAX_PER_KIND


def test_a_huge_text_is_read_only_up_to_its_bound():
    far = "x" * signals.MAX_TEXT + " 电话 13800138000"
    assert found(far) == set()
    assert found("电话 13800138000 " + "啊" * 1_000_000) == {("phone", "13800138000")}


# --- the evidence rules ------------------------------------------------------------------------------


def sightings(*rows):
    return [Sighting(seller, kind, value, listing) for seller, kind, value, listing in rows]


def test_one_strong_signal_joins_two_sellers_with_its_evidence():
    decision = decide(sightings((1, "phone", "13800138000", 11), (2, "phone", "13800138000", 22)))
    (edge,) = decision.edges
    assert (edge.seller_a_id, edge.seller_b_id, edge.kind, edge.strength) == (1, 2, "phone", "strong")
    assert edge.listing_ids == (11, 22)


@pytest.mark.parametrize("kind", ["address", "shop_name", "image_phash"])
def test_one_weak_signal_alone_does_not_join(kind):
    assert decide(sightings((1, kind, "same-value-1", 1), (2, kind, "same-value-1", 2))).edges == []


def test_two_different_weak_signals_join_and_two_of_one_kind_do_not():
    two_kinds = sightings(
        (1, "address", "浙江省义乌市商城大道88号", 1),
        (2, "address", "浙江省义乌市商城大道88号", 2),
        (1, "shop_name", "好味", 1),
        (2, "shop_name", "好味", 2),
    )
    assert {e.kind for e in decide(two_kinds).edges} == {"address", "shop_name"}
    one_kind = sightings((1, "image_phash", "aa", 1), (2, "image_phash", "aa", 2))
    one_kind += sightings((1, "image_phash", "bb", 1), (2, "image_phash", "bb", 2))
    assert decide(one_kind).edges == []


def test_a_photo_used_by_unrelated_sellers_or_a_brand_is_a_stock_photo():
    photo = [(s, "image_phash", "ff00ff00ff00ff00", s) for s in (1, 2, 3, 4)]
    address = [(s, "address", "浙江省义乌市商城大道88号", s) for s in (1, 2)]
    assert decide(sightings(*photo, *address)).edges == []  # four unrelated shops: a stock photo
    own = [(s, "address", "浙江省义乌市商城大道88号", s) for s in (3, 4)]  # all four share it: one operation
    assert {e.kind for e in decide(sightings(*photo, *address, *own)).edges} == {"image_phash", "address"}
    official = [(1, "image_phash", "0f0f", 1), (2, "image_phash", "0f0f", 2)]
    assert decide(sightings(*official, *address), official={"0f0f"}).edges == []


def test_a_value_shown_by_very_many_sellers_is_no_evidence():
    hotline = [(s, "phone", "4008123123", s) for s in range(MAX_SHARERS["strong"] + 1)]
    assert decide(sightings(*hotline)).edges == []


def test_components_are_networkx_connected_groups():
    assert components([(1, 2), (2, 3), (7, 8)], nodes=[9]) == [{1, 2, 3}, {7, 8}]


# --- incremental networks on the one path ------------------------------------------------------------


def shop(session, n, *, platform="demo-static", description="", licence=None, name=None):
    return make_listing(
        session,
        platform=platform,
        description=description,
        seller={
            "id": f"op-{platform}-{n}",
            "name": name or f"杂货{'甲乙丙丁戊己庚辛'[n]}{platform}",
            "licence": licence,
        },
    )


def test_a_network_grows_keeping_its_id_and_a_merge_is_recorded(database):
    with database.session() as session:
        a = shop(session, 1, description="客服微❤ haowei_kf88")
        b = shop(session, 2, platform="demo-spa", description="加薇信：haowei_kf88 发货快")
        (change,) = observe(session, [a, b])
        first = change.network_id
        assert change.created and change.sellers == {a.seller_id, b.seller_id}
        c = shop(session, 3, description="电话 1 3 9-2222-3333")
        d = shop(session, 4, platform="demo-spa", description="手机 一三九 二二二二 三三三三")
        (second,) = observe(session, [c, d])
        assert second.network_id != first
        grown = shop(session, 5, description="微信 haowei_kf88")
        (change,) = observe(session, [grown])
        assert change.network_id == first and change.grew
        bridge = shop(session, 6, platform="demo-spa", description="vx: haowei_kf88 电话 13922223333")
        (merged,) = observe(session, [bridge])
        assert merged.network_id == first and merged.merged == (second.network_id,)
        sellers = [x.seller_id for x in (a, b, c, d, grown, bridge)]
        assert set(networks_of(session=session, seller_ids=sellers).values()) == {first}
        merge = session.scalars(select(NetworkMerge)).one()
        assert (merge.from_network_id, merge.into_network_id) == (second.network_id, first)
        assert session.get(Network, second.network_id).status == NetworkStatus.merged
        case = case_of_seller(session=session, seller_id=a.seller_id)
        assert case is not None and case.network_id == first
        kinds = {(e.kind, e.strength) for e in case_edges(session=session, case_id=case.id)}
        assert kinds == {("wechat", "strong"), ("phone", "strong")}
        assert len(session.scalars(select(Case)).all()) == 2


def test_shops_sharing_only_a_common_address_stay_apart(database):
    with database.session() as session:
        rows = [
            shop(session, n, description="发货地址：浙江省义乌市国际商贸城五区1号门") for n in range(1, 4)
        ]
        assert observe(session, rows) == []
        kept = session.scalars(select(IdentitySignal).where(IdentitySignal.kind == "address")).all()
        assert len(kept) == 3 and {r.source for r in kept} == {"description"}


def test_a_brand_official_photo_never_links_its_resellers(database):
    with database.session() as session:
        brand = make_brand(session, name="好味")
        session.add(
            OfficialImage(brand_id=brand.id, source_path="a.jpg", sha256="0" * 64, phash="abcdabcdabcdabcd")
        )
        address = "退货地址：上海市浦东新区张江路1000号2楼"
        rows = [shop(session, n, description=address) for n in (1, 2)]
        for row in rows:
            row.image_hashes = ["abcdabcdabcdabcd"]
        assert observe(session, rows) == []


def test_licence_on_two_platforms_links_the_shops(database):
    with database.session() as session:
        a = shop(session, 1, licence="91350100M000100Y43")
        b = shop(session, 2, platform="demo-spa", licence="９１３５０１００Ｍ０００１００Ｙ４３")
        (change,) = observe(session, [a, b])
        case = case_of_seller(session=session, seller_id=b.seller_id)
        (edge,) = case_edges(session=session, case_id=case.id)
        assert edge.kind == "uscc" and edge.values == ["91350100M000100Y43"]


def test_a_photo_found_to_be_a_stock_photo_stops_joining_and_its_network_dissolves(database):
    with database.session() as session:
        address = "退货地址：广东省广州市白云区工业大道88号3栋"
        pair = [shop(session, n, description=address) for n in (1, 2)]
        for row in pair:
            row.image_hashes = ["0123456789abcdef"]
        (change,) = observe(session, pair)
        others = [shop(session, n, platform="demo-spa") for n in (3, 4)]
        for row in others:
            row.image_hashes = ["0123456789abcdef"]
        observe(session, others)  # four unrelated shops show it now: a stock photo
        assert session.get(Network, change.network_id).status == NetworkStatus.dissolved
        assert networks_of(session=session, seller_ids=[r.seller_id for r in pair + others]) == {}
