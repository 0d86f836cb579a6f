"""Cases (案件线索) in the review app, the API and the command line: the case page's figures and graph,
who sees what of a case, the audited decisions (confirm, split, merge, transfer whole), the documents
with the platforms' responses and overdue notices, and the case's evidence packet."""

from __future__ import annotations

import io
import re
import threading
import zipfile
from datetime import UTC, date, datetime, timedelta

import case_world
import pytest
from factories import csrf_of, login
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from review.evidence import verify_packet
from storage import Database, casework
from storage.models import Case, CaseEvent, CaseStatus, Lead, NetworkEdge
from storage.networks import Edge, case_seller_ids, save_edges


@pytest.fixture
def world(db: Database) -> dict[str, int]:
    return case_world.build(db)


@pytest.fixture
def app_client(db: Database, world: dict[str, int]) -> TestClient:
    from review.app import create_app

    return TestClient(create_app())


def as_user(client: TestClient, name: str) -> TestClient:
    return login(client, name)


def post(client: TestClient, path: str, data: dict, page: str):  # type: ignore[no-untyped-def]
    return client.post(path, data={**data, "csrf_token": csrf_of(client, page)}, follow_redirects=False)


def events(db: Database, case_id: int) -> list[tuple[str, str | None, dict]]:
    with db.session() as s:
        return [
            (e.action, name, dict(e.detail)) for e, name in casework.case_events(session=s, case_id=case_id)
        ]


# --- the page --------------------------------------------------------------------------------------------


def test_the_case_page_sums_the_networks_sales_with_the_arithmetic_per_listing(app_client, world):
    page = as_user(app_client, "审核员").get(f"/cases/{world['one']}").text
    assert "案件线索 MW-C-" in page and "3 家（2 个平台）" in page
    assert "估算销售额 = 单价 ¥299.00 × 销量 100 = ¥29,900.00" in page
    assert "估算销售额 = 单价 ¥9.90 × 销量 3,000 = ¥29,700.00" in page
    assert "估算销售额 = 单价 ¥9.90 × 销量 1,000 = ¥9,900.00" in page
    assert "合计 ¥69,500.00（3 条商品）" in page  # each listing under ¥50,000, the operation over it
    assert "已达到 ¥50,000.00 的标准，应审查是否移送公安机关。" in page
    assert "广东省深圳市（2 家）" in page  # the jurisdiction from the licences' USCC region
    assert "按路由表建议：经检处" in page  # the routing table's department past the threshold
    assert "康师傅、李宁" in page


def test_under_the_threshold_the_case_says_so_and_counts_only_known_sales(app_client, world):
    page = as_user(app_client, "审核员").get(f"/cases/{world['two']}").text
    assert "合计 ¥590.00（1 条商品）" in page and "另有 1 条缺少价格或销量，未计入。" in page
    assert "未达到 ¥50,000.00 的标准。" in page


def test_the_graph_is_drawn_locally_and_each_edge_links_to_its_evidence(app_client, world):
    page = as_user(app_client, "审核员").get(f"/cases/{world['one']}").text
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # nothing fetched from elsewhere
    edge_links = re.findall(r'<a href="#edge-(\d+)" class="edge"', svg)
    assert len(edge_links) == 2
    for edge_id in edge_links:  # one click away: the anchor exists and names what is shared and where
        item = page[page.index(f'<li id="edge-{edge_id}">') :].split("</li>")[0]
        assert "共同特征" in item
    phone = page[page.index("同一电话") :].split("</li>")[0]
    assert "13800138000" in phone and f'href="/snapshots/{world["snapshot"]}/html"' in phone
    assert f'href="/leads/{world["lead_a"]}"' in phone
    assert "<script>alert" not in page  # the hostile shop name is text in the page and in the drawing
    assert "&lt;script&gt;alert(&#34;店&#34;)" in svg


def test_the_shops_are_grouped_by_platform_and_the_timeline_is_in_order(app_client, world):
    page = as_user(app_client, "审核员").get(f"/cases/{world['one']}").text
    shops = page[page.index('id="case-shops"') : page.index('id="case-sales"')]
    assert shops.index("<h3>demo-js</h3>") < shops.index("李宁鞋城") < shops.index("<h3>demo-static</h3>")
    timeline = page[page.index('id="case-timeline"') :].split("</ol>")[0]
    stamps = re.findall(r'<span class="nowrap muted">([^<]+)</span>', timeline)
    assert stamps == sorted(stamps) and "首次标记线索" in timeline and "发现关联" in timeline


def test_the_queue_has_a_cases_tab(app_client, world):
    client = as_user(app_client, "审核员")
    assert 'href="/cases"' in client.get("/?since=all").text
    listing = client.get("/cases").text
    assert f"MW-C-{world['one']}" in listing and "¥69,500.00" in listing and "达刑事标准" in listing


def test_a_lead_page_links_to_the_case_of_its_shop(app_client, world):
    page = as_user(app_client, "审核员").get(f"/leads/{world['lead_a']}").text
    assert f'<a href="/cases/{world["one"]}" id="case-link">MW-C-{world["one"]}</a>' in page
    assert "所属案件线索" in page


# --- who sees what ----------------------------------------------------------------------------------------


def test_a_brand_owner_sees_only_its_own_brands_leads_of_a_case(app_client, world):
    client = as_user(app_client, "康师傅权利人")
    page = client.get(f"/cases/{world['one']}").text
    assert "康帅傅 红烧牛肉面 5连包" in page and "康师傅 红烧牛肉面 整箱" in page
    assert "李宁" not in page  # not the other owner's lead, brand or shop
    assert "估算销售额合计" not in page and "刑事" not in page and "处理记录" not in page
    assert 'id="case-actions"' not in page and 'id="case-documents"' not in page
    assert client.get(f"/cases/{world['two']}").status_code == 404  # no lead of its brands there
    assert "MW-C-" + str(world["two"]) not in client.get("/cases").text
    data = client.get(f"/api/v1/cases/{world['one']}").json()
    assert {row["brand"] for row in data["leads"]} == {"康师傅"}
    assert "estimated_sales" not in data and "documents" not in data
    assert {shop["name"] for shop in data["shops"]} == {"好味食品店", case_world.HOSTILE_SHOP}
    assert client.get(f"/cases/{world['one']}/evidence").status_code == 403
    assert post(client, f"/cases/{world['one']}/confirm", {}, "/cases").status_code == 403


def test_the_api_lists_cases_by_role(app_client, world):
    staff = as_user(app_client, "调查员").get("/api/v1/cases").json()
    assert staff["total"] == 2
    one = next(item for item in staff["items"] if item["id"] == world["one"])
    assert one["estimated_sales"] == 69_500.0 and one["sellers"] == 3 and one["platforms"] == 2
    detail = app_client.get(f"/api/v1/cases/{world['one']}").json()
    assert detail["over_threshold"] is True and detail["suggested_department"] == "经检处"
    assert detail["jurisdictions"] == ["广东省深圳市"]
    assert sorted(r["estimated_sales"] for r in detail["leads"]) == [9_900.0, 29_700.0, 29_900.0]
    app_client.cookies.clear()
    owner = as_user(app_client, "李宁权利人").get("/api/v1/cases").json()
    assert {item["id"] for item in owner["items"]} == {world["one"], world["two"]}
    assert all(item["estimated_sales"] is None for item in owner["items"])
    assert app_client.get("/api/v1/cases/999").status_code == 404


# --- decisions, audited -------------------------------------------------------------------------------


def test_confirming_a_case_is_audited_and_happens_once(app_client, db, world):
    client = as_user(app_client, "审核员")
    page = f"/cases/{world['one']}"
    response = post(client, f"{page}/confirm", {"note": "同一执照、同一电话"}, page)
    assert response.status_code == 303
    assert "已确认" in client.get(page).text
    assert events(db, world["one"])[0][:2] == ("confirm", "审核员")
    again = post(client, f"{page}/confirm", {}, page)
    assert again.status_code == 400 and "only an open case is confirmed" in again.text


def test_transferring_a_case_whole_moves_its_leads_and_makes_the_transfer_document(app_client, db, world):
    client = as_user(app_client, "调查员")
    page = f"/cases/{world['one']}"
    refused = post(client, f"{page}/transfer", {"to": "police", "note": ""}, page)
    assert refused.status_code == 400  # a transfer says why
    response = post(client, f"{page}/transfer", {"to": "police", "note": "合计达刑事标准"}, page)
    assert response.status_code == 303
    with db.session() as s:
        statuses = {lead.id: lead.status for lead in s.scalars(select(Lead))}
        assert s.get(Case, world["one"]).status == CaseStatus.transferred
    assert {statuses[world[k]] for k in ("lead_a", "lead_b", "lead_c")} == {"transferred"}
    assert statuses[world["lead_d"]] == "new"  # the other case's leads are untouched
    actions = [a for a, _, _ in events(db, world["one"])]
    assert actions == ["transfer", "document"]
    transfer = events(db, world["one"])[0][2]
    assert transfer["to"] == "police" and transfer["department"] == "经检处"
    page_text = client.get(page).text
    assert "涉嫌犯罪案件移送书" in page_text and "公安机关" in page_text
    docx = client.get(re.search(r'href="(/cases/\d+/documents/\d+\.docx)"', page_text).group(1))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    pdf = client.get(re.search(r'href="(/cases/\d+/documents/\d+\.pdf)"', page_text).group(1))
    assert pdf.content.startswith(b"%PDF")


def test_a_merge_of_two_owners_cases_is_audited_and_leaks_no_lead(app_client, db, world):
    client = as_user(app_client, "审核员")
    page = f"/cases/{world['one']}"
    response = post(client, f"{page}/merge", {"other": f"MW-C-{world['two']}", "note": "同一退货地址"}, page)
    assert response.status_code == 303 and response.headers["location"].startswith(f"/cases/{world['one']}")
    with db.session() as s:
        assert s.get(Case, world["two"]).status == CaseStatus.merged
        assert len(case_seller_ids(session=s, case_id=world["one"])) == 5
    for case_id in (world["one"], world["two"]):  # on both cases' trails
        assert [(a, who) for a, who, _ in events(db, case_id)] == [("merge", "审核员")]
    assert "¥70,090.00" in client.get(page).text  # 69,500 + 590
    merged_page = client.get(f"/cases/{world['two']}").text
    assert "本案件已并入" in merged_page and f'href="/cases/{world["one"]}"' in merged_page
    with db.session() as s:  # evidence recomputed for the pair does not undo the reviewer's merge
        a, d = sorted((world["seller_a"], world["seller_d"]))
        from storage.networks import drop_edges

        drop_edges(session=s, pairs=[(a, d)])
        assert s.scalars(select(NetworkEdge.kind).where(NetworkEdge.seller_a_id == a)).all().count("reviewer")
    client.cookies.clear()
    owner = as_user(client, "康师傅权利人")
    seen = owner.get(page).text
    assert "李宁" not in seen and "潮牌折扣店" not in seen  # still only its own brand's leads and shops
    client.cookies.clear()
    other = as_user(client, "李宁权利人").get(page).text
    assert "李宁 卫衣 原单" in other and "康师傅" not in other and "康帅傅" not in other


def test_a_split_is_audited_and_evidence_does_not_join_the_pair_again(app_client, db, world):
    client = as_user(app_client, "审核员")
    page = f"/cases/{world['one']}"
    refused = post(client, f"{page}/split", {"sellers": [world["seller_c"]], "note": ""}, page)
    assert refused.status_code == 400
    response = post(client, f"{page}/split", {"sellers": [world["seller_c"]], "note": "执照被冒用"}, page)
    assert response.status_code == 303
    with db.session() as s:
        assert sorted(case_seller_ids(session=s, case_id=world["one"])) == sorted(
            [world["seller_a"], world["seller_b"]]
        )
        save_edges(session=s, edges=[Edge(world["seller_a"], world["seller_c"], "uscc", "strong", ("x",))])
        kinds = s.scalars(
            select(NetworkEdge.kind).where(
                NetworkEdge.seller_a_id == min(world["seller_a"], world["seller_c"]),
                NetworkEdge.seller_b_id == max(world["seller_a"], world["seller_c"]),
            )
        ).all()
        assert kinds == []  # the reviewer's split holds when the evidence is seen again
    split = events(db, world["one"])[0]
    assert split[0] == "split" and split[2]["split_off"] == [world["seller_c"]]
    assert "¥39,600.00" in client.get(page).text  # 29,700 + 9,900 once the 李宁 shop is split off


def test_the_case_audit_trail_is_append_only(db, world):
    with db.session() as s:
        casework.record_event(session=s, case_id=world["one"], user_id=None, action="confirm")
    with pytest.raises(Exception, match="append-only"), db.session() as s:
        s.execute(text("UPDATE case_events SET note = 'changed'"))
    with pytest.raises(ValueError, match="append-only"), db.session() as s:
        s.delete(s.scalars(select(CaseEvent)).first())
        s.flush()


# --- documents and platform responses ----------------------------------------------------------------


def test_a_documents_serial_number_is_never_given_again_not_even_after_the_document_is_deleted(
    app_client, db, world
):
    client = as_user(app_client, "审核员")
    page = f"/cases/{world['one']}"
    for _ in range(2):
        assert post(client, f"{page}/documents", {"kind": "bureau"}, page).status_code == 303
    with db.session() as s:
        first, second = casework.case_documents(session=s, case_id=world["one"])
        numbers = [first.number, second.number]
        s.delete(second)
    assert post(client, f"{page}/documents", {"kind": "bureau"}, page).status_code == 303
    with db.session() as s:
        _, third = casework.case_documents(session=s, case_id=world["one"])
    year = (datetime.now(UTC) + timedelta(hours=8)).year
    assert numbers == [f"网监移〔{year}〕1号", f"网监移〔{year}〕2号"]
    assert third.number == f"网监移〔{year}〕3号"


def test_two_documents_issued_at_once_get_two_serial_numbers(database):
    taken: list[int] = []

    def issue_in_another_transaction() -> None:
        with database.session() as other:
            taken.append(casework.take_document_serial(session=other, year=2031))

    with database.session() as session:
        taken.append(casework.take_document_serial(session=session, year=2031))
        other = threading.Thread(target=issue_in_another_transaction)
        other.start()
        other.join(timeout=1)  # lets it reach the counter while this transaction still holds it
    other.join(timeout=60)
    assert sorted(taken) == [1, 2]


def test_documents_issued_before_serials_were_kept_keep_the_ones_their_numbers_show(db, world):
    from storage.migrate import upgrade

    with db.session() as s:
        for number in ("网监交〔2030〕4号", "网监通〔2030〕4号", "网监移〔2030〕7号"):
            casework.add_document(
                session=s,
                case_id=world["one"],
                kind="handover",
                recipient_kind="bureau",
                recipient="某区市场监督管理局",
                platform_id=None,
                number=number,
                issued_at=datetime(2030, 3, 1, tzinfo=UTC),
                deadline=None,
                docx_sha256="0" * 64,
                pdf_sha256="1" * 64,
                user_id=None,
            )
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0013'"))
    upgrade(db.engine)
    with db.session() as s:
        documents = casework.case_documents(session=s, case_id=world["one"])
        # the second repeated the first's serial: the first keeps it
        assert [(d.serial_year, d.serial) for d in documents] == [(2030, 4), (None, None), (2030, 7)]
        assert casework.take_document_serial(session=s, year=2030) == 8


def test_a_platform_notice_is_stored_listed_answered_and_overdue_until_answered(app_client, db, world):
    client = as_user(app_client, "审核员")
    page = f"/cases/{world['one']}"
    assert post(client, f"{page}/documents", {"kind": "notice:demo-static"}, page).status_code == 303
    with db.session() as s:
        (document,) = casework.case_documents(session=s, case_id=world["one"])
        assert document.kind == "platform_notice" and document.recipient == "demo-static平台经营者"
        deadline = document.deadline
        document_id = document.id
        assert db.blobs.exists(document.docx_sha256) and db.blobs.exists(document.pdf_sha256)
    assert deadline == (datetime.now(UTC) + timedelta(hours=8)).date() + timedelta(days=7)
    assert events(db, world["one"])[-1][0] == "document"
    with db.session() as s:
        assert casework.overdue_notices(session=s, today=deadline) == []
        late = [d.id for d in casework.overdue_notices(session=s, today=deadline + timedelta(days=1))]
        assert late == [document_id]
    response = post(
        client,
        f"{page}/documents/{document_id}/response",
        {"outcome": "no_answer", "day": (deadline + timedelta(days=1)).isoformat()},
        page,
    )
    assert response.status_code == 303
    with db.session() as s:  # "no answer" recorded: still overdue
        assert [d.id for d in casework.overdue_notices(session=s, today=deadline + timedelta(days=2))] == [
            document_id
        ]
    post(
        client, f"{page}/documents/{document_id}/response", {"outcome": "removed", "day": "2026-12-20"}, page
    )
    with db.session() as s:
        assert casework.overdue_notices(session=s, today=deadline + timedelta(days=30)) == []
    text_now = client.get(page).text
    assert "已删除/屏蔽" in text_now and "未答复" in text_now
    assert [a for a, _, _ in events(db, world["one"])][-2:] == ["platform_response", "platform_response"]
    bad = post(
        client, f"{page}/documents/{document_id}/response", {"outcome": "maybe", "day": "2026-12-20"}, page
    )
    assert bad.status_code == 400


def test_a_notice_to_a_platform_without_listings_in_the_case_is_refused(app_client, world):
    client = as_user(app_client, "审核员")
    page = f"/cases/{world['two']}"
    response = post(client, f"{page}/documents", {"kind": "notice:demo-js"}, page)
    assert response.status_code == 400 and "no listing on platform" in response.text


# --- the case packet ----------------------------------------------------------------------------------------


def test_the_case_packet_holds_every_leads_packet_and_the_documents_and_verifies(app_client, db, world):
    client = as_user(app_client, "调查员")
    page = f"/cases/{world['one']}"
    post(client, f"{page}/documents", {"kind": "bureau"}, page)
    response = client.get(f"{page}/evidence")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    report = verify_packet(response.content)
    assert report.ok, report.lines()
    assert report.manifest["kind"] == "case"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    leads = sorted(n for n in names if n.startswith("leads/"))
    assert leads == sorted(f"leads/MW-{world[k]}.zip" for k in ("lead_a", "lead_b", "lead_c"))
    for name in leads:  # each lead's own packet verifies by itself
        assert verify_packet(archive.read(name)).ok
    documents = [n for n in names if n.startswith("documents/")]
    assert len(documents) == 2 and {n.rsplit(".", 1)[1] for n in documents} == {"docx", "pdf"}
    export = events(db, world["one"])[-1]
    assert export[0] == "evidence_export" and export[1] == "调查员"
    # a changed file inside is caught
    tampered = io.BytesIO()
    with zipfile.ZipFile(tampered, "w") as out:
        for info in archive.infolist():
            data = archive.read(info)
            out.writestr(info, data.replace(b"69500", b"69501") if info.filename == "case.json" else data)
    assert not verify_packet(tampered.getvalue()).ok


# --- command line -------------------------------------------------------------------------------------------


def test_cases_list_and_show_speak_chinese(cli, db, world, monkeypatch):
    monkeypatch.setenv("LANG", "C.UTF-8")  # a Chinese server's default locale: markwatch speaks Chinese
    listed = cli("cases", "list")
    assert listed.exit_code == 0, listed.stderr
    assert (
        "案件编号" in listed.stdout
        and f"MW-C-{world['one']}" in listed.stdout
        and "¥69,500.00" in listed.stdout
    )
    shown = cli("cases", "show", f"MW-C-{world['one']}")
    assert shown.exit_code == 0, shown.stderr
    assert "¥9.90 × 3,000 = ¥29,700.00" in shown.stdout
    assert "合计 ¥69,500.00：已达到刑事立案追诉标准（¥50,000.00）" in shown.stdout
    assert "广东省深圳市（2 家）" in shown.stdout
    missing = cli("cases", "show", "999")
    assert missing.exit_code == 2 and "没有案件 999" in missing.stderr
    assert cli("cases", "show", "abc").exit_code == 2
    assert cli("cases", "list", "--status", "nonsense").exit_code == 2
    english = cli("--lang", "en", "cases", "show", str(world["one"]))
    assert "Sum ¥69,500.00: reaches the criminal threshold (¥50,000.00)" in english.stdout
    assert "Jurisdiction (licence regions): 广东省深圳市（2 shop(s)）" in english.stdout


def test_cases_export_writes_a_packet_that_evidence_verify_accepts(cli, db, world, tmp_path):
    target = tmp_path / "case.zip"
    result = cli("cases", "export", str(world["one"]), "--out", str(target), "--as", "调查员")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"wrote {target}")  # the cli fixture runs under an English locale
    checked = cli("evidence", "verify", str(target))
    assert checked.exit_code == 0 and "intact" in checked.stdout
    assert cli("cases", "export", str(world["one"]), "--out", str(target)).exit_code == 2  # never overwritten


def test_the_document_deadline_is_today_plus_the_setting(monkeypatch, app_client, db, world):
    monkeypatch.setenv("MARKWATCH_NOTICE_RESPONSE_DAYS", "3")
    from review.app import create_app

    client = as_user(TestClient(create_app()), "审核员")
    page = f"/cases/{world['one']}"
    post(client, f"{page}/documents", {"kind": "notice:demo-js"}, page)
    with db.session() as s:
        (document,) = casework.case_documents(session=s, case_id=world["one"])
    today = (datetime.now(UTC) + timedelta(hours=8)).date()
    assert document.deadline == today + timedelta(days=3) and isinstance(document.deadline, date)


def test_overdue_notices_are_in_the_daily_digest_for_staff_only(db, world):
    from review.daily_digest import collect, render_html, render_xlsx
    from settings import get_settings

    settings = get_settings()
    now = datetime.now(UTC)
    with db.session() as s:
        document = casework.add_document(
            session=s,
            case_id=world["one"],
            kind="platform_notice",
            recipient_kind=None,
            recipient="演示商城平台经营者",
            platform_id=casework.platform_id_by_name(session=s, name="demo-static"),
            number="网监通〔2026〕1号",
            issued_at=now - timedelta(days=10),
            deadline=(now - timedelta(days=3)).date(),
            docx_sha256="0" * 64,
            pdf_sha256="1" * 64,
            user_id=None,
        )
        document_id = document.id
    data = collect(db, settings, now)
    assert [row["number"] for row in data["overdue"]] == ["网监通〔2026〕1号"]
    assert data["overdue"][0]["days"] in (2, 3)  # the deadline day counts in Beijing time
    html = render_html(data, settings)
    assert "逾期未复的平台通知" in html and f"MW-C-{world['one']}" in html
    assert f"/cases/{world['one']}#document-{document_id}" in html
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(render_xlsx(data, settings)))
    rows = list(book["逾期未复的平台通知"].iter_rows(values_only=True))
    assert rows[0][:3] == ("案件编号", "文号", "平台") and rows[1][1] == "网监通〔2026〕1号"
    with db.session() as s:
        casework.record_response(
            session=s,
            document=casework.get_document(session=s, document_id=document_id),
            outcome="refused",
            responded_at=now,
            user_id=None,
        )
    assert collect(db, settings, now)["overdue"] == []
    assert collect(db, settings, now, scope=(1,))["overdue"] == []


def test_the_case_packet_carries_a_trusted_timestamp_when_a_tsa_is_set(db, world, tmp_path, monkeypatch):
    import shutil

    if not shutil.which("openssl"):
        pytest.skip("make test installs openssl (the local TSA)")
    from tsa import LocalTSA

    from review.cases.service import export_case_packet
    from settings import get_settings

    with LocalTSA(tmp_path / "tsa") as authority:
        monkeypatch.setenv("MARKWATCH_TSA_URL", authority.url)
        monkeypatch.setenv("MARKWATCH_TSA_CERTIFICATES", str(authority.ca_pem))
        packet = export_case_packet(db, world["two"], user_name="调查员", settings=get_settings())
    names = zipfile.ZipFile(io.BytesIO(packet)).namelist()
    assert names[:3] == ["manifest.json", "manifest.sig", "manifest.tsr"]
    report = verify_packet(packet)
    assert report.ok, report.lines()
    assert report.timestamp is not None and report.timestamp.trusted


def test_a_split_after_a_merge_undoes_it(db, world):
    with db.session() as s:
        one, two = s.get(Case, world["one"]), s.get(Case, world["two"])
        outcome = casework.merge_cases(session=s, case=one, other=two, user_id=None, note="同一地址")
        casework.split_case(
            session=s,
            case=outcome.into,
            seller_ids=[world["seller_d"], world["seller_e"]],
            user_id=None,
            note="地址是市场的公共地址",
        )
        ids = case_seller_ids(session=s, case_id=outcome.into.id)
        assert sorted(ids) == sorted(world[k] for k in ("seller_a", "seller_b", "seller_c"))
