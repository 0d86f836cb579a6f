"""A lead's evidence captures as the lead page shows them (``review/templates/_captures.html``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from review.i18n import MESSAGES
from storage.captures import lead_captures, pending_captures
from storage.models import Lead


def captures_context(session: Session, lead: Lead) -> dict[str, Any]:
    """What the lead page's captures partial (``_captures.html``) shows: every evidence capture, newest
    first, each with its failure code (translated there) and detail; and how many are waiting."""
    found = lead_captures(session=session, lead_id=lead.id)
    rows = sorted([*found.successful, *found.failed], key=lambda s: (s.fetched_at, s.id), reverse=True)
    shown = []
    for s in rows:
        code, _, detail = (s.failed_reason or "").partition(":")
        key = f"capture.reason.{code.strip()}"
        shown.append(
            {
                "snapshot": s,
                "code": code.strip() or None,
                "reason_key": key if key in MESSAGES else None,
                "detail": detail.strip()[:300] or None,
            }
        )
    return {
        "captures": shown,
        "captures_pending": len(pending_captures(session=session, lead_id=lead.id)),
    }
