"""Repository functions for listing images: the pictures a crawl fetched for each listing.

The bytes live in the blob store (content-addressed); a row says which listing showed them, from which
address, with which perceptual hash. The crawler's image pipeline writes them; lead pages and evidence
packets read them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from storage.models import ListingImage

_IMAGES: Table = ListingImage.__table__  # type: ignore[assignment]


def record_listing_images(*, session: Session, images: list[dict[str, Any]]) -> None:
    """Store fetched images of listings, one statement for the batch.

    Each dict: ``listing_id``, ``url``, ``sha256``, ``phash``, ``size``, ``seen_at`` (aware datetime),
    ``position`` and optionally ``content_type``, ``width``, ``height``. An image a listing showed before
    (same listing, same bytes) keeps its row: its address, position and ``last_seen`` are updated.
    """
    if not images:
        return
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for image in images:
        rows[(image["listing_id"], image["sha256"])] = {
            "listing_id": image["listing_id"],
            "url": image["url"],
            "sha256": image["sha256"],
            "phash": image["phash"],
            "content_type": image.get("content_type"),
            "size": int(image["size"]),
            "width": image.get("width"),
            "height": image.get("height"),
            "position": int(image.get("position") or 0),
            "first_seen": image["seen_at"],
            "last_seen": image["seen_at"],
        }
    statement = _upsert_statement(session.get_bind().dialect.name)
    session.execute(statement, [rows[key] for key in sorted(rows)])


@cache
def _upsert_statement(dialect: str) -> Any:
    statement = (postgresql_insert if dialect == "postgresql" else sqlite_insert)(_IMAGES)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=["listing_id", "sha256"],
        set_={"url": excluded.url, "position": excluded.position, "last_seen": excluded.last_seen},
    )


def listing_images(*, session: Session, listing_id: int) -> list[ListingImage]:
    """A listing's stored images: those seen last first, then in their order on the page."""
    return list(
        session.scalars(
            select(ListingImage)
            .where(ListingImage.listing_id == listing_id)
            .order_by(ListingImage.last_seen.desc(), ListingImage.position, ListingImage.id)
        )
    )


def listing_image(*, session: Session, listing_id: int, sha256: str) -> ListingImage | None:
    """The stored image of that listing with those bytes, or None (a blob of another listing is not one)."""
    return session.scalars(
        select(ListingImage).where(ListingImage.listing_id == listing_id, ListingImage.sha256 == sha256)
    ).first()


def images_by_listing(*, session: Session, listing_ids: list[int]) -> dict[int, list[ListingImage]]:
    """The stored images of several listings (listing export), in ``listing_images`` order."""
    out: dict[int, list[ListingImage]] = {}
    if not listing_ids:
        return out
    for image in session.scalars(
        select(ListingImage)
        .where(ListingImage.listing_id.in_(listing_ids))
        .order_by(
            ListingImage.listing_id, ListingImage.last_seen.desc(), ListingImage.position, ListingImage.id
        )
    ):
        out.setdefault(image.listing_id, []).append(image)
    return out


def first_images(*, session: Session, listing_ids: list[int]) -> dict[int, str]:
    """Each listing's first stored image (``listing_images`` order) as its sha256, for thumbnails; a
    listing without a stored image is not in the result."""
    return {
        listing_id: images[0].sha256
        for listing_id, images in images_by_listing(session=session, listing_ids=listing_ids).items()
    }
