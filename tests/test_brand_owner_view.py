"""What a brand owner sees of its leads: when the status changed, and nothing internal — no reviewer
names, notes, departments or criminal-threshold flags, on pages, in exports and through the API."""

from __future__ import annotations

import csv
import io

import test_review_http as http
from fastapi.testclient import TestClient
from test_review_http import login

world = http.world  # the review app's fixtures: its users, brands and leads
client = http.client

INTERNAL_NOTE = "已达刑事标准，移送公安经侦"
DEPARTMENT = "经检处"


def reviewed(client: TestClient, cli, world) -> tuple[TestClient, int]:  # type: ignore[no-untyped-def]
    """The 康师傅 lead assigned, escalated and confirmed by a reviewer, with internal notes."""
    token = cli("users", "token", "审核员").stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    lead = world["ksf"]
    for body in (
        {"action": "assign", "department": DEPARTMENT, "note": "交经检处核查"},
        {"action": "escalate", "note": INTERNAL_NOTE},
        {"action": "confirm", "note": "审核员确认：包装相同"},
    ):
        response = client.post(f"/api/v1/leads/{lead}/decision", json=body, headers=headers)
        assert response.status_code == 200, response.text
    return client, lead


INTERNAL = ("审核员", INTERNAL_NOTE, "交经检处核查", "包装相同", DEPARTMENT, "刑事")


def test_a_brand_owner_sees_status_changes_with_dates_and_nothing_internal(
    client: TestClient, cli, world
) -> None:
    client, lead = reviewed(client, cli, world)
    owner = login(client, "康师傅权利人")
    page = owner.get(f"/leads/{lead}")
    assert page.status_code == 200
    history = page.text.split('id="history"', 1)[1].split("</table>", 1)[0]
    for status in ("新线索", "处理中", "已上报", "已确认"):
        assert status in history, status
    assert 'id="audit"' not in page.text and 'id="lead-department"' not in page.text
    for text in INTERNAL:
        assert text not in page.text, text


def test_staff_still_see_the_whole_audit_trail(client: TestClient, cli, world) -> None:
    client, lead = reviewed(client, cli, world)
    page = login(client, "调查员").get(f"/leads/{lead}")
    assert 'id="audit"' in page.text and INTERNAL_NOTE in page.text and "审核员" in page.text
    assert DEPARTMENT in page.text


def test_the_api_gives_a_brand_owner_the_history_not_the_trail(client: TestClient, cli, world) -> None:
    client, lead = reviewed(client, cli, world)
    owner = {"Authorization": f"Bearer {cli('users', 'token', '康师傅权利人').stdout.strip()}"}
    detail = client.get(f"/api/v1/leads/{lead}", headers=owner).json()
    assert detail["events"] == [] and detail["department"] is None and detail["transfer_review"] is None
    assert [h["status"] for h in detail["history"]] == ["new", "in_review", "escalated", "confirmed"]
    assert all(set(h) == {"at", "status"} for h in detail["history"])
    listed = client.get("/api/v1/leads", headers=owner).json()["items"]
    assert listed and all(item["department"] is None and item["transfer_review"] is None for item in listed)
    staff = {"Authorization": f"Bearer {cli('users', 'token', '调查员').stdout.strip()}"}
    full = client.get(f"/api/v1/leads/{lead}", headers=staff).json()
    assert full["department"] == DEPARTMENT and INTERNAL_NOTE in [e["note"] for e in full["events"]]
    assert [h["status"] for h in full["history"]] == ["new", "in_review", "escalated", "confirmed"]


def test_a_brand_owners_queue_and_exports_have_no_department_or_threshold(
    client: TestClient, cli, world
) -> None:
    client, _ = reviewed(client, cli, world)
    owner = login(client, "康师傅权利人")
    queue = owner.get("/?since=all&status=confirmed")
    assert queue.status_code == 200 and "康师傅" in queue.text
    assert DEPARTMENT not in queue.text and "部门" not in queue.text
    rows = list(csv.reader(io.StringIO(owner.get("/export.csv?since=all").content.decode("utf-8-sig"))))
    assert rows and all(DEPARTMENT not in cell and "刑事" not in cell for row in rows for cell in row)
    assert len(rows[0]) == len(rows[1])
