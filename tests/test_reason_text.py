"""Why a lead was flagged, as a reviewer reads it: each word once, and one colon between the signal and
its detail (禁限用农资：禁用（毒鼠强）, not 禁用：毒鼠强：“毒鼠强”), on the lead page, in the queue and
in the evidence PDF's table."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import pytest
from factories import ReasonStub, ScoreStub, login, make_brand, make_lead, make_user
from fastapi.testclient import TestClient

from review.format import reason_detail
from storage import Database


@pytest.mark.parametrize(
    ("detail", "shown"),
    [
        ("禁用：毒鼠强：“毒鼠强”", "禁用（毒鼠强）"),
        ("禁用：对硫磷：“1605”", "禁用（对硫磷，“1605”）"),
        ("含售假暗语：专柜同款、专柜同款、原单、原单", "含售假暗语（专柜同款、原单）"),
        (
            "食品、化妆品宣称功效：“减肥”（广告法第十七条、第十八条）",
            "食品、化妆品宣称功效（“减肥”，广告法第十七条、第十八条）",
        ),
        ("售价 20 元，远低于五粮液的价格下限 439.6 元", "售价 20 元，远低于五粮液的价格下限 439.6 元"),
        ("康帅傅 ≈ 康师傅 (字形近似: 帅/师)", "康帅傅 ≈ 康师傅 (字形近似: 帅/师)"),
        ("商品类别由标题推断：白酒", "商品类别由标题推断（白酒）"),
    ],
)
def test_a_reason_shows_each_word_once_and_no_colon_inside(detail: str, shown: str) -> None:
    assert reason_detail(detail) == shown
    assert "：" not in reason_detail(detail)


REASONS = (
    ReasonStub("banned_agri_input", 0.9, "禁用：毒鼠强：“毒鼠强”"),
    ReasonStub("counterfeit_cue", 0.4, "含售假暗语：专柜同款、专柜同款、原单、原单"),
)


@pytest.fixture
def client(db: Database) -> TestClient:
    from review.app import create_app

    with db.session() as s:
        make_brand(s, "康师傅")
        make_user(s, "审核员", role="reviewer")
        make_lead(
            s,
            title="毒鼠强 灭鼠药 专柜同款",
            score=ScoreStub(risk=0.97, violation="banned_agri_input", department="市场处", reasons=REASONS),
        )
    return login(TestClient(create_app()), "审核员")


def test_the_lead_page_and_the_queue_show_reasons_without_repeats_or_nested_colons(
    client: TestClient,
) -> None:
    page = html.unescape(client.get("/leads/1").text)
    assert "禁限用农资</strong>：禁用（毒鼠强）" in page
    assert "仿冒暗示词</strong>：含售假暗语（专柜同款、原单）" in page
    assert "同款、专柜同款" not in page and "：“毒鼠强”" not in page
    queue = html.unescape(client.get("/?status=open").text)
    assert "禁限用农资：禁用（毒鼠强）" in queue and "：“毒鼠强”" not in queue


def test_the_evidence_report_lists_reasons_the_same_way() -> None:
    from review.evidence import report

    seen: list[list[object]] = []

    class Kit(report.Kit):  # the report's own layout kit, keeping the rows of its tables
        def list_table(
            self, header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float], style: Any
        ) -> Any:
            seen.extend(list(row) for row in rows)
            return super().list_table(header, rows, widths, style)

    facts = {
        "lead": {"violation": "banned_agri_input"},
        "score": {},
        "reasons": [{"signal": r.signal, "weight": r.weight, "detail": r.detail} for r in REASONS],
    }
    report._findings_section(Kit(report.cjk_font()), facts)
    assert [row[3] for row in seen] == ["禁用（毒鼠强）", "含售假暗语（专柜同款、原单）"]


def test_a_cue_repeated_in_the_title_is_named_once_and_leaves_room_for_the_others() -> None:
    from scoring import Brand, Listing, Registry, score

    registry = Registry([Brand("古驰", ("GUCCI",), categories=("女包",), nice_classes=(18,))])
    result = score(Listing("x", "古驰 女包 专柜同款 专柜同款 原单 原单 高仿", category="女包"), registry)
    cue = next(r for r in result.reasons if r.signal == "counterfeit_cue")
    assert cue.detail.count("专柜同款") == 1 and "高仿" in cue.detail
