"""Retention: which snapshots and listing images may be pruned, and which blobs must be kept.

Only what belongs to the listings of dismissed leads, older than the retention period, is ever pruned:
their snapshots (page, screenshot and web-archive blobs) and their stored images. Never those of
confirmed, escalated or transferred leads, and never a blob that an evidence packet references or that
anything kept still shares (blobs are content-addressed, so bytes can be shared).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage.models import EvidenceBlob, Lead, LeadStatus, ListingImage, OfficialImage, Snapshot

SNAPSHOT_BLOBS = (Snapshot.html_sha256, Snapshot.screenshot_sha256, Snapshot.warc_sha256)
# every column that names a blob: a blob any of them still names is kept
BLOB_REFERENCES: tuple[InstrumentedAttribute[str | None] | InstrumentedAttribute[str], ...] = (
    *SNAPSHOT_BLOBS,
    ListingImage.sha256,
    EvidenceBlob.sha256,
    OfficialImage.sha256,
)


@dataclass
class Pruned:
    snapshots: int = 0
    images: int = 0
    orphans: list[str] = field(default_factory=list)  # blobs nothing references any more: delete them


def _outside_packets(
    column: InstrumentedAttribute[str | None] | InstrumentedAttribute[str],
) -> ColumnElement[bool]:
    # NULL-safe: NOT IN never holds for NULL
    return or_(column.is_(None), column.not_in(select(EvidenceBlob.sha256)))


def prune_dismissed(*, session: Session, older_than: datetime) -> Pruned:
    """Delete the prunable snapshot and listing-image rows; name the blobs nothing references any more."""
    dismissed_listings = select(Lead.listing_id).where(Lead.status == LeadStatus.dismissed)
    snapshots = list(
        session.scalars(
            select(Snapshot).where(
                Snapshot.listing_id.in_(dismissed_listings),
                Snapshot.fetched_at < older_than,
                *(_outside_packets(column) for column in SNAPSHOT_BLOBS),  # a packet's snapshot stays whole
            )
        )
    )
    images = list(
        session.scalars(
            select(ListingImage).where(
                ListingImage.listing_id.in_(dismissed_listings),
                ListingImage.last_seen < older_than,
                _outside_packets(ListingImage.sha256),
            )
        )
    )
    candidates = {
        sha for s in snapshots for sha in (s.html_sha256, s.screenshot_sha256, s.warc_sha256) if sha
    }
    candidates |= {image.sha256 for image in images}
    for row in (*snapshots, *images):
        session.delete(row)
    session.flush()
    shas = sorted(candidates)
    kept: set[str | None] = set()
    for column in BLOB_REFERENCES:
        kept |= set(session.scalars(select(column).where(column.in_(shas))))
    return Pruned(len(snapshots), len(images), [sha for sha in shas if sha not in kept])
