"""A case's evidence packet: one ZIP holding every lead's sealed packet and the case's documents, signed
like a lead's packet (the same format, key and sealing steps of ``review.evidence.packet``), so that
``markwatch evidence verify`` checks it as it checks a lead's.

Layout (the manifest's ``kind`` is ``case``)::

    manifest.json   format markwatch-evidence/1, kind "case", the case's facts, its leads and documents,
                    and the size and SHA-256 of every other file
    manifest.sig    the Ed25519 signature of manifest.json (as in a lead's packet)
    manifest.tsr    the RFC 3161 trusted timestamp over manifest.json, when MARKWATCH_TSA_URL is set
    public_key.txt
    case.json       the case: shops, listings with price × sold, the sum and the threshold
    audit.csv       the case's audit trail (UTF-8 with BOM)
    leads/MW-<id>.zip          each lead's own sealed packet, verifiable on its own
    documents/<n>-<kind>.<ext> each document issued, DOCX and PDF, as stored
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from review.evidence import keys, timestamp
from review.evidence.packet import (
    FORMAT,
    MANIFEST,
    PUBLIC_KEY,
    SIGNATURE,
    deterministic_zip,
    file_table,
    json_bytes,
    signature_file,
)
from settings import Settings, get_settings, installed_version

KIND = "case"


def lead_file(lead_id: int) -> str:
    return f"leads/MW-{lead_id}.zip"


def seal_case_packet(
    *,
    case: dict[str, Any],
    audit_csv: bytes,
    lead_packets: Sequence[tuple[int, bytes]],
    documents: Sequence[tuple[str, bytes, dict[str, Any]]],
    exported: dict[str, Any],
    now: datetime,
    settings: Settings | None = None,
) -> tuple[bytes, bytes]:
    """The signed ZIP of a case and its manifest's bytes.

    ``documents``: (file name under documents/, bytes, facts for the manifest). ``now`` must be
    timezone-aware: it dates the ZIP's members.
    """
    settings = settings or get_settings()
    key_hex = keys.public_key_hex(settings)
    key_facts = {"algorithm": "Ed25519", "public_key": key_hex, "fingerprint": keys.fingerprint(key_hex)}
    files: list[tuple[str, bytes]] = [
        (PUBLIC_KEY, (key_hex + "\n").encode("ascii")),
        ("case.json", json_bytes(case)),
        ("audit.csv", audit_csv),
    ]
    files += [(lead_file(lead_id), data) for lead_id, data in lead_packets]
    files += [(f"documents/{name}", data) for name, data, _ in documents]
    table = file_table(files)
    digests = {entry["name"]: entry["sha256"] for entry in table}
    manifest = {
        "format": FORMAT,
        "kind": KIND,
        "tool": {"name": "markwatch", "version": installed_version()},
        "exported": exported,
        "case": {key: case[key] for key in ("id", "number", "network_id", "status") if key in case},
        "leads": [
            {"id": lead_id, "file": lead_file(lead_id), "sha256": digests[lead_file(lead_id)]}
            for lead_id, _ in lead_packets
        ],
        "documents": [
            {**facts, "file": f"documents/{name}", "sha256": digests[f"documents/{name}"]}
            for name, _, facts in documents
        ],
        "signature": {**key_facts, "signed_file": MANIFEST, "signature_file": SIGNATURE},
        "files": table,
    }
    manifest_bytes, token = _stamped(manifest, settings)
    signature = keys.sign(manifest_bytes, settings)
    entries = [(MANIFEST, manifest_bytes), (SIGNATURE, signature_file(signature, manifest_bytes))]
    entries += [(timestamp.TOKEN, token)] if token is not None else []
    return deterministic_zip([*entries, *files], now), manifest_bytes


def _stamped(manifest: dict[str, Any], settings: Settings) -> tuple[bytes, bytes | None]:
    """The manifest's bytes and the TSA's token over them (MARKWATCH_TSA_URL), as a lead's packet has:
    the manifest says beforehand which token it gets, and says why when the TSA gave none."""
    plan = timestamp.planned(settings)
    manifest_bytes = json_bytes({**manifest, "timestamp": plan})
    if not plan["token_file"]:
        return manifest_bytes, None
    try:
        return manifest_bytes, timestamp.request_token(manifest_bytes, settings)
    except timestamp.TimestampRefused as refusal:
        return json_bytes({**manifest, "timestamp": timestamp.refused(plan, str(refusal))}), None
