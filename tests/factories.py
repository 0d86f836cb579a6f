"""Factories for tests: brands, listings, scores, leads, snapshots and users, through the real
repository functions (so a test sees what production code would have written).

Every factory takes an open SQLAlchemy session (``with db.session() as s:``) and keyword arguments
with Chinese defaults. ``ScoreStub`` satisfies storage.queue.ScoreLike without importing scoring.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from storage.blobs import BlobStore
from storage.brands import upsert_brand
from storage.listings import upsert_listing
from storage.models import Brand, Lead, Listing, Snapshot, User
from storage.queue import record_score
from storage.queue_rules import QueueRules

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

_ids = itertools.count(1)
PASSWORD = "正确的密码-Passw0rd"  # every factory user's password unless given


@dataclass(frozen=True)
class ReasonStub:
    signal: str
    weight: float
    detail: str


@dataclass(frozen=True)
class ScoreStub:
    """A scorer's verdict, shaped like scoring.types.Score."""

    risk: float = 0.9
    flagged: bool = True
    brand: str | None = "康师傅"
    violation: str | None = "lookalike_mark"
    reasons: tuple[ReasonStub, ...] = (
        ReasonStub("lookalike_mark", 0.7, "康帅傅 ≈ 康师傅 (字形近似: 帅/师)"),
    )
    model_version: str = "test"
    department: str | None = "公平交易处"
    features: dict[str, float] = field(default_factory=dict)


def make_brand(
    session: Session,
    name: str = "康师傅",
    *,
    aliases: tuple[str, ...] = ("Master Kong",),
    status: str = "approved",
    owner: str | None = "康师傅控股有限公司",
    **extra: Any,
) -> Brand:
    brand, _ = upsert_brand(
        session=session,
        name=name,
        owner=owner,
        aliases=aliases,
        registrations=extra.get("registrations", [("1234567", 30)]),
        categories=extra.get("categories", ["方便面"]),
        price_floor=extra.get("price_floor", 3.0),
        authorized_sellers=extra.get("authorized_sellers", [f"{name}官方旗舰店"]),
        official_images=extra.get("official_images", []),
        status=status,
        submitted_by_id=extra.get("submitted_by_id"),
    )
    session.flush()
    return brand


def listing_record(**overrides: Any) -> dict[str, Any]:
    n = next(_ids)
    record: dict[str, Any] = {
        "id": f"demo-static:{10000 + n}",
        "platform": "demo-static",
        "url": f"http://127.0.0.1:8801/item/{10000 + n}",
        "title": f"康帅傅 红烧牛肉面 5连包 第{n}号",
        "price": 9.9,
        "currency": "CNY",
        "category": "方便面",
        "seller": {"id": f"s-{n}", "name": f"好味食品店{n}", "opened": "2026-06-01", "rating": 4.1},
        "sold": 1200,
        "description": "正宗口味，假一赔十",
        "images": [],
    }
    record.update(overrides)
    return record


def make_listing(session: Session, *, seen_at: datetime | None = None, **overrides: Any) -> Listing:
    listing, _ = upsert_listing(session=session, record=listing_record(**overrides), seen_at=seen_at)
    return listing


def make_lead(
    session: Session,
    *,
    score: ScoreStub | None = None,
    now: datetime | None = None,
    criminal_threshold: float = 50_000.0,
    **listing_overrides: Any,
) -> Lead:
    """A listing, scored and flagged: its lead, created by storage.queue.record_score."""
    listing = make_listing(session, seen_at=now, **listing_overrides)
    lead = record_score(
        session=session,
        listing=listing,
        score=score or ScoreStub(),
        now=now,
        rules=QueueRules(criminal_threshold=criminal_threshold),
    )
    assert lead is not None, "the score must be flagged to make a lead"
    session.flush()
    return lead


def make_snapshot(
    session: Session,
    blobs: BlobStore,
    listing: Listing,
    *,
    html: str | bytes,
    screenshot: bytes | None = None,
    status: int = 200,
) -> Snapshot:
    data = html.encode("utf-8") if isinstance(html, str) else html
    snapshot = Snapshot(
        listing_id=listing.id,
        url=listing.url or "http://127.0.0.1/",
        http_status=status,
        headers={"content-type": "text/html; charset=utf-8"},
        html_sha256=blobs.put(data),
        screenshot_sha256=blobs.put(screenshot) if screenshot else None,
        tool_version="markwatch-test",
    )
    session.add(snapshot)
    session.flush()
    return snapshot


@functools.lru_cache(maxsize=8)
def _password_hash(password: str) -> str:
    from review.security import hash_password

    return hash_password(password)  # argon2 is slow on purpose: hash each test password once per run


def make_user(
    session: Session,
    name: str = "审核员小王",
    *,
    role: str = "reviewer",
    password: str = PASSWORD,
    brands: tuple[str, ...] = (),
) -> User:
    from storage.users import create_user

    return create_user(
        session=session,
        name=name,
        role=role,
        password_hash=_password_hash(password),
        brand_names=list(brands),
    )


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """The CSRF token of the form on ``path``, as a browser would send it back."""
    page = client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, f"no csrf_token field on {path}"
    return match.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD) -> TestClient:
    """Sign ``client`` in as ``name`` through the login form."""
    token = csrf_of(client)
    response = client.post(
        "/login", data={"name": name, "password": password, "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return client
