"""review.evidence: sealed evidence packets — build (ZIP + manifest + Chinese PDF report), sign with the
installation's Ed25519 key, verify, and record each export in the lead's audit trail.

Owns ``review/evidence/``; the format is the contract of docs/evidence.md. May import storage,
settings, ``review.uscc`` and ``review.i18n`` (the one place for the names of statuses, violations and
actions); all SQL goes through ``storage.evidence``. reportlab is imported only when a report is built.
"""

from __future__ import annotations

from review.evidence.keys import fingerprint, public_key_hex
from review.evidence.packet import FORMAT, build_packet
from review.evidence.verify import VerifyReport, verify_packet

__all__ = ["FORMAT", "VerifyReport", "build_packet", "fingerprint", "public_key_hex", "verify_packet"]
