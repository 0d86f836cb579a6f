"""Built-in signs of the big platforms' block pages: human checks, verification and login walls.

Recognised on every crawl besides the generic words of ``crawler.middlewares.BLOCK_TEXTS`` and the
profile's own ``page.block`` selector and ``page.block_url`` patterns. A sign here is specific enough to
mark a page blocked even when it also shows listing content.
"""

from __future__ import annotations

import re
from functools import lru_cache

from scrapy.http import TextResponse

from crawler.selectors import select

# where a platform sends a crawler it has stopped: verification, "punish" and login pages
BLOCK_URLS = (
    r"/_____tmd_____/punish",  # Taobao/Tmall slider ("punish") page
    r"^https?://sec\.taobao\.com/",
    r"^https?://login\.taobao\.com/",
    r"^https?://login\.tmall\.com/",
    r"^https?://passport\.jd\.com/",  # JD login
    r"^https?://cfe\.m\.jd\.com/privatedomain/risk_handler",  # JD verification
    r"^https?://(login|passport)\.aliexpress\.(com|ru)/",
    r"^https?://signin\.ebay\.",
    r"^https?://www\.amazon\.[a-z.]+/(errors/validateCaptcha|ap/signin)",
)
# in the page itself
BLOCK_SELECTORS = (
    'form[action*="validateCaptcha"]',  # Amazon's Robot Check
    "input#captchacharacters",
    "xpath://title[contains(., 'Robot Check')]",
    "#nc_1_n1z",  # Taobao/Tmall slider handle
    "#nocaptcha",
    "xpath://title[contains(., '验证码拦截')]",
    "xpath://*[contains(text(), '验证一下，购物无忧')]",  # JD verification
)


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def is_block_url(url: str, extra: list[str] | tuple[str, ...] = ()) -> bool:
    """Whether ``url`` is a platform's verification, "punish" or login page (built-in or ``extra``)."""
    return bool(_compiled(BLOCK_URLS + tuple(extra)).search(url))


def block_sign(response: TextResponse, extra_urls: list[str] | tuple[str, ...] = ()) -> str | None:
    """The built-in sign that this page is a block page, or None."""
    if is_block_url(response.url, extra_urls):
        return "url"
    for expr in BLOCK_SELECTORS:
        if select(response, expr):
            return expr
    return None
