"""Keyboard triage in a real browser (Playwright + Chromium against a real uvicorn on loopback): twenty
leads cleared by keyboard alone, the dismissal reason typed beside the buttons, keys that do not fire
while typing, and the queue's cursor staying on the next row after c and d."""

from __future__ import annotations

import re

import pytest
import test_review_browser as browser
from factories import ScoreStub, make_brand, make_lead, make_user

from storage import Database
from storage.models import Lead, ReviewEvent

pytestmark = pytest.mark.browser

# the app under uvicorn and Chromium on it, as the review browser tests have them (over this seeded data)
server, page, log_in = browser.server, browser.page, browser.log_in

LEADS = 24


@pytest.fixture
def seeded(db: Database) -> dict[str, list[int]]:
    """Twenty-four open leads, riskiest first by their number; each with a long description so that
    the lead page scrolls."""
    with db.session() as s:
        make_brand(s, "康师傅")
        make_user(s, "审核员", role="reviewer")
        ids = [
            make_lead(
                s,
                score=ScoreStub(risk=round(0.97 - i * 0.01, 2)),
                title=f"康帅傅 红烧牛肉面 第{i + 1}款",
                description="正宗口味，假一赔十。\n" * 80,
            ).id
            for i in range(LEADS)
        ]
    return {"order": ids}


def _lead_id(page) -> int:  # type: ignore[no-untyped-def]
    return int(re.search(r"/leads/(\d+)", page.url).group(1))  # type: ignore[union-attr]


def test_twenty_leads_cleared_by_keyboard_alone(page, seeded, db: Database) -> None:  # type: ignore[no-untyped-def]
    log_in(page)
    page.keyboard.press("j")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert _lead_id(page) == seeded["order"][0]
    # n and p move along the queue without deciding anything
    with page.expect_navigation():
        page.keyboard.press("n")
    assert _lead_id(page) == seeded["order"][1]
    with page.expect_navigation():
        page.keyboard.press("p")
    assert _lead_id(page) == seeded["order"][0]

    decided: list[tuple[int, str, str | None]] = []
    for i in range(20):
        lead = _lead_id(page)
        if i % 5 == 1:  # dismiss: the reason beside the buttons, Enter
            page.keyboard.press("d")
            note = f"正品授权店，误报（第{i}条）"
            page.keyboard.type(note)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            decided.append((lead, "dismiss", note))
        elif i % 5 == 3:  # escalate: the note, Enter, then Enter again on the confirmation
            page.keyboard.press("e")
            note = f"请领导审阅：疑似同一团伙（第{i}条）"
            page.keyboard.type(note)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert "确认上报" in page.inner_text("#confirm-decision")
            assert page.evaluate("document.activeElement.id") == "confirm-yes"
            with page.expect_navigation():
                page.keyboard.press("Enter")
            decided.append((lead, "escalate", note))
        else:
            with page.expect_navigation():
                page.keyboard.press("c")
            decided.append((lead, "confirm", None))
        assert _lead_id(page) != lead
        assert f"线索 #{lead}" in page.inner_text("#triage-notice")

    # each lead in the queue's order, each decision recorded with its note
    assert [lead for lead, _, _ in decided] == seeded["order"][:20]
    status = {"confirm": "confirmed", "dismiss": "dismissed", "escalate": "escalated"}
    with db.session() as s:
        for lead, action, note in decided:
            assert s.get(Lead, lead).status == status[action]
            event = s.query(ReviewEvent).filter_by(lead_id=lead, action=action).one()
            assert event.note == note
        assert s.query(ReviewEvent).filter(ReviewEvent.lead_id == seeded["order"][20]).count() == 1  # flagged
    assert page.dialogs == []


def test_the_dismissal_reason_opens_beside_the_buttons(page, seeded, db: Database) -> None:  # type: ignore[no-untyped-def]
    log_in(page)
    lead = seeded["order"][0]
    page.goto(page.base + f"/leads/{lead}")
    # typing in a field fires no key: "c" in the witness field confirms nothing
    page.focus("#evidence-witness")
    page.keyboard.type("cdenp 见证人")
    page.keyboard.press("Escape")
    page.evaluate("document.activeElement.blur()")
    assert _lead_id(page) == lead and page.inner_text("#lead-status") == "新线索"

    reason = page.locator("#inline-reason-text")
    assert not reason.is_visible()
    page.keyboard.press("d")
    assert reason.is_visible() and page.evaluate("document.activeElement.id") == "inline-reason-text"
    assert page.evaluate("window.scrollY") == 0  # nothing scrolled: the row being dismissed stays in view
    box, button = reason.bounding_box(), page.locator("#action-confirm").bounding_box()
    assert box and button and abs(box["y"] - button["y"]) < 60  # beside the buttons
    page.keyboard.type("cc")  # typed into the field, not taken as "confirm"
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.press("Enter")  # no reason: said so, nothing sent
    assert page.inner_text("#inline-reason-error") == "请先填写理由。"
    page.keyboard.press("Escape")
    assert not reason.is_visible()
    with db.session() as s:
        assert s.get(Lead, lead).status == "new"


def test_queue_keys_keep_the_cursor_on_the_next_row(page, seeded, db: Database) -> None:  # type: ignore[no-untyped-def]
    log_in(page)
    order = seeded["order"]
    page.keyboard.press("j")
    page.keyboard.press("j")  # the second row
    with page.expect_navigation():
        page.keyboard.press("c")
    assert page.locator("tr.current").get_attribute("data-id") == str(order[2])
    page.keyboard.press("d")
    reason = page.locator("tr.inline-reason input")
    assert reason.is_visible()
    # the reason row sits right under the row being dismissed
    assert page.evaluate(
        "document.querySelector('tr.inline-reason').previousElementSibling.dataset.id"
    ) == str(order[2])
    page.keyboard.type("授权经销商，误报")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("tr.current").get_attribute("data-id") == str(order[3])
    with db.session() as s:
        assert s.get(Lead, order[1]).status == "confirmed"
        assert s.get(Lead, order[2]).status == "dismissed"
        dismissal = s.query(ReviewEvent).filter_by(lead_id=order[2], action="dismiss").one()
        assert dismissal.note == "授权经销商，误报"
