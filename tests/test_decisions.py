"""Decisions follow one state machine and carry the lead's version (review.decisions): two reviewers
deciding at once get one decision and one 409, the audit trail agrees with the status, and every
decision the state machine forbids is refused on the lead page, the JSON API and bulk actions."""

from __future__ import annotations

import threading

import pytest
from factories import make_brand, make_lead, make_user
from fastapi.testclient import TestClient
from sqlalchemy import select
from test_review_http import csrf_of, login, post_form

from review.decisions import TRANSITIONS
from storage.decisions import status_after
from storage.models import Lead, LeadStatus, ReviewEvent

ACTIONS = ("confirm", "dismiss", "assign", "escalate", "transfer", "reopen")
FORM = {"note": "说明：已核实", "department": "商标处", "confirmed": "1"}


@pytest.fixture
def leads(database) -> dict[str, int]:
    """A lead in every status, and an admin and two reviewers."""
    ids = {}
    with database.session() as s:
        make_brand(s, "康师傅")
        make_user(s, "管理员", role="admin")
        make_user(s, "审核员甲", role="reviewer")
        make_user(s, "审核员乙", role="reviewer")
        for status in LeadStatus:
            lead = make_lead(s, title=f"康帅傅 红烧牛肉面 {status.value}")
            lead.status = status.value
            ids[status.value] = lead.id
    return ids


@pytest.fixture
def app(database, leads):  # type: ignore[no-untyped-def]
    from review.app import create_app

    return create_app()


def token_of(cli, name: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    result = cli("users", "token", name)
    assert result.exit_code == 0, result.stderr
    return {"Authorization": f"Bearer {result.stdout.strip()}"}


def trail(database, lead_id: int) -> tuple[str, list[tuple[str, str | None]]]:
    with database.session() as s:
        lead = s.get(Lead, lead_id)
        events = s.scalars(select(ReviewEvent).where(ReviewEvent.lead_id == lead_id).order_by(ReviewEvent.id))
        return lead.status, [(e.action, status_after(e.action, e.detail)) for e in events]


def test_two_reviewers_deciding_at_once_get_one_decision_and_one_409(database, leads, app, cli) -> None:
    lead = leads["new"]
    clients = [TestClient(app) for _ in range(2)]
    headers = [token_of(cli, "审核员甲"), token_of(cli, "审核员乙")]
    version = clients[0].get(f"/api/v1/leads/{lead}", headers=headers[0]).json()["version"]
    bodies = [
        {"action": "confirm", "version": version},
        {"action": "dismiss", "note": "误报：正品授权店", "version": version},
    ]
    start = threading.Barrier(2)
    answers: list = [None, None]

    def decide(i: int) -> None:
        start.wait()
        answers[i] = clients[i].post(f"/api/v1/leads/{lead}/decision", json=bodies[i], headers=headers[i])

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    codes = sorted(answer.status_code for answer in answers)
    assert codes == [200, 409], [a.text for a in answers]
    won, lost = sorted(answers, key=lambda a: a.status_code)
    now = lost.json()
    assert now["status"] == won.json()["status"] and now["version"] == version + 1
    assert now["changed_by"] in ("审核员甲", "审核员乙") and now["action"] in ("confirm", "dismiss")
    status, events = trail(database, lead)
    assert [action for action, _ in events] == ["flagged", now["action"]]  # one decision recorded
    assert events[-1][1] == status == now["status"]


def test_a_decision_on_a_page_loaded_before_a_change_gets_409_and_the_current_state(
    database, leads, app, cli
) -> None:
    lead = leads["new"]
    page = login(TestClient(app), "审核员甲")
    token = csrf_of(page, f"/leads/{lead}")
    shown = page.get(f"/leads/{lead}").text
    assert 'name="version" value="1"' in shown
    other = TestClient(app)
    answer = other.post(
        f"/api/v1/leads/{lead}/decision",
        json={"action": "dismiss", "note": "误报", "version": 1},
        headers=token_of(cli, "审核员乙"),
    )
    assert answer.status_code == 200
    late = page.post(
        f"/leads/{lead}/decision",
        data={"action": "confirm", "version": "1", "csrf_token": token},
        follow_redirects=False,
    )
    assert late.status_code == 409
    assert "已被修改" in late.text and "审核员乙" in late.text and "已驳回" in late.text
    assert trail(database, lead)[0] == "dismissed"
    # the API names the version in If-Match just as well
    stale = other.post(
        f"/api/v1/leads/{lead}/decision",
        json={"action": "reopen", "note": "再查"},
        headers=token_of(cli, "管理员") | {"If-Match": '"1"'},
    )
    assert stale.status_code == 409 and stale.json()["status"] == "dismissed"


def _forbidden() -> list[tuple[str, str]]:
    return [(status.value, a) for status in LeadStatus for a in ACTIONS if a not in TRANSITIONS[status.value]]


@pytest.mark.parametrize("channel", ["web", "api", "bulk"])
def test_every_forbidden_transition_is_refused(database, leads, app, cli, channel) -> None:
    assert ("transferred", "dismiss") in _forbidden() and ("confirmed", "dismiss") in _forbidden()
    client = TestClient(app)
    if channel == "api":
        headers = token_of(cli, "管理员")
    else:
        login(client, "管理员")
    before = {status: trail(database, lead) for status, lead in leads.items()}
    for status, action in _forbidden():
        lead = leads[status]
        if channel == "api":
            answer = client.post(
                f"/api/v1/leads/{lead}/decision", json={"action": action, **FORM}, headers=headers
            )
            assert answer.status_code == 400, (status, action, answer.text)
        elif channel == "web":
            answer = post_form(client, f"/leads/{lead}/decision", {"action": action, **FORM})
            assert answer.status_code == 303 and answer.headers["location"].endswith("error=error.transition")
        else:
            if action == "reopen":
                continue  # the queue offers no bulk reopen: bulk actions are the reviewers' five
            answer = post_form(
                client, "/bulk", {"action": action, "ids": [lead], **FORM, "next": "/?since=all"}
            )
            assert answer.status_code == 303 and f"refused={lead}" in answer.headers["location"], (
                status,
                action,
            )
            assert "done=0" in answer.headers["location"]
    assert {status: trail(database, lead) for status, lead in leads.items()} == before


def test_closed_leads_reopen_only_by_an_admin_with_a_reason(database, leads, app) -> None:
    reviewer = login(TestClient(app), "审核员甲")
    lead = leads["transferred"]
    page = reviewer.get(f"/leads/{lead}").text
    assert 'id="action-dismiss"' not in page and 'id="action-reopen"' not in page and "已结案" in page
    assert (
        post_form(reviewer, f"/leads/{lead}/decision", {"action": "reopen", "note": "再查"}).status_code
        == 403
    )
    admin = login(TestClient(app), "管理员")
    assert 'id="action-reopen"' in admin.get(f"/leads/{lead}").text
    refused = post_form(admin, f"/leads/{lead}/decision", {"action": "reopen"})
    assert refused.headers["location"].endswith("error=error.reopen_reason")
    done = post_form(admin, f"/leads/{lead}/decision", {"action": "reopen", "note": "公安退回，补充证据"})
    assert done.status_code == 303
    status, events = trail(database, lead)
    assert status == "new" and events[-1] == ("reopen", "new")


def test_the_lead_page_offers_only_the_allowed_decisions(leads, app) -> None:
    reviewer = login(TestClient(app), "审核员甲")
    for status, lead in leads.items():
        page = reviewer.get(f"/leads/{lead}").text
        offered = {a for a in ACTIONS if f'id="action-{a}"' in page}
        assert offered == set(TRANSITIONS[status]) - {"reopen"}, status


def test_escalate_and_transfer_need_a_note_and_a_confirmation(database, leads, app) -> None:
    reviewer = login(TestClient(app), "审核员甲")
    lead = leads["new"]
    no_note = post_form(reviewer, f"/leads/{lead}/decision", {"action": "transfer"})
    assert no_note.headers["location"].endswith("error=error.note_required")
    asked = post_form(reviewer, f"/leads/{lead}/decision", {"action": "escalate", "note": "请领导审阅"})
    assert asked.status_code == 200 and 'id="confirm-yes"' in asked.text and "请领导审阅" in asked.text
    assert trail(database, lead)[0] == "new"  # nothing decided before the confirmation
    token = csrf_of(reviewer, f"/leads/{lead}")
    version = asked.text.split('name="version" value="')[1].split('"')[0]
    done = reviewer.post(
        f"/leads/{lead}/decision",
        data={
            "action": "escalate",
            "note": "请领导审阅",
            "confirmed": "1",
            "version": version,
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert done.status_code == 303 and trail(database, lead)[0] == "escalated"


def test_bulk_reports_the_leads_changed_since_the_page_was_loaded(database, leads, app, cli) -> None:
    reviewer = login(TestClient(app), "审核员甲")
    first, second = leads["new"], leads["in_review"]
    queue = reviewer.get("/?since=all").text
    assert f'value="{first}:1"' in queue
    changed = TestClient(app).post(
        f"/api/v1/leads/{second}/decision",
        json={"action": "confirm", "version": 1},
        headers=token_of(cli, "审核员乙"),
    )
    assert changed.status_code == 200
    answer = post_form(
        reviewer,
        "/bulk",
        {
            "action": "dismiss",
            "note": "批量驳回",
            "ids": [first, second],
            "versions": [f"{first}:1", f"{second}:1"],
            "next": "/?since=all",
        },
    )
    assert answer.status_code == 303 and "done=1" in answer.headers["location"]
    assert f"changed={second}" in answer.headers["location"]
    assert f"{second}" in reviewer.get(answer.headers["location"]).text
    assert trail(database, first)[0] == "dismissed" and trail(database, second)[0] == "confirmed"
