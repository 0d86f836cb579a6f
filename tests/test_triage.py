"""Triage mode over HTTP: a lead page opened from the queue knows the queue's view; previous and next
follow the queue's order (every sort, the new-since-last-visit part first); after a decision the
reviewer lands on the next lead of that view, and back on the queue with a message after its last."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from factories import ScoreStub, csrf_of, login, make_brand, make_lead, make_user
from fastapi.testclient import TestClient

from storage import Database
from storage.models import Lead, ReviewEvent
from storage.search import QueueFilter, neighbour_id, queue_page

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def leads(db: Database) -> list[int]:
    """Fifteen open leads on two platforms: equal risks, unknown prices and sales, flagged on two days."""
    ids = []
    with db.session() as s:
        make_brand(s, "康师傅")
        make_brand(s, "李宁", aliases=("LI-NING",), registrations=[("7654321", 25)])
        make_user(s, "审核员", role="reviewer")
        make_user(s, "康师傅权利人", role="brand_owner", brands=("康师傅",))
        for i in range(15):
            brand = "李宁" if i % 5 == 0 else "康师傅"
            lead = make_lead(
                s,
                score=ScoreStub(risk=(0.7, 0.9, 0.9, 0.8)[i % 4], brand=brand),
                now=T0 + timedelta(days=i % 2, minutes=i),
                title=f"康帅傅 牛肉面 第{i}款",
                price=None if i % 6 == 0 else 5.0 + i % 3,
                sold=None if i % 7 == 0 else 100 * (i % 4),
                platform="demo-static" if i % 3 else "demo-js",
            )
            ids.append(lead.id)
    return ids


@pytest.fixture
def client(db: Database, leads: list[int]) -> TestClient:
    from review.app import create_app

    return login(TestClient(create_app()), "审核员")


SORTS = ["-risk", "risk", "price", "-price", "sold", "-sold", "first_seen", "-first_seen", "platform"]


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("fresh", [False, True])
def test_next_and_previous_walk_the_queue_in_its_order(db: Database, leads, sort: str, fresh: bool) -> None:
    since = T0 + timedelta(days=1) if fresh else None
    with db.session() as s:
        order = [
            r.id for r in queue_page(session=s, filters=QueueFilter(), sort=sort, fresh_since=since).rows
        ]
        assert sorted(order) == sorted(leads)
        walked, at = [order[0]], order[0]
        while at := neighbour_id(session=s, filters=QueueFilter(), lead_id=at, sort=sort, fresh_since=since):
            walked.append(at)
        back, at = [order[-1]], order[-1]
        while at := neighbour_id(
            session=s, filters=QueueFilter(), lead_id=at, sort=sort, fresh_since=since, forward=False
        ):
            back.append(at)
    assert walked == order
    assert back == order[::-1]


def test_a_decided_lead_keeps_its_place_in_the_order(db: Database, leads) -> None:
    with db.session() as s:
        order = [r.id for r in queue_page(session=s, filters=QueueFilter(), sort="price").rows]
        s.get(Lead, order[3]).status = "confirmed"  # no longer in the open queue
        s.flush()
        assert neighbour_id(session=s, filters=QueueFilter(), lead_id=order[3], sort="price") == order[4]


def _view_of(location: str) -> dict[str, list[str]]:
    return parse_qs(parse_qs(urlsplit(location).query)["queue"][0])


def test_queue_rows_open_lead_pages_that_know_the_view(client: TestClient, leads) -> None:
    page = client.get("/?" + urlencode({"brand": "康师傅", "sort": "price"})).text
    view = urlencode({"queue": urlencode({"brand": "康师傅", "sort": "price"})})
    assert f"/leads/{leads[1]}?{view}".replace("&", "&amp;") in page


def test_a_decision_lands_on_the_next_lead_of_the_same_view(client: TestClient, db: Database, leads) -> None:
    view = {"brand": "康师傅", "sort": "-price"}
    with db.session() as s:
        brand_id = s.get(Lead, leads[1]).brand_id
        filters = QueueFilter(brand="康师傅", brand_id=brand_id)
        order = [r.id for r in queue_page(session=s, filters=filters, sort="-price").rows]
    first = client.get(f"/leads/{order[0]}?" + urlencode({"queue": urlencode(view)})).text
    assert (
        f'href="/leads/{order[1]}?' in first and 'id="next-lead"' in first and 'id="prev-lead"' not in first
    )
    token = csrf_of(client, f"/leads/{order[0]}")
    answer = client.post(
        f"/leads/{order[0]}/decision",
        data={"action": "dismiss", "note": "正品授权店，误报", "queue": urlencode(view), "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    location = answer.headers["location"]
    assert location.startswith(f"/leads/{order[1]}?") and _view_of(location) == {
        k: [v] for k, v in view.items()
    }
    landed = client.get(location).text
    assert f"已记录：线索 #{order[0]}「驳回」。这是队列中的下一条线索。" in landed
    assert 'id="prev-lead"' not in landed  # the dismissed lead left the open view: this one is first now
    with db.session() as s:
        assert s.get(Lead, order[0]).status == "dismissed"


def test_after_the_last_lead_the_queue_says_so(client: TestClient, db: Database, leads) -> None:
    view = urlencode({"brand": "李宁"})
    with db.session() as s:
        brand_id = next(s.get(Lead, i).brand_id for i in leads if s.get(Lead, i).brand.name == "李宁")
        filters = QueueFilter(brand="李宁", brand_id=brand_id)
        ids = [r.id for r in queue_page(session=s, filters=filters).rows]
    location = f"/leads/{ids[0]}?" + urlencode({"queue": view})
    seen = []
    while location.startswith("/leads/"):
        lead_id = int(urlsplit(location).path.rsplit("/", 1)[1])
        seen.append(lead_id)
        token = csrf_of(client, location)
        location = client.post(
            f"/leads/{lead_id}/decision",
            data={"action": "confirm", "queue": view, "csrf_token": token},
            follow_redirects=False,
        ).headers["location"]
        assert len(seen) <= len(ids)
    assert location.startswith("/?brand=")
    page = client.get(location).text
    assert f"已记录：线索 #{seen[-1]}「确认」。这是当前队列视图的最后一条线索。" in page
    assert "没有符合条件的线索" in page
    with db.session() as s:
        decided = [
            e.lead_id for e in s.query(ReviewEvent).filter_by(action="confirm").order_by(ReviewEvent.id)
        ]
    assert seen == ids and decided == ids  # every lead of the view, once each, in the queue's order


def test_escalation_asks_once_more_and_keeps_the_view(client: TestClient, leads) -> None:
    view = urlencode({"sort": "platform"})
    token = csrf_of(client, f"/leads/{leads[2]}")
    asked = client.post(
        f"/leads/{leads[2]}/decision",
        data={"action": "escalate", "note": "请领导审阅：疑似团伙", "queue": view, "csrf_token": token},
    )
    assert asked.status_code == 200 and "确认上报" in asked.text
    assert f'name="queue" value="{view}"'.replace("&", "&amp;") in asked.text
    assert "autofocus" in asked.text  # Enter confirms: the keyboard needs no mouse here either


def test_a_hand_edited_view_still_opens_the_lead(client: TestClient, leads) -> None:
    page = client.get(f"/leads/{leads[0]}?" + urlencode({"queue": "risk_min=abc&sort=薄荷"}))
    assert page.status_code == 200 and "康帅傅 牛肉面 第0款" in page.text


def test_a_brand_owner_walks_only_its_brands(db: Database, leads) -> None:
    from review.app import create_app

    owner = login(TestClient(create_app()), "康师傅权利人")
    with db.session() as s:
        mine = {i for i in leads if s.get(Lead, i).brand.name == "康师傅"}
    start = min(mine)
    page = owner.get(f"/leads/{start}").text
    linked = {int(part.split("?")[0]) for part in page.split('href="/leads/')[1:]}
    assert linked and linked <= mine


def test_docs_state_machine_is_the_one_enforced() -> None:
    """docs/review.md's table of the state machine (English) says what review.decisions enforces."""
    from pathlib import Path

    from review.decisions import TRANSITIONS

    text = (Path(__file__).resolve().parents[1] / "docs" / "review.md").read_text(encoding="utf-8")
    section = text.split("### Decision state machine", 1)[1].split("###", 1)[0]
    documented: dict[str, set[str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 or cells[0] in ("status", "---"):
            continue
        statuses = [s.strip() for s in cells[0].split("(")[0].split(",")]
        actions = set(re.findall(r"\b(confirm|dismiss|assign|escalate|transfer|reopen)\b", cells[1]))
        for status in statuses:
            documented[status] = actions
    assert documented == {status: set(actions) for status, actions in TRANSITIONS.items()}
    for key in ("`c`", "`d`", "`e`", "`n` / `p`"):  # and the triage keys are documented
        assert key in text.split("### Triage mode and keys", 1)[1]


@pytest.mark.parametrize("sort", SORTS)
def test_the_api_sorts_as_the_queue_does(client: TestClient, db: Database, leads, sort: str) -> None:
    with db.session() as s:
        order = [r.id for r in queue_page(session=s, filters=QueueFilter(), sort=sort, per_page=100).rows]
    answer = client.get("/api/v1/leads", params={"sort": sort, "per_page": 100})
    assert answer.status_code == 200
    assert [item["id"] for item in answer.json()["items"]] == order


def test_the_api_refuses_an_unknown_sort_key_with_a_clear_422(client: TestClient, leads) -> None:
    for bad in ("价格", "--risk", "title", "-"):
        answer = client.get("/api/v1/leads", params={"sort": bad})
        assert answer.status_code == 422
        (error,) = answer.json()["detail"]
        assert error["loc"] == ["query", "sort"] and error["input"] == bad
        assert "risk, -risk, price, -price, sold, -sold, first_seen, -first_seen, platform" in error["msg"]


def test_triage_speaks_english_when_asked(client: TestClient, leads) -> None:
    client.cookies.set("mw_lang", "en")
    page = client.get(f"/leads/{leads[1]}").text
    assert "Next lead" in page and "Keys: c confirm, d dismiss" in page
    token = csrf_of(client, f"/leads/{leads[1]}")
    location = client.post(
        f"/leads/{leads[1]}/decision",
        data={"action": "dismiss", "note": "授权店 authorised shop", "csrf_token": token},
        follow_redirects=False,
    ).headers["location"]
    assert (
        f"Recorded: Dismiss on lead #{leads[1]}. This is the next lead in the queue."
        in client.get(location).text
    )


@pytest.mark.parametrize("sort", ["-risk", "price", "-sold", "first_seen", "platform"])
def test_the_walk_follows_the_order_on_every_engine(database: Database, sort: str) -> None:
    with database.session() as s:
        make_brand(s, "康师傅")
        for i in range(9):
            make_lead(
                s,
                score=ScoreStub(risk=(0.7, 0.9, 0.9)[i % 3]),
                now=T0 + timedelta(days=i % 2, minutes=i),
                title=f"康帅傅 第{i}款",
                price=None if i % 4 == 0 else 5.0 + i % 2,
                sold=None if i % 5 == 0 else 10 * (i % 3),
                platform="demo-static" if i % 2 else "demo-js",
            )
        since = T0 + timedelta(days=1)
        order = [
            r.id for r in queue_page(session=s, filters=QueueFilter(), sort=sort, fresh_since=since).rows
        ]
        walked, at = [order[0]], order[0]
        while at := neighbour_id(session=s, filters=QueueFilter(), lead_id=at, sort=sort, fresh_since=since):
            walked.append(at)
    assert walked == order
