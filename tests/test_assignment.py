"""Claiming and assigning leads: a reviewer claims a lead, an admin assigns one to a reviewer, the
assignee (or an admin) releases it; the queue shows who has each lead and a "mine" view; every change is
in the lead's audit trail; a brand owner does none of it and sees none of it."""

from __future__ import annotations

import re

import pytest
from factories import ScoreStub, csrf_of, login, make_brand, make_lead, make_user
from fastapi.testclient import TestClient

from storage import Database
from storage.models import Lead, ReviewEvent


@pytest.fixture
def world(db: Database) -> dict[str, int]:
    with db.session() as s:
        make_brand(s, "康师傅")
        make_user(s, "管理员", role="admin")
        make_user(s, "审核员甲", role="reviewer")
        make_user(s, "审核员乙", role="reviewer")
        make_user(s, "康师傅权利人", role="brand_owner", brands=("康师傅",))
        ids = {
            f"lead{i}": make_lead(s, score=ScoreStub(risk=0.9 - i / 100), title=f"康帅傅 方便面 第{i}款").id
            for i in range(4)
        }
    return ids


def _client(name: str) -> TestClient:
    from review.app import create_app

    return login(TestClient(create_app()), name)


def _post(client: TestClient, lead: int, **data: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client, f"/leads/{lead}")
    return client.post(f"/leads/{lead}/assignee", data={**data, "csrf_token": token}, follow_redirects=False)


def _assignee(page: str) -> str:
    return re.search(r'id="lead-assignee">([^<]*)<', page).group(1)  # type: ignore[union-attr]


def test_a_reviewer_claims_a_lead_and_sees_it_under_mine(db: Database, world) -> None:
    jia = _client("审核员甲")
    lead = world["lead1"]
    assert _assignee(jia.get(f"/leads/{lead}").text) == "无人认领"
    answer = _post(jia, lead, action="claim")
    assert answer.status_code == 303 and "assigned=claim" in answer.headers["location"]
    page = jia.get(answer.headers["location"]).text
    assert _assignee(page) == "审核员甲" and "已认领。" in page
    assert re.search(r"<td>认领</td>", page) or "认领" in page.split('id="audit"')[1]
    queue = jia.get("/?status=open").text
    assert re.search(rf'<tr data-id="{lead}".*?<small class="assignee">审核员甲</small>', queue, re.S)
    mine = jia.get("/?status=open&mine=1").text
    assert "共 1 条线索" in mine and f'data-id="{lead}"' in mine
    assert "共 0 条线索" in _client("审核员乙").get("/?status=open&mine=1").text
    with db.session() as s:
        event = s.query(ReviewEvent).filter_by(lead_id=lead, action="claim").one()
        assert event.detail["assignee"] == "审核员甲" and s.get(Lead, lead).assignee_id == event.user_id


def test_a_claimed_lead_cannot_be_claimed_from_under_its_assignee(db: Database, world) -> None:
    lead = world["lead2"]
    jia, yi = _client("审核员甲"), _client("审核员乙")
    stale = csrf_of(yi, f"/leads/{lead}")  # 乙 opened the page while the lead was free
    _post(jia, lead, action="claim")
    answer = yi.post(
        f"/leads/{lead}/assignee", data={"action": "claim", "csrf_token": stale}, follow_redirects=False
    )
    assert "error=triage.assignee_changed" in answer.headers["location"]
    page = yi.get(answer.headers["location"]).text
    assert "这条线索的认领人刚被他人改变" in page and _assignee(page) == "审核员甲"
    assert 'id="claim"' not in page and 'id="release"' not in page  # not 乙's to release either
    assert _post(yi, lead, action="release", was="1").status_code == 403
    assert _post(yi, lead, action="assign_reviewer", assignee="1").status_code == 403  # admins only
    with db.session() as s:
        assert [e.action for e in s.query(ReviewEvent).filter_by(lead_id=lead)] == ["flagged", "claim"]


def test_an_admin_assigns_and_the_assignee_releases(db: Database, world) -> None:
    lead = world["lead3"]
    admin = _client("管理员")
    with db.session() as s:
        from storage.users import get_user_by_name

        yi_id = get_user_by_name(session=s, name="审核员乙").id
        owner_id = get_user_by_name(session=s, name="康师傅权利人").id
    page = admin.get(f"/leads/{lead}").text
    assert "康师傅权利人" not in page.split('id="assignee-select"')[1].split("</select>")[0]  # staff only
    refused = _post(admin, lead, action="assign_reviewer", assignee=str(owner_id))
    assert refused.status_code == 400
    done = _post(admin, lead, action="assign_reviewer", assignee=str(yi_id))
    assert done.status_code == 303
    page = admin.get(f"/leads/{lead}").text
    assert _assignee(page) == "审核员乙" and "指派审核员 → 审核员乙" in page
    yi = _client("审核员乙")
    assert "共 1 条线索" in yi.get("/?status=open&mine=1").text
    released = _post(yi, lead, action="release", was=str(yi_id))
    assert released.status_code == 303 and _assignee(yi.get(f"/leads/{lead}").text) == "无人认领"
    with db.session() as s:
        actions = [e.action for e in s.query(ReviewEvent).filter_by(lead_id=lead).order_by(ReviewEvent.id)]
    assert actions == ["flagged", "assign_reviewer", "release"]


def test_a_brand_owner_neither_claims_nor_sees_assignees(world) -> None:
    owner = _client("康师傅权利人")
    lead = world["lead0"]
    page = owner.get(f"/leads/{lead}").text
    assert 'id="assignee-form"' not in page
    assert _post(owner, lead, action="claim").status_code == 403
    assert "认领人" not in owner.get("/?status=open").text


def test_the_api_shows_the_assignee_to_staff_only(world) -> None:
    jia = _client("审核员甲")
    lead = world["lead0"]
    _post(jia, lead, action="claim")
    assert jia.get(f"/api/v1/leads/{lead}").json()["assignee"] == "审核员甲"
    mine = jia.get("/api/v1/leads", params={"mine": "1"}).json()
    assert [item["id"] for item in mine["items"]] == [lead] and mine["items"][0]["assignee"] == "审核员甲"
    owner = _client("康师傅权利人")
    assert owner.get(f"/api/v1/leads/{lead}").json()["assignee"] is None
    assert all(item["assignee"] is None for item in owner.get("/api/v1/leads").json()["items"])
