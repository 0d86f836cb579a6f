"""Repository functions for the brand registry."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from storage.models import (
    AuthorizedSeller,
    Brand,
    BrandPolicy,
    BrandStatus,
    Mark,
    OfficialImage,
    Registration,
)


@dataclass(frozen=True)
class ImageRecord:
    source_path: str  # relative to the registry file, as written there
    sha256: str
    phash: str


def _brand_query() -> Select[Brand]:
    return select(Brand).options(
        selectinload(Brand.marks),
        selectinload(Brand.registrations),
        selectinload(Brand.policy),
        selectinload(Brand.authorized_sellers),
        selectinload(Brand.official_images),
    )


def get_brand(*, session: Session, name: str) -> Brand | None:
    return session.scalars(_brand_query().where(Brand.name == name)).one_or_none()


def list_brands(*, session: Session, status: str | None = None) -> list[Brand]:
    """Brands with everything registered for them, ordered by name."""
    query = _brand_query().order_by(Brand.name)
    if status is not None:
        query = query.where(Brand.status == status)
    return list(session.scalars(query))


def upsert_brand(
    *,
    session: Session,
    name: str,
    owner: str | None,
    aliases: Sequence[str],
    registrations: Sequence[tuple[str | None, int] | tuple[str | None, int, bool]],  # + international
    categories: Sequence[str],
    price_floor: float | None,
    authorized_sellers: Sequence[str],
    official_images: Sequence[ImageRecord],
    status: str = BrandStatus.approved,
    submitted_by_id: int | None = None,
) -> tuple[Brand, bool]:
    """Create the brand or replace what is registered for it in place; returns (brand, created)."""
    brand = get_brand(session=session, name=name)
    created = brand is None
    if brand is None:
        brand = Brand(name=name, status=status, submitted_by_id=submitted_by_id)
        session.add(brand)
    brand.owner = owner
    brand.categories = list(categories)
    # Replace child rows by comparing values, so an unchanged re-import leaves ids and rows alone.
    _sync(
        brand.marks,
        [("primary", name)] + [("alias", a) for a in aliases],
        key=lambda m: (m.kind, m.text),
        make=lambda k, i: Mark(kind=k[0], text=k[1], position=i),
        session=session,
    )
    _sync(
        brand.registrations,
        [(r[0], r[1], bool(r[2]) if len(r) > 2 else False) for r in registrations],
        key=lambda r: (r.number, r.nice_class, r.international),
        make=lambda k, i: Registration(number=k[0], nice_class=k[1], international=k[2], position=i),
        session=session,
    )
    _sync(
        brand.authorized_sellers,
        list(authorized_sellers),
        key=lambda s: s.name,
        make=lambda k, i: AuthorizedSeller(name=k, position=i),
        session=session,
    )
    _sync(
        brand.official_images,
        [(im.source_path, im.sha256, im.phash) for im in official_images],
        key=lambda im: (im.source_path, im.sha256, im.phash),
        make=lambda k, i: OfficialImage(source_path=k[0], sha256=k[1], phash=k[2], position=i),
        session=session,
    )
    if brand.policy is None:
        brand.policy = BrandPolicy(price_floor=price_floor)
    else:
        brand.policy.price_floor = price_floor
    session.flush()
    return brand, created


def _sync(collection, wanted, *, key, make, session) -> None:  # type: ignore[no-untyped-def]
    existing = {key(row): row for row in collection}
    keep = []
    for position, k in enumerate(wanted):
        row = existing.pop(k, None) or make(k, position)
        row.position = position
        keep.append(row)
    for stale in existing.values():
        session.delete(stale)
    collection[:] = keep


def set_brand_status(
    *, session: Session, brand: Brand, status: str, decided_by_id: int | None, note: str | None
) -> None:
    brand.status = status
    brand.decided_by_id = decided_by_id
    brand.decision_note = note


def count_brands(*, session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Brand)) or 0
