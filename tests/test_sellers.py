"""Seller pages and lifting a blacklist entry: seller names link to a page of the seller's listings,
leads and history, scoped by role like leads; an admin lifts an entry only with a reason, which the audit
trail keeps; a lifted seller is blacklisted again only by new confirmations."""

from __future__ import annotations

import re

import pytest
from factories import ScoreStub, csrf_of, login, make_brand, make_lead, make_listing, make_user
from fastapi.testclient import TestClient

from storage import Database
from storage.models import Listing, ReviewEvent, Seller

SELLER = {"id": "s-repeat", "name": "屡犯商行<b>"}


@pytest.fixture
def world(db: Database) -> dict[str, object]:
    with db.session() as s:
        make_brand(s, "康师傅")
        make_brand(s, "李宁", aliases=("LI-NING",), registrations=[("7654321", 25)])
        make_user(s, "管理员", role="admin")
        make_user(s, "审核员", role="reviewer")
        make_user(s, "康师傅权利人", role="brand_owner", brands=("康师傅",))
        ksf = [make_lead(s, seller=SELLER, title=f"康帅傅 牛肉面 第{i}款").id for i in range(4)]
        lining = make_lead(
            s,
            seller=SELLER,
            score=ScoreStub(risk=0.8, brand="李宁", violation="counterfeit_mark", department="商标处"),
            title="李宁 运动鞋 高仿",
        ).id
        make_listing(s, seller=SELLER, title="屡犯商行 未被标记的保温杯")
        other = make_lead(
            s,
            seller={"id": "s-lining", "name": "只卖李宁的店"},
            score=ScoreStub(risk=0.8, brand="李宁", violation="counterfeit_mark", department="商标处"),
            title="李宁 卫衣",
        )
        seller_id = s.query(Seller).filter_by(external_id="s-repeat").one().id
        return {"ksf": ksf, "lining": lining, "seller": seller_id, "other_seller": other.listing.seller_id}


def _client(name: str) -> TestClient:
    from review.app import create_app

    return login(TestClient(create_app()), name)


def _confirm(client: TestClient, lead: int) -> None:
    token = csrf_of(client, f"/leads/{lead}")
    answer = client.post(
        f"/leads/{lead}/decision", data={"action": "confirm", "csrf_token": token}, follow_redirects=False
    )
    assert answer.status_code == 303


def _lift(client: TestClient, seller: int, reason: str, page: str = "/blacklist"):  # type: ignore[no-untyped-def]
    token = csrf_of(client, page)
    return client.post(
        f"/blacklist/{seller}/lift",
        data={"reason": reason, "next": f"/sellers/{seller}", "csrf_token": token},
        follow_redirects=False,
    )


def test_seller_names_link_to_the_sellers_page(world) -> None:
    reviewer = _client("审核员")
    link = f'href="/sellers/{world["seller"]}"'
    assert link in reviewer.get("/?status=open").text
    assert link in reviewer.get(f"/leads/{world['ksf'][0]}").text
    for lead in world["ksf"][:3]:
        _confirm(reviewer, lead)
    assert link in reviewer.get("/blacklist").text
    page = reviewer.get(f"/sellers/{world['seller']}").text
    assert "卖家：屡犯商行&lt;b&gt;" in page and "<b>" not in page.split("<main>")[1]  # scraped: text only
    assert "未被标记的保温杯" in page and "李宁 运动鞋 高仿" in page  # every listing and lead
    history = page.split('id="seller-history"')[1]
    assert "卖家列入黑名单" in history and history.count("<td>确认</td>") == 3 and "审核员" in history


def test_a_brand_owner_sees_the_seller_through_its_own_leads_only(world) -> None:
    owner = _client("康师傅权利人")
    page = owner.get(f"/sellers/{world['seller']}").text
    assert "康帅傅 牛肉面 第0款" in page
    assert "李宁 运动鞋 高仿" not in page and "未被标记的保温杯" not in page  # other brands, unflagged
    assert "审核员" not in page and "新线索" in page.split('id="seller-history"')[1]  # statuses, no names
    assert owner.get(f"/sellers/{world['other_seller']}").status_code == 404  # no lead of its brands


def test_lifting_needs_an_admin_and_a_reason_and_is_audited(db: Database, world) -> None:
    reviewer, admin = _client("审核员"), _client("管理员")
    for lead in world["ksf"][:3]:
        _confirm(reviewer, lead)
    assert _lift(reviewer, world["seller"], "误判").status_code == 403
    refused = _lift(admin, world["seller"], "   ")
    assert "error=triage.lift_reason" in refused.headers["location"]
    assert "解除黑名单必须填写理由" in admin.get(refused.headers["location"]).text
    done = _lift(admin, world["seller"], "权利人确认为授权经销商，误列")
    assert done.status_code == 303 and "lifted=1" in done.headers["location"]
    page = admin.get(done.headers["location"]).text
    assert "已解除黑名单" in page and "权利人确认为授权经销商，误列" in page.split('id="seller-history"')[1]
    assert "屡犯商行" not in admin.get("/blacklist").text
    again = _lift(admin, world["seller"], "再解除一次")
    assert "error=triage.not_blacklisted" in again.headers["location"]
    with db.session() as s:
        seller = s.get(Seller, world["seller"])
        assert not seller.blacklisted and seller.blacklist_reason is None
        (event,) = s.query(ReviewEvent).filter_by(action="seller_unblacklisted").all()
        assert event.note == "权利人确认为授权经销商，误列" and event.detail["was"]["reason"].startswith(
            "confirmed"
        )
        # the listings are scored again without the blacklist's weight (or wait for the scheduler)
        assert all(
            listing.scored_at is None or listing.scored_at >= event.at
            for listing in s.query(Listing).filter_by(seller_id=world["seller"])
        )


def test_a_lifted_seller_is_blacklisted_again_only_by_new_confirmations(db: Database, world) -> None:
    reviewer, admin = _client("审核员"), _client("管理员")
    for lead in world["ksf"][:3]:
        _confirm(reviewer, lead)
    _lift(admin, world["seller"], "误列，撤销")
    _confirm(reviewer, world["ksf"][3])  # one new confirmation: not three
    with db.session() as s:
        assert not s.get(Seller, world["seller"]).blacklisted
    page = reviewer.get(f"/sellers/{world['seller']}").text
    assert re.search(r"解除卖家黑名单", page)
