"""Plain data types of the scoring contract: listings, sellers, brands, scores.

Everything here is a frozen dataclass so that a Score or a Listing can be shared between threads
and processes. These types are what other packages (crawler, storage, review, the CLI) code against.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

MODEL_VERSION = "default-2026.11"
MAX_TITLE = 10_000
MAX_TEXT = 200_000
# ranges of the listing record's values: what the storage columns hold (ids 200 characters, names
# 200, seller names 300, licences 64, currencies 8) and what a 64-bit integer column holds, with room
MAX_ID = 200
MAX_NAME = 200
MAX_SELLER_NAME = 300
MAX_LICENCE = 64
MAX_CURRENCY = 8
MAX_ITEMS = 1_000  # images per listing
MAX_AMOUNT = 1e12  # a price
MAX_COUNT = 1e12  # units sold
MAX_RATING = 100.0  # a shop's rating: 4.8 of 5, or 98.5 per cent
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

VIOLATIONS = (
    "counterfeit_mark",
    "lookalike_mark",
    "banned_agri_input",
    "false_advertising",
    "substandard_fuel",
    "other",
)


@dataclass(frozen=True)
class Seller:
    """A shop on a marketplace. ``opened`` is when the shop opened; ``rating`` its score."""

    id: str | None
    name: str | None
    opened: _dt.date | None = None
    rating: float | None = None
    licence: str | None = None
    blacklisted: bool = False


@dataclass(frozen=True)
class Listing:
    """One marketplace listing, as in the listing record of DESIGN.md.

    ``image_hashes`` are hex perceptual hashes (``str(imagehash.phash(img))``) computed by the caller.
    """

    id: str
    title: str
    platform: str | None = None
    url: str | None = None
    price: float | None = None
    currency: str = "CNY"
    category: str | None = None
    seller: Seller | None = None
    sold: int | None = None
    description: str | None = None
    images: tuple[str, ...] = ()
    image_hashes: tuple[str, ...] = ()
    seen_at: _dt.datetime | None = None

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Listing:
        """Parse a listing record (a dict from JSON). Only ``id`` and ``title`` are required.

        Every value is range-checked here, so that what passes can be scored and stored anywhere:
        raises ValueError naming the field for a missing or badly typed field, a number out of its
        range (a price or count that is negative, not finite or beyond 10^12), a string longer than
        its column, a string that is not Unicode text (a lone surrogate) or holds a NUL character.
        """
        if not isinstance(record, Mapping):
            raise ValueError("listing record must be a JSON object")
        rid = record.get("id")
        if isinstance(rid, int) and not isinstance(rid, bool):
            rid = str(rid)
        if not isinstance(rid, str) or not rid.strip():
            raise ValueError("field 'id': required, a non-empty string")
        _check_text("id", rid, MAX_ID)
        title = record.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ValueError("field 'title': required, a non-empty string")
        _check_text("title", title, MAX_TITLE)
        seller = record.get("seller")
        return cls(
            id=rid,
            title=title,
            platform=_opt_str(record, "platform", MAX_NAME),
            url=_opt_str(record, "url"),
            price=_opt_number(record, "price", minimum=0.0, maximum=MAX_AMOUNT),
            currency=_opt_str(record, "currency", MAX_CURRENCY) or "CNY",
            category=_opt_str(record, "category", MAX_NAME),
            seller=_seller(seller) if seller is not None else None,
            sold=_opt_int(record, "sold"),
            description=_opt_str(record, "description", MAX_TEXT),
            images=_str_tuple(record, "images"),
            image_hashes=_hash_tuple(record, "image_hashes"),
            seen_at=_opt_datetime(record, "seen_at"),
        )


def _check_text(key: str, value: str, limit: int) -> None:
    """Refuse a string that cannot be stored: too long, not Unicode text, or holding a NUL."""
    if len(value) > limit:
        raise ValueError(f"field '{key}': {len(value)} characters, at most {limit} allowed")
    bad = _UNSTORABLE.search(value)
    if bad is not None:
        what = "a NUL character" if bad.group() == "\x00" else f"a lone surrogate U+{ord(bad.group()):04X}"
        raise ValueError(f"field '{key}': contains {what} at position {bad.start()}")


def _opt_str(rec: Mapping[str, Any], key: str, limit: int = 10_000) -> str | None:
    value = rec.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"field '{key}': expected a string, got {type(value).__name__}")
    _check_text(key, value, limit)
    return value


def _opt_number(
    rec: Mapping[str, Any], key: str, minimum: float | None = None, maximum: float = MAX_AMOUNT
) -> float | None:
    value = rec.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"field '{key}': expected a number, got a boolean")
    if isinstance(value, str):
        text = value
        try:
            value = float(text.strip().lstrip("¥￥").replace(",", ""))
        except ValueError:
            raise ValueError(f"field '{key}': {text[:40]!r} is not a number") from None
    if not isinstance(value, (int, float)):
        raise ValueError(f"field '{key}': expected a number, got {type(value).__name__}")
    if isinstance(value, int) and abs(value) > maximum:
        raise ValueError(f"field '{key}': {_short(value)} is out of range (at most {maximum:.0e})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"field '{key}': must be a finite number")
    if minimum is not None and value < minimum:
        raise ValueError(f"field '{key}': must not be negative")
    if abs(value) > maximum:
        raise ValueError(f"field '{key}': {value:g} is out of range (at most {maximum:.0e})")
    return value


def _short(value: int) -> str:
    digits = str(value) if value.bit_length() < 4000 else "a number of over 1,200 digits"
    return digits if len(digits) <= 24 else digits[:20] + f"… ({len(digits)} digits)"


def _opt_int(rec: Mapping[str, Any], key: str) -> int | None:
    value = _opt_number(rec, key, minimum=0.0, maximum=MAX_COUNT)
    return None if value is None else int(value)


def _str_tuple(rec: Mapping[str, Any], key: str, item_limit: int = 10_000) -> tuple[str, ...]:
    value = rec.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"field '{key}': expected a list of strings")
    if len(value) > MAX_ITEMS:
        raise ValueError(f"field '{key}': {len(value)} items, at most {MAX_ITEMS} allowed")
    for i, v in enumerate(value):
        _check_text(f"{key}[{i}]", v, item_limit)
    return tuple(value)


def _hash_tuple(rec: Mapping[str, Any], key: str) -> tuple[str, ...]:
    values = _str_tuple(rec, key, item_limit=64)
    for v in values:
        try:
            int(v, 16)
        except ValueError:
            raise ValueError(f"field '{key}': {v[:40]!r} is not a hex perceptual hash") from None
    return values


def _opt_date(rec: Mapping[str, Any], key: str) -> _dt.date | None:
    value = rec.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"field '{key}': expected a date string YYYY-MM-DD")
    try:
        return _dt.date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(f"field '{key}': {value[:40]!r} is not a date (YYYY-MM-DD)") from None


def _opt_datetime(rec: Mapping[str, Any], key: str) -> _dt.datetime | None:
    value = rec.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"field '{key}': expected an ISO 8601 date-time string")
    if len(value) > 64:
        raise ValueError(f"field '{key}': {value[:40]!r}… is not an ISO 8601 date-time")
    try:
        return _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"field '{key}': {value[:40]!r} is not an ISO 8601 date-time") from None


def _seller(value: Any) -> Seller:
    if not isinstance(value, Mapping):
        raise ValueError("field 'seller': expected an object")
    sid = value.get("id")
    if isinstance(sid, int) and not isinstance(sid, bool):
        sid = str(sid)
    if sid is not None and not isinstance(sid, str):
        raise ValueError("field 'seller.id': expected a string")
    name = value.get("name")
    if name is not None and not isinstance(name, str):
        raise ValueError("field 'seller.name': expected a string")
    try:
        if sid is not None:
            _check_text("id", sid, MAX_ID)
        if name is not None:
            _check_text("name", name, MAX_SELLER_NAME)
        rating = _opt_number(value, "rating", minimum=0.0, maximum=MAX_RATING)
        opened = _opt_date(value, "opened")
        licence = _opt_str(value, "licence", MAX_LICENCE)
    except ValueError as exc:
        raise ValueError(str(exc).replace("field '", "field 'seller.", 1)) from None
    black = value.get("blacklisted", False)
    if not isinstance(black, bool):
        raise ValueError("field 'seller.blacklisted': expected true or false")
    return Seller(id=sid, name=name, opened=opened, rating=rating, licence=licence, blacklisted=black)


@dataclass(frozen=True)
class Brand:
    """A protected brand: its primary mark ``name`` and other registered forms ``aliases``."""

    name: str
    aliases: tuple[str, ...] = ()
    owner: str | None = None
    categories: tuple[str, ...] = ()
    nice_classes: tuple[int, ...] = ()
    price_floor: float | None = None
    authorized_sellers: tuple[str, ...] = ()
    official_image_hashes: tuple[str, ...] = ()

    @property
    def marks(self) -> tuple[str, ...]:
        """The primary mark followed by the aliases, without duplicates."""
        seen: dict[str, None] = {self.name: None}
        for a in self.aliases:
            seen.setdefault(a, None)
        return tuple(seen)


@dataclass(frozen=True)
class Reason:
    """One explained contribution to a risk: ``weight`` is its share of the risk (they add up)."""

    signal: str
    weight: float
    detail: str


def _empty() -> Mapping[str, float]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Score:
    """The verdict on one listing. ``features`` (signal strengths) is for calibration, not the record."""

    id: str
    risk: float
    flagged: bool
    brand: str | None
    violation: str | None
    reasons: tuple[Reason, ...]
    department: str | None = None
    model_version: str = MODEL_VERSION
    features: Mapping[str, float] = field(default_factory=_empty, compare=False)
