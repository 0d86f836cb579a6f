"""Brand registration through the portal and the API: every submission is compared with approved and
pending marks (the registrant is warned on submit, the admin sees it on the approval card), the card
shows every field, registration numbers follow CNIPA's format (Madrid numbers where marked), messages
are in the page's language, and pending brands stay out of the reviewers' filters."""

from __future__ import annotations

import pytest
from factories import csrf_of, login, make_brand, make_user
from fastapi.testclient import TestClient

from storage import Database


@pytest.fixture
def client(db: Database) -> TestClient:
    from review.app import create_app

    with db.session() as s:
        make_brand(s, "六个核桃", aliases=(), registrations=[("7654321", 32)], categories=["核桃乳"])
        make_user(s, "管理员", role="admin")
        make_user(s, "审核员", role="reviewer")
        make_user(s, "权利人甲", role="brand_owner", brands=("六个核桃",))
        make_user(s, "权利人乙", role="brand_owner", brands=("六个核桃",))
    return TestClient(create_app())


def register(client: TestClient, **fields: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/brands", data={"csrf_token": csrf_of(client, "/brands"), **fields}, follow_redirects=True
    )


def brand_id(db: Database, name: str) -> int:
    from storage.brands import get_brand

    with db.session() as s:
        return get_brand(session=s, name=name).id


def test_a_lookalike_of_a_pending_mark_is_warned_on_submit_and_shown_on_both_cards(client, db) -> None:
    owner_a = login(TestClient(client.app), "权利人甲")
    owner_b = login(TestClient(client.app), "权利人乙")
    first = register(owner_a, name="康师傅", registrations="12345678 30", categories="方便面")
    assert first.status_code == 200 and "近似" not in first.text  # nothing like it is registered or pending
    second = register(owner_b, name="康帅傅", registrations="12345679 30")
    assert second.status_code == 200
    assert "已提交，等待管理员审批：康帅傅" in second.text
    assert "提示：您登记的商标与下列已登记或待审批的商标近似" in second.text
    assert "康帅傅 ≈ 康师傅（待审批）" in second.text
    admin = login(TestClient(client.app), "管理员")
    page = admin.get("/admin/approvals").text
    cards = {
        name: page[page.index(f'id="pending-{brand_id(db, name)}"') :].split("</section>")[0]
        for name in ("康师傅", "康帅傅")
    }
    assert "康帅傅 ≈ 康师傅（待审批）" in cards["康帅傅"]
    assert "康师傅 ≈ 康帅傅（待审批）" in cards["康师傅"]  # the order of approval does not decide


def test_the_approval_card_shows_every_field(client, db) -> None:
    owner = login(TestClient(client.app), "权利人甲")
    register(
        owner,
        name="茅台",
        aliases="Moutai\n贵州茅台",
        owner="中国贵州茅台酒厂（集团）有限责任公司",
        registrations="12345678 33\n1234567 33 国际",
        categories="白酒\n酱香型白酒",
        price_floor="800",
        authorized_sellers="茅台官方旗舰店\n茅台酒专卖店",
    )
    admin = login(TestClient(client.app), "管理员")
    page = admin.get("/admin/approvals").text
    card = page[page.index(f'id="pending-{brand_id(db, "茅台")}"') :].split("</section>")[0]
    for shown in (
        "Moutai",
        "贵州茅台",
        "中国贵州茅台酒厂（集团）有限责任公司",
        "12345678（第 33 类）",
        "1234567（第 33 类，国际注册）",
        "白酒、酱香型白酒",
        "¥800.00",
        "茅台官方旗舰店、茅台酒专卖店",
    ):
        assert shown in card, shown


@pytest.mark.parametrize(
    ("registrations", "message"),
    [
        ("abc 30", "注册号“abc”不是商标局的注册号：应为 6–9 位数字"),
        ("12345 30", "注册号“12345”不是商标局的注册号"),
        ("1234567890 30", "注册号“1234567890”不是商标局的注册号"),
        ("abc 30 国际", "国际注册号“abc”格式不对"),
        ("12345678", "注册号“12345678”缺少尼斯分类"),
        ("12345678 99", "尼斯分类“99”无效：应为 1–45 的整数"),
    ],
)
def test_registration_numbers_follow_cnipas_format_in_chinese(client, db, registrations, message) -> None:
    owner = login(TestClient(client.app), "权利人甲")
    response = register(owner, name="某新品牌", registrations=registrations)
    assert response.status_code == 400
    assert message in response.text
    assert "nice_class" not in response.text and "brand '" not in response.text
    from storage.brands import get_brand

    with db.session() as s:
        assert get_brand(session=s, name="某新品牌") is None


def test_a_madrid_registration_is_accepted_where_marked(client, db) -> None:
    owner = login(TestClient(client.app), "权利人甲")
    assert register(owner, name="Moutai Intl", registrations="1234567 33 international").status_code == 200
    from storage.brands import get_brand

    with db.session() as s:
        (registration,) = get_brand(session=s, name="Moutai Intl").registrations
        assert (registration.number, registration.nice_class, registration.international) == (
            "1234567",
            33,
            True,
        )


def test_portal_messages_follow_the_pages_language(client) -> None:
    owner = login(TestClient(client.app), "权利人甲")
    owner.get("/lang/en")
    response = register(owner, name="六个核桃", price_floor="-3", registrations="abc 30")
    assert response.status_code == 400
    assert "the price floor cannot be negative: -3.0" in response.text
    assert "“abc” is not a CNIPA registration number" in response.text
    assert "price_floor" not in response.text.split('name="price_floor"')[0].split("<form")[0]
    exists = register(owner, name="六个核桃")
    assert "A brand named “六个核桃” exists already." in exists.text


def test_pending_brands_never_appear_in_the_reviewers_brand_filter(client, db) -> None:
    owner = login(TestClient(client.app), "权利人甲")
    register(owner, name="待审品牌", registrations="12345678 30")
    reviewer = login(TestClient(client.app), "审核员")
    queue = reviewer.get("/?since=all").text
    assert "六个核桃" in queue and "待审品牌" not in queue


def test_the_api_takes_madrid_numbers_and_returns_the_resemblances(client, cli, db) -> None:
    token = cli("users", "token", "权利人甲").stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post(
        "/api/v1/brands",
        json={
            "name": "六个核挑",
            "registrations": [{"number": "1234567", "nice_class": 32, "international": True}],
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    assert any(r.startswith("六个核挑 ≈ 六个核桃") for r in created.json()["resembles"])
    bad = client.post(
        "/api/v1/brands",
        json={"name": "某", "registrations": [{"number": "abc", "nice_class": 32}]},
        headers=headers,
    )
    assert bad.status_code == 422 and "not a CNIPA registration number" in bad.json()["detail"]
