"""Repository functions for platforms, sellers, listings and their price history.

Listings come in as listing records (the JSON Lines contract of docs/formats.md), already normalised
by whoever produced them (the crawler's normalising pipeline, or a platform's data feed).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Table, case, func, insert, null, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.util import identity_key

from storage.models import Listing, Platform, PriceObservation, Seller, utcnow


def get_or_create_platform(
    *, session: Session, name: str, render: str = "http", title: str | None = None
) -> Platform:
    """The platform named ``name``, created when there is none. Safe when several processes create the
    same platform at once: the insert is ``ON CONFLICT (name) DO NOTHING`` and the row is read after it."""
    platform = session.scalars(select(Platform).where(Platform.name == name)).one_or_none()
    if platform is None:
        session.flush()
        insert_ = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(
            insert_(Platform)
            .values(name=name, render=render, title=title or name)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        platform = session.scalars(select(Platform).where(Platform.name == name)).one()
    return platform


def split_listing_id(record_id: str, platform: str | None) -> tuple[str, str]:
    """(platform, external id) of a listing record: ``demo-static:10023`` or a bare id with ``platform``."""
    if platform and record_id.startswith(platform + ":"):
        return platform, record_id[len(platform) + 1 :]
    if platform:
        return platform, record_id
    if ":" in record_id:
        name, _, external = record_id.partition(":")
        return name, external
    return "feed", record_id


def content_hash(record: dict[str, Any]) -> str:
    """What makes a listing "changed materially": title, price, description, seller, images."""
    seller = record.get("seller") or {}
    material = [
        record.get("title"),
        record.get("price"),
        record.get("description"),
        seller.get("id") if isinstance(seller, dict) else None,
        sorted(record.get("images") or []),
    ]
    return hashlib.sha256(json.dumps(material, ensure_ascii=False, default=str).encode()).hexdigest()


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def upsert_listing(
    *,
    session: Session,
    record: dict[str, Any],
    platform: str | None = None,
    seen_at: datetime | None = None,
    platform_row: Platform | None = None,
) -> tuple[Listing, bool]:
    """Create or update a listing from a listing record; returns (listing, changed materially).

    A price observation is written only when the price differs from the last one recorded.
    ``platform_row``: the platform's row when the caller has it already.
    """
    seen_at = seen_at or _parse_seen_at(record.get("seen_at")) or utcnow()
    platform_name, _ = split_listing_id(str(record["id"]), platform or record.get("platform"))
    if platform_row is None or platform_row.name != platform_name:
        platform_row = get_or_create_platform(session=session, name=platform_name)
    [(listing_id, changed)] = upsert_listings(
        session=session, platform_row=platform_row, batch=[(record, seen_at)]
    )
    listing = session.get(Listing, listing_id)
    assert listing is not None  # written just now, in this transaction
    return listing, changed


_LISTINGS: Table = Listing.__table__  # type: ignore[assignment]
_SELLERS: Table = Seller.__table__  # type: ignore[assignment]
_PRICES: Table = PriceObservation.__table__  # type: ignore[assignment]
# what an upsert rewrites on a row that exists; first_seen, the scorer's and the reviewers' columns stay
_SELLER_COLUMNS = ("name", "licence", "url", "rating", "opened", "last_seen")
_LISTING_COLUMNS = (
    "seller_id", "url", "title", "price", "currency", "category", "sold", "description", "images",
    "image_hashes", "content_hash", "last_seen",
)  # fmt: skip


def upsert_listings(
    *, session: Session, platform_row: Platform, batch: list[tuple[dict[str, Any], datetime]]
) -> list[tuple[int, bool]]:
    """``upsert_listing`` for many records of one platform at once: (listing id, changed) per record
    (see ``store_listings``)."""
    return [
        (stored.id, stored.changed)
        for stored in store_listings(session=session, platform_row=platform_row, batch=batch)
    ]


@dataclass(frozen=True)
class StoredListing:
    """A listing record as written: the row's id, whether it changed materially, and ``record``, the
    listing record of the row as this write left it (what ``listing_record`` would read back)."""

    id: int
    changed: bool
    record: dict[str, Any]


def store_listings(
    *, session: Session, platform_row: Platform, batch: list[tuple[dict[str, Any], datetime]]
) -> list[StoredListing]:
    """``upsert_listing`` for many records of one platform at once, a ``StoredListing`` per record.

    The same rows and price observations as one ``upsert_listing`` per record, in that order, written
    as batch statements (a crawler's batch of items in one transaction): one SELECT each for the
    batch's sellers, listings and last prices, one ``INSERT … ON CONFLICT DO UPDATE`` each for sellers
    and listings (two crawler processes storing the same listing at once do not collide), one INSERT
    for the price observations. A listing whose stored content hash changes loses its ``scored_at``
    (compared in the statement, so a concurrent writer counts too). ORM objects of these rows that the
    session holds are expired, so they read the new values.
    """
    if not batch:
        return []
    session.flush()  # the statements below go past the unit of work: it must be written first
    platform_id = platform_row.id
    keys = [split_listing_id(str(record["id"]), platform_row.name)[1] for record, _ in batch]
    seller_ids, sellers_as_written = _upsert_sellers(session, platform_id, batch)
    stored = _stored_rows(session, _LISTINGS, platform_id, set(keys), _LISTING_COLUMNS)
    rows: dict[str, dict[str, Any]] = {}
    as_written: list[dict[str, Any]] = []  # each record's row as it left it (a later one may rewrite it)
    changes: list[bool] = []
    prices: list[tuple[str, Any, str, datetime]] = []  # (external id, price, currency, seen at)
    for (record, seen_at), key in zip(batch, keys, strict=True):
        row = rows.get(key) or stored.get(key) or _new_row(_LISTINGS, platform_id, key, seen_at)
        digest = content_hash(record)
        changes.append(row["content_hash"] != digest)
        rows[key] = _listing_values(row, record, digest, seen_at, seller_ids.get(_seller_key(record) or ""))
        as_written.append(rows[key])
        prices.append((key, rows[key]["price"], rows[key]["currency"], seen_at))
    ids = _upsert(session, _LISTINGS, rows)
    _expire(session, Listing, ids.values())
    _record_prices(session, [(ids[key], *rest) for key, *rest in prices], known={ids[k] for k in stored})
    return [
        StoredListing(
            id=ids[key],
            changed=changed,
            record=_record(platform_row.name, key, values, sellers_as_written[i]),
        )
        for i, (key, changed, values) in enumerate(zip(keys, changes, as_written, strict=True))
    ]


def _seller_key(record: dict[str, Any]) -> str | None:
    seller = record.get("seller") or {}
    key = seller.get("id") or seller.get("name")
    return str(key) if key else None


def _upsert_sellers(
    session: Session, platform_id: int, batch: list[tuple[dict[str, Any], datetime]]
) -> tuple[dict[str, int], list[dict[str, Any] | None]]:
    """The batch's sellers created or updated (every record in order): their ids by seller key, and
    per record its seller's row as that record left it, with ``blacklisted`` (None: no seller)."""
    keys = {key for record, _ in batch if (key := _seller_key(record))}
    if not keys:
        return {}, [None] * len(batch)
    stored = _stored_rows(session, _SELLERS, platform_id, keys, _SELLER_COLUMNS)
    blacklisted = set(
        session.scalars(
            select(_SELLERS.c.external_id).where(
                _SELLERS.c.platform_id == platform_id,
                _SELLERS.c.external_id.in_(keys),
                _SELLERS.c.blacklisted.is_(True),
            )
        )
    )
    rows: dict[str, dict[str, Any]] = {}
    as_written: list[dict[str, Any] | None] = []
    for record, seen_at in batch:
        key = _seller_key(record)
        if key:
            row = rows.get(key) or stored.get(key) or _new_row(_SELLERS, platform_id, key, seen_at)
            rows[key] = _seller_values(row, record["seller"], seen_at)
            as_written.append(rows[key] | {"blacklisted": key in blacklisted})
        else:
            as_written.append(None)
    ids = _upsert(session, _SELLERS, rows)
    _expire(session, Seller, ids.values())
    return ids, as_written


def _seller_values(row: dict[str, Any], seller: dict[str, Any], seen_at: datetime) -> dict[str, Any]:
    """A seller's row as a listing record seen at ``seen_at`` leaves it (empty fields keep the old)."""
    row = dict(row)
    for field in ("name", "licence", "url"):
        if seller.get(field):
            row[field] = str(seller[field])
    if seller.get("rating") is not None:
        row["rating"] = float(seller["rating"])
    row["opened"] = _as_date(seller.get("opened")) or row["opened"]
    row["last_seen"] = max(row["last_seen"], seen_at)
    return row


def _listing_values(
    row: dict[str, Any], record: dict[str, Any], digest: str, seen_at: datetime, seller_id: int | None
) -> dict[str, Any]:
    """A listing's row as a listing record seen at ``seen_at`` leaves it (absent fields keep the old)."""
    return row | {
        "seller_id": seller_id if seller_id is not None else row["seller_id"],
        "url": record.get("url") or row["url"],
        "title": record["title"],
        "price": record.get("price"),
        "currency": record.get("currency") or "CNY",
        "category": record.get("category") or row["category"],
        "sold": record["sold"] if record.get("sold") is not None else row["sold"],
        "description": record["description"] if record.get("description") is not None else row["description"],
        "images": list(record.get("images") or row["images"] or []),
        "image_hashes": list(record.get("image_hashes") or row["image_hashes"] or []),
        "content_hash": digest,
        "last_seen": max(row["last_seen"], seen_at),
    }


def _new_row(table: Table, platform_id: int, external_id: str, seen_at: datetime) -> dict[str, Any]:
    columns = _SELLER_COLUMNS if table is _SELLERS else _LISTING_COLUMNS
    return dict.fromkeys(columns) | {
        "platform_id": platform_id,
        "external_id": external_id,
        "first_seen": seen_at,
        "last_seen": seen_at,
    }


def _stored_rows(
    session: Session, table: Table, platform_id: int, keys: set[str], columns: tuple[str, ...]
) -> dict[str, dict[str, Any]]:
    """The stored rows of these external ids (platform_id, external_id, first_seen and ``columns``)."""
    names = ("platform_id", "external_id", "first_seen", *columns)
    result = session.execute(
        select(*(table.c[name] for name in names)).where(
            table.c.platform_id == platform_id, table.c.external_id.in_(keys)
        )
    )
    return {row.external_id: dict(row._mapping) for row in result}


def _upsert(session: Session, table: Table, rows: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Upsert rows by (platform_id, external_id); their ids by external id.

    Rows go in external-id order, so two PostgreSQL transactions upserting the same rows lock them in
    the same order (no deadlock)."""
    statement = _upsert_statement(session.get_bind().dialect.name, table)
    result = session.execute(statement, [rows[key] for key in sorted(rows)])
    return {external_id: row_id for external_id, row_id in result}


@cache
def _upsert_statement(dialect: str, table: Table) -> Any:
    """``INSERT … ON CONFLICT (platform_id, external_id) DO UPDATE … RETURNING external_id, id``, built
    once per dialect and table. A listing whose stored content hash changes loses its ``scored_at``."""
    statement = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(table)
    excluded = statement.excluded
    columns = _SELLER_COLUMNS if table is _SELLERS else _LISTING_COLUMNS
    updates: dict[str, Any] = {name: excluded[name] for name in columns}
    if table is _LISTINGS:
        unchanged = table.c.content_hash.is_not_distinct_from(excluded.content_hash)
        updates["scored_at"] = case((unchanged, table.c.scored_at), else_=null())
    return statement.on_conflict_do_update(
        index_elements=["platform_id", "external_id"], set_=updates
    ).returning(table.c.external_id, table.c.id)


def _expire(session: Session, model: type[Any], ids: Iterable[int]) -> None:
    """Expire the session's ORM objects of these rows: a Core statement has just rewritten them."""
    if len(session.identity_map) == 0:
        return
    for row_id in ids:
        obj = session.identity_map.get(identity_key(model, row_id))
        if obj is not None:
            session.expire(obj)


def _record_prices(
    session: Session, observed: list[tuple[int, Any, str, datetime]], *, known: set[int]
) -> None:
    """A price observation for each (listing id, price, currency, seen at) whose price or currency
    differs from the listing's last recorded one; ``known``: the listings that may have a history."""
    last: dict[int, tuple[Any, str]] = {}
    if known:
        history = session.execute(
            select(_PRICES.c.listing_id, _PRICES.c.price, _PRICES.c.currency)
            .where(_PRICES.c.listing_id.in_(known))
            .order_by(_PRICES.c.listing_id, _PRICES.c.observed_at.desc(), _PRICES.c.id.desc())
        )
        for listing_id, price, currency in history:
            last.setdefault(listing_id, (price, currency))
    rows = []
    for listing_id, price, currency, seen_at in observed:
        if price is not None and last.get(listing_id) != (price, currency):
            rows.append(
                {"listing_id": listing_id, "observed_at": seen_at, "price": price, "currency": currency}
            )
            last[listing_id] = (price, currency)
    if rows:
        session.execute(insert(_PRICES), rows)


def _parse_seen_at(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def listing_record(listing: Listing) -> dict[str, Any]:
    """A stored listing as a listing record (docs/formats.md), the form the scorer reads."""
    seller = listing.seller
    return _record(
        listing.platform.name,
        listing.external_id,
        {name: getattr(listing, name) for name in _RECORD_COLUMNS},
        None
        if seller is None
        else {name: getattr(seller, name) for name in ("external_id", *_SELLER_RECORD_COLUMNS)},
    )


_RECORD_COLUMNS = (
    "url", "title", "price", "currency", "category", "sold", "description", "images", "image_hashes",
    "last_seen",
)  # fmt: skip
_SELLER_RECORD_COLUMNS = ("name", "opened", "rating", "licence", "blacklisted")


def _record(
    platform: str, external_id: str, listing: Mapping[str, Any], seller: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The listing record of a listing's and its seller's column values."""
    record: dict[str, Any] = {
        "id": f"{platform}:{external_id}",
        "platform": platform,
        "url": listing["url"],
        "title": listing["title"],
        "price": listing["price"],
        "currency": listing["currency"],
        "category": listing["category"],
        "sold": listing["sold"],
        "description": listing["description"],
        "images": list(listing["images"] or []),
        "image_hashes": list(listing["image_hashes"] or []),
        "seen_at": listing["last_seen"].isoformat(),
    }
    if seller is not None:
        record["seller"] = {
            "id": seller["external_id"],
            "name": seller["name"],
            "opened": seller["opened"].isoformat() if seller["opened"] else None,
            "rating": seller["rating"],
            "licence": seller["licence"],
            "blacklisted": bool(seller["blacklisted"]),
        }
    return record


def listings_needing_score(*, session: Session, after_id: int = 0, limit: int = 500) -> list[Listing]:
    """New or changed listings (unscored since their last material change), in id order, a page at a time."""
    return list(
        session.scalars(
            select(Listing)
            .options(selectinload(Listing.platform), selectinload(Listing.seller))
            .where(Listing.scored_at.is_(None), Listing.id > after_id)
            .order_by(Listing.id)
            .limit(limit)
        )
    )


def count_listings_needing_score(*, session: Session) -> int:
    """How many listings ``listings_needing_score`` would page through."""
    return session.scalar(select(func.count()).select_from(Listing).where(Listing.scored_at.is_(None))) or 0


def export_listing_records(
    *, session: Session, platform: str | None = None, since: datetime | None = None, page: int = 500
) -> Iterable[dict[str, Any]]:
    """Stored listings as listing records (``listing_record``), in id order, a page of rows at a time.

    ``platform``: only that platform's; ``since``: only those seen at or after that moment. Raises
    storage.errors.NotFound for a platform that is not stored.
    """
    from storage.errors import NotFound

    query = select(Listing).options(selectinload(Listing.platform), selectinload(Listing.seller))
    if platform is not None:
        platform_row = session.scalars(select(Platform).where(Platform.name == platform)).one_or_none()
        if platform_row is None:
            raise NotFound(
                f"no platform named {platform!r}; see `markwatch platforms list`",
                key="err.no_platform",
                name=platform,
            )
        query = query.where(Listing.platform_id == platform_row.id)
    if since is not None:
        query = query.where(Listing.last_seen >= since)
    after = 0
    while True:
        rows = list(session.scalars(query.where(Listing.id > after).order_by(Listing.id).limit(page)))
        for row in rows:
            yield listing_record(row)
        if len(rows) < page:
            return
        after = rows[-1].id
        session.expunge_all()  # a long export keeps one page of rows in memory
