"""Repository functions for evidence packets: what a packet is built from, and the record of an export.

An export is recorded three ways in one unit of work: an ``EvidencePacket`` row (the ZIP's and the
manifest's sha256, the signing key), one ``EvidenceBlob`` row per blob the packet references (retention
must never delete those: ``protected_blobs``), and an append-only ``ReviewEvent`` with action
``evidence_export`` in the lead's audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from storage.models import (
    EvidenceBlob,
    EvidencePacket,
    Lead,
    Listing,
    PriceObservation,
    ReviewEvent,
    Snapshot,
    User,
    utcnow,
)

EXPORT_ACTION = "evidence_export"


def get_lead_for_evidence(*, session: Session, lead_id: int) -> Lead | None:
    """The lead with its listing, platform, seller, brand and score loaded; None when there is none."""
    return session.scalars(
        select(Lead)
        .where(Lead.id == lead_id)
        .options(
            selectinload(Lead.listing).selectinload(Listing.platform),
            selectinload(Lead.listing).selectinload(Listing.seller),
            selectinload(Lead.brand),
            selectinload(Lead.score),
        )
    ).one_or_none()


def listing_snapshots(*, session: Session, listing_id: int) -> list[Snapshot]:
    """Every snapshot of a listing, oldest first (the order their packet files are numbered in)."""
    return list(
        session.scalars(
            select(Snapshot)
            .where(Snapshot.listing_id == listing_id)
            .order_by(Snapshot.fetched_at, Snapshot.id)
        )
    )


def price_history(*, session: Session, listing_id: int) -> list[PriceObservation]:
    """A listing's price observations, oldest first."""
    return list(
        session.scalars(
            select(PriceObservation)
            .where(PriceObservation.listing_id == listing_id)
            .order_by(PriceObservation.observed_at, PriceObservation.id)
        )
    )


def audit_trail(*, session: Session, lead_id: int) -> list[tuple[ReviewEvent, str | None]]:
    """A lead's review events, oldest first, each with the name of the user who made it (or None)."""
    rows = session.execute(
        select(ReviewEvent, User.name)
        .outerjoin(User, User.id == ReviewEvent.user_id)
        .where(ReviewEvent.lead_id == lead_id)
        .order_by(ReviewEvent.at, ReviewEvent.id)
    )
    return [(event, name) for event, name in rows]


def user_id_by_name(*, session: Session, name: str) -> int | None:
    return session.scalar(select(User.id).where(User.name == name))


def is_active_user(*, session: Session, name: str) -> bool:
    """Whether a user of that name exists and is not disabled."""
    return session.scalar(select(User.id).where(User.name == name, User.disabled.is_(False))) is not None


def record_export(
    *,
    session: Session,
    lead_id: int,
    user_name: str,
    zip_sha256: str,
    manifest_sha256: str,
    public_key: str,
    blobs: Iterable[str],
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> EvidencePacket:
    """Record one export: the packet row, the blobs it protects, and the audit event. Returns the packet."""
    at = at or utcnow()
    user_id = user_id_by_name(session=session, name=user_name)
    packet = EvidencePacket(
        lead_id=lead_id,
        user_id=user_id,
        created_at=at,
        sha256=zip_sha256,
        manifest_sha256=manifest_sha256,
        public_key=public_key,
    )
    packet.blobs = [EvidenceBlob(sha256=digest) for digest in sorted(set(blobs))]
    session.add(packet)
    session.flush()
    session.add(
        ReviewEvent(
            lead_id=lead_id,
            user_id=user_id,
            at=at,
            action=EXPORT_ACTION,
            note=None,
            detail={
                "packet_id": packet.id,
                "by": user_name,
                "sha256": zip_sha256,
                "manifest_sha256": manifest_sha256,
                **(detail or {}),
            },
        )
    )
    session.flush()
    return packet


def list_packets(*, session: Session, lead_id: int) -> list[EvidencePacket]:
    """The packets exported for a lead, newest first."""
    return list(
        session.scalars(
            select(EvidencePacket)
            .where(EvidencePacket.lead_id == lead_id)
            .order_by(EvidencePacket.created_at.desc(), EvidencePacket.id.desc())
        )
    )


def protected_blobs(*, session: Session) -> set[str]:
    """Every blob digest that some evidence packet references: retention must never delete these."""
    return set(session.scalars(select(EvidenceBlob.sha256).distinct()))
