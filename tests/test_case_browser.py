"""The case page in a real browser (Playwright + Chromium against uvicorn, the fixtures of
tests/test_review_browser.py): from the queue's cases tab to a case, the network drawn, an edge clicked
to its evidence, a shop clicked to its row, the summed sales, a confirmation; the hostile shop name
shown as text and nothing run. A screenshot goes to docs/screenshots/case.png with
MARKWATCH_UPDATE_SCREENSHOTS=1."""

from __future__ import annotations

import re

import case_world
import pytest
from test_review_browser import SCREENSHOTS, log_in, page, server  # noqa: F401 - fixtures reused

from storage import Database

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(db: Database) -> dict[str, int]:
    return case_world.build(db)


def test_the_case_page_in_a_browser(page, seeded) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    log_in(page)
    page.click("#tab-cases")
    page.wait_for_url("**/cases")
    page.click(f"text=MW-C-{seeded['one']}")
    page.wait_for_url(f"**/cases/{seeded['one']}")
    assert page.inner_text("h1").startswith(f"案件线索 MW-C-{seeded['one']}")
    assert page.locator("svg.network a.node circle").count() == 3
    assert page.locator("svg.network g.legend").count() == 2  # one colour per platform
    assert page.locator("svg.network a.edge").count() == 2

    page.locator('svg.network a.edge[data-kind="phone"] line').last.click()
    page.wait_for_url(re.compile(r"#edge-\d+$"))
    anchor = page.url.rsplit("#", 1)[1]
    evidence = page.locator(f"li#{anchor}")
    assert "同一电话" in evidence.inner_text() and "13800138000" in evidence.inner_text()
    assert evidence.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 247, 214)"  # :target
    assert evidence.locator("a.edge-snapshot").count() == 1

    page.locator("svg.network a.node").first.click()
    page.wait_for_url(re.compile(r"#shop-\d+$"))
    assert page.locator(f"tr#{page.url.rsplit('#', 1)[1]}").is_visible()

    assert "合计 ¥69,500.00（3 条商品）" in page.inner_text("#case-sum")
    assert "已达到 ¥50,000.00 的标准" in page.inner_text("#case-threshold")
    assert case_world.HOSTILE_SHOP in page.inner_text("#case-shops")  # as text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#case-graph").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "case.png"))

    page.fill("#confirm-form textarea", "同一营业执照、同一电话")
    page.click("#case-confirm")
    page.wait_for_url("**done=confirm")
    assert page.inner_text("#case-status") == "已确认"
    assert "确认" in page.inner_text("#case-audit")
    assert page.dialogs == []  # nothing the hostile shop name carried ran
    assert page.evaluate("() => window.__pwned") is None
