"""Routing: a new lead goes to the department of its violation kind in the installation's routing table
(the bureau's work plan by default, `<MARKWATCH_HOME>/routing.yaml` over it), a counterfeit past the
criminal threshold goes to 经检处, and a bad routing file is refused whole, naming what is wrong."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from factories import PASSWORD, ScoreStub, make_brand, make_lead, make_listing, make_user
from fastapi.testclient import TestClient

from settings import get_settings
from storage import Database
from storage.errors import MarkwatchError
from storage.models import Lead
from storage.queue import record_score
from storage.queue_rules import QueueRules

COUNTERFEIT = ScoreStub(risk=0.9, violation="counterfeit_mark", department="商标处")


def rules(home: Path, text: str | None = None) -> QueueRules:
    from scoring import VIOLATIONS

    if text is not None:
        home.mkdir(parents=True, exist_ok=True)
        (home / "routing.yaml").write_text(text, encoding="utf-8")
    return QueueRules.from_settings(get_settings(), kinds=VIOLATIONS)


def test_without_a_routing_file_leads_follow_the_work_plan(db: Database) -> None:
    with db.session() as s:
        make_brand(s, "康师傅")
        lookalike = make_lead(s, price=9.9, sold=100)
        counterfeit = make_lead(s, score=COUNTERFEIT, price=9.9, sold=100)
        big = make_lead(s, score=COUNTERFEIT, price=499.0, sold=300)  # ¥149,700 of sales
        assert (lookalike.department, counterfeit.department) == ("公平交易处", "商标处")
        assert big.transfer_review and big.department == "经检处"
        assert not counterfeit.transfer_review


def test_the_installation_table_routes_new_leads(db: Database, home: Path) -> None:
    table = rules(home, "counterfeit_mark: 知识产权处\ncriminal_threshold: 刑侦支队联络组\n")
    with db.session() as s:
        make_brand(s, "康师傅")
        small = record_score(
            session=s, listing=make_listing(s, price=9.9, sold=10), score=COUNTERFEIT, rules=table
        )
        large = make_listing(s, title="康师傅 假冒 整箱", price=500.0, sold=200)
        past = record_score(session=s, listing=large, score=COUNTERFEIT, rules=table)
        other = record_score(
            session=s, listing=make_listing(s, title="康帅傅"), score=ScoreStub(), rules=table
        )
        assert small is not None and small.department == "知识产权处"
        assert past is not None and past.department == "刑侦支队联络组" and past.transfer_review
        assert other is not None and other.department == "公平交易处"  # not in the file: the work plan's


def test_a_lead_that_crosses_the_threshold_later_is_routed_there_and_a_reviewer_can_move_it(
    db: Database,
) -> None:
    with db.session() as s:
        make_brand(s, "康师傅")
        lead = make_lead(s, score=COUNTERFEIT, price=99.0, sold=10)
        assert (lead.department, lead.transfer_review) == ("商标处", False)
        listing = lead.listing
        listing.sold = 1000  # ¥99,000 now
        record_score(session=s, listing=listing, score=COUNTERFEIT)
        assert (lead.department, lead.transfer_review) == ("经检处", True)
        lead.department = "商标处"  # assigned back by a reviewer
        record_score(session=s, listing=listing, score=COUNTERFEIT)
        assert lead.department == "商标处"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("counterfeit_mak: 知识产权处\n", ["counterfeit_mak", "did you mean 'counterfeit_mark'"]),
        ("counterfeit_mark: [商标处, 广告处]\n", ["counterfeit_mark", "must be a name"]),
        ("counterfeit_mark: ''\n", ["counterfeit_mark", "must be a name"]),
        ("- 商标处\n- 广告处\n", ["expected a mapping"]),
        ("counterfeit_mark: [unclosed\n", ["not a readable YAML file"]),
    ],
)
def test_a_bad_routing_file_is_refused_naming_the_file_and_the_problem(
    home: Path, text: str, named: list[str]
) -> None:
    with pytest.raises(MarkwatchError) as refused:
        rules(home, text)
    message = str(refused.value)
    assert "routing.yaml" in message
    for part in named:
        assert part in message


def test_score_queue_uses_the_table_and_refuses_a_bad_one_before_writing(
    cli, home: Path, tmp_path: Path
) -> None:
    registry = tmp_path / "brands.yaml"
    registry.write_text(
        "brands:\n  - name: 李宁\n    registrations: [{number: '7654321', nice_class: 25}]\n"
        "    categories: [运动鞋]\n    price_floor: 199\n",
        encoding="utf-8",
    )
    feed = tmp_path / "feed.jsonl"
    record = {
        "id": "f:1",
        "title": "李宁 运动鞋 高仿 1:1 原单",
        "price": 99,
        "category": "运动鞋",
        "sold": 10,
    }
    feed.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert cli("db", "upgrade").exit_code == 0
    assert cli("brands", "import", registry).exit_code == 0
    (home / "routing.yaml").write_text("counterfiet_mark: 知识产权处\n", encoding="utf-8")
    refused = cli("score", feed, "--queue")
    assert refused.exit_code == 2 and "counterfiet_mark" in refused.stderr
    assert json.loads(cli("stats", "--json").stdout)["listings"] == 0

    (home / "routing.yaml").write_text(
        "counterfeit_mark: 知识产权处\nlookalike_mark: 知识产权处\n", encoding="utf-8"
    )
    cli("score", feed, "--queue")
    from storage import open_database

    with open_database().session() as s:
        departments = {lead.department for lead in s.query(Lead)}
    assert departments == {"知识产权处"}


def test_the_status_page_and_the_lead_page_show_the_installation_table(db: Database, home: Path) -> None:
    from review.app import create_app

    (home / "routing.yaml").write_text("counterfeit_mark: 知识产权处\n", encoding="utf-8")
    with db.session() as s:
        make_brand(s, "康师傅")
        make_user(s, "管理员", role="admin")
        lead_id = make_lead(s, score=COUNTERFEIT, price=9.9, sold=10).id
    client = TestClient(create_app())
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    client.post("/login", data={"name": "管理员", "password": PASSWORD, "csrf_token": token.group(1)})
    status = client.get("/admin/status").text
    assert "知识产权处" in status and "经检处" in status
    assert "按路由表建议：知识产权处" in client.get(f"/leads/{lead_id}").text  # the lead predates the file


def test_a_crawl_is_refused_before_it_starts_when_the_routing_file_is_bad(cli, db, home: Path, demo) -> None:
    (home / "routing.yaml").write_text("lookalike_mark: 公平交易处\ncounterfeit_mark:\n", encoding="utf-8")
    result = cli("crawl", "demo-static", "--base-url", demo.static_url)
    assert result.exit_code == 2
    assert "routing.yaml" in result.stderr and "counterfeit_mark" in result.stderr
    assert json.loads(cli("stats", "--json").stdout)["listings"] == 0
