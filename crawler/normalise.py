"""Turning field texts as marketplaces show them into listing-record values.

Pure functions, no I/O: ``¥1,299.00`` → 1299.0, ``券后¥89`` → 89.0, ``¥39-59`` → 39.0 (the lower bound),
``1万+`` → 10000, ``2021年3月5日`` → ``2021-03-05``, full-width ``ＡＢＣ１２３`` → ``ABC123``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_SPACE = re.compile(r"\s+")
_AMOUNT = re.compile(r"(\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)\s*(万|w|W|千|k|K)?")
_UNITS = {"万": 10_000, "w": 10_000, "W": 10_000, "千": 1_000, "k": 1_000, "K": 1_000}
_COUPON = re.compile(r"(券后|到手价?|折后|活动价|促销价|秒杀价)\s*[¥$]?\s*")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def clean_text(value: str | None) -> str | None:
    """NFKC (full-width letters, digits and punctuation to their plain forms) and collapsed whitespace."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", value)
    text = text.replace("\u200b", "").replace("\ufeff", "")
    text = _SPACE.sub(" ", text).strip()
    return text or None


def _amount(match: re.Match[str]) -> float:
    number = float(match.group(1).replace(",", ""))
    return number * _UNITS.get(match.group(2) or "", 1)


def parse_price(text: str | None) -> float | None:
    """The unit price a buyer pays, in the page's currency; None when the text holds no amount.

    ``¥1,299.00`` → 1299.0; ``券后¥89`` → 89.0 (the coupon price, not the struck-through one);
    ``¥39-59`` / ``¥39~59`` → 39.0 (a range: its lower bound); ``1.2万`` → 12000.0.
    """
    cleaned = clean_text(text)
    if not cleaned:
        return None
    coupon = _COUPON.search(cleaned)
    if coupon:
        cleaned = cleaned[coupon.end() :]
    match = _AMOUNT.search(cleaned)
    if match is None:
        return None
    value = _amount(match)
    return round(value, 2) if value >= 0 else None


def parse_count(text: str | None) -> int | None:
    """A sold or review count: ``156``, ``1,234``, ``1万+`` → 10000, ``2.3万+`` → 23000, ``月销3000+``."""
    cleaned = clean_text(text)
    if not cleaned:
        return None
    match = _AMOUNT.search(cleaned)
    if match is None:
        return None
    return int(round(_amount(match)))


def parse_date(text: str | None) -> str | None:
    """An ISO date from ``2021-03-05``, ``2021/3/5``, ``2021.03.05`` or ``2021年3月5日``; None if invalid."""
    cleaned = clean_text(text)
    if not cleaned:
        return None
    match = _DATE.search(cleaned)
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
    except ValueError:
        return None


def parse_rating(text: str | None) -> float | None:
    """A shop rating such as ``4.8`` or ``4.8分``; None when absent or not between 0 and 100."""
    cleaned = clean_text(text)
    if not cleaned:
        return None
    match = re.search(r"\d+(?:\.\d+)?", cleaned)
    if match is None:
        return None
    value = float(match.group(0))
    return value if 0 <= value <= 100 else None


def currency_of(text: str | None) -> str:
    """The currency a price text is in; CNY unless it says otherwise."""
    cleaned = clean_text(text) or ""
    if "US$" in cleaned or cleaned.startswith("$"):
        return "USD"
    if "HK$" in cleaned:
        return "HKD"
    if "€" in cleaned:
        return "EUR"
    return "CNY"
