"""Retention: which snapshots may be pruned, and which blobs must be kept.

Only the snapshots of dismissed leads, older than the retention period, are ever pruned; never those of
confirmed, escalated or transferred leads, and never a blob that an evidence packet references or that
another kept snapshot or official image shares (blobs are content-addressed, so bytes can be shared).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.models import EvidenceBlob, Lead, LeadStatus, OfficialImage, Snapshot


def prune_dismissed_snapshots(*, session: Session, older_than: datetime) -> tuple[int, list[str]]:
    """Delete the prunable snapshot rows; returns (rows deleted, blobs no longer referenced by anything)."""
    dismissed_listings = select(Lead.listing_id).where(Lead.status == LeadStatus.dismissed)
    in_packets = select(EvidenceBlob.sha256)
    doomed = list(
        session.scalars(
            select(Snapshot).where(
                Snapshot.listing_id.in_(dismissed_listings),
                Snapshot.fetched_at < older_than,
                # a packet's snapshot stays whole, row and blobs (NULL-safe: NOT IN never holds for NULL)
                or_(Snapshot.html_sha256.is_(None), Snapshot.html_sha256.not_in(in_packets)),
                or_(Snapshot.screenshot_sha256.is_(None), Snapshot.screenshot_sha256.not_in(in_packets)),
            )
        )
    )
    candidate_blobs = {sha for s in doomed for sha in (s.html_sha256, s.screenshot_sha256) if sha is not None}
    for snapshot in doomed:
        session.delete(snapshot)
    session.flush()
    if not candidate_blobs:
        return len(doomed), []
    shas = sorted(candidate_blobs)
    kept = set(session.scalars(select(Snapshot.html_sha256).where(Snapshot.html_sha256.in_(shas))))
    kept |= set(
        session.scalars(select(Snapshot.screenshot_sha256).where(Snapshot.screenshot_sha256.in_(shas)))
    )
    kept |= set(session.scalars(select(EvidenceBlob.sha256).where(EvidenceBlob.sha256.in_(shas))))
    kept |= set(session.scalars(select(OfficialImage.sha256).where(OfficialImage.sha256.in_(shas))))
    return len(doomed), [sha for sha in shas if sha not in kept]
