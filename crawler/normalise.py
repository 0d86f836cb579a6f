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

    ``¥1,299.00`` → 1299.0; ``EUR 6,37`` → 6.37 (a decimal comma); ``券后¥89`` → 89.0 (the coupon price,
    not the struck-through one); ``¥39-59`` / ``€ 97,39 - 128,72`` → the lowest of the range;
    ``7 99`` (whole and cents in separate elements, as Amazon shows them) → 7.99; ``1.2万`` → 12000.0.
    Amounts are read with price-parser, which tells a decimal comma from a thousands separator.
    """
    cleaned = clean_text(text)
    if not cleaned:
        return None
    coupon = _COUPON.search(cleaned)
    if coupon:
        cleaned = cleaned[coupon.end() :]
    cleaned = _SEPARATOR_SPACES.sub(r"\1\2\3", cleaned)
    split = _SPLIT_PRICE.match(cleaned)
    if split:
        cleaned = f"{split.group(1)}{split.group(2)}.{split.group(3)}{split.group(4)}"
    amounts = [a for a in (_one_amount(part) for part in _RANGE.split(cleaned)) if a is not None]
    if not amounts:
        return None
    value = min(amounts)
    return round(value, 2) if value >= 0 else None


_SEPARATOR_SPACES = re.compile(r"(\d)\s*([.,])\s*(\d)")
_SPLIT_PRICE = re.compile(r"^(\D*?)(\d+) (\d{2})(\D*)$")
_RANGE = re.compile(r"\s*(?:[-~–—至]|\bto\b)\s*(?=\D{0,6}\d)")
_WAN = re.compile(r"\d\s*(万|w|W)")


# one number with at most two decimals and no comma: nothing for price-parser to guess (1.299 is one)
_PLAIN_AMOUNT = re.compile(r"^[^\d,.]*?(\d+(?:\.\d{1,2})?)[^\d,.]*$")


def _one_amount(text: str) -> float | None:
    plain = _PLAIN_AMOUNT.match(text)
    if plain is not None and not _WAN.search(text):
        return float(plain.group(1))
    if _WAN.search(text):
        match = _AMOUNT.search(text)
        return _amount(match) if match else None
    from price_parser import Price

    amount = Price.fromstring(text).amount_float
    return float(amount) if amount is not None else None


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


# Checked in order: the specific dollars before the plain one.
_CURRENCIES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), code)
    for pattern, code in (
        (r"US\s?\$|\bUSD\b", "USD"),
        (r"CDN\s?\$|\bC\s?\$|CA\s?\$|\bCAD\b", "CAD"),
        (r"HK\s?\$|\bHKD\b", "HKD"),
        (r"NT\s?\$|\bTWD\b", "TWD"),
        (r"\bA\s?\$|AU\s?\$|\bAUD\b", "AUD"),
        (r"\bS\s?\$|\bSGD\b", "SGD"),
        (r"£|\bGBP\b", "GBP"),
        (r"€|\bEUR\b", "EUR"),
        (r"₹|\bINR\b|\bRs\.?\s?\d", "INR"),
        (r"円|\bJPY\b", "JPY"),
        (r"¥|元|\bRMB\b|\bCNY\b|人民币", "CNY"),
    )
)
_DOLLAR = re.compile(r"\$")
DOLLAR_CURRENCIES = frozenset({"USD", "CAD", "HKD", "TWD", "AUD", "SGD"})


def currency_code(text: str | None) -> str | None:
    """The ISO 4217 code a text names (``US $``, ``CDN$``, ``£``, ``EUR``, ``¥``, ``元``, ``RMB``…), or None.
    A bare ``$`` is USD."""
    cleaned = clean_text(text) or ""
    if not cleaned:
        return None
    if re.fullmatch(r"[A-Za-z]{3}", cleaned):
        return cleaned.upper()
    for pattern, code in _CURRENCIES:
        if pattern.search(cleaned):
            return code
    return "USD" if _DOLLAR.search(cleaned) else None


def currency_of(text: str | None, default: str | None = "CNY") -> str | None:
    """The currency a price text is in: its symbol or code, else ``default`` (the platform's); a bare
    ``$`` is the platform's own dollar when its default is one (CAD on a Canadian site), else USD."""
    found = currency_code(text)
    if found == "USD" and default in DOLLAR_CURRENCIES and not re.search(r"US\s?\$|USD", text or "", re.I):
        return default
    return found or default
