"""What is done to a case, for the web page, the API and the command line alike: issue a document (made,
stored in the blob store, listed in the audit trail), transfer the case whole (its leads with it, and the
hand-over document made), and export the case's evidence packet (every lead's packet and the documents,
signed, recorded)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from review.cases.documents import (
    RECIPIENTS,
    HandOver,
    Letterhead,
    PacketRef,
    PlatformNotice,
    document_number,
    render,
)
from review.cases.view import CaseView, case_facts
from review.format import spreadsheet_cell
from review.i18n import label
from settings import Settings
from storage import BlobStore, Database, casework
from storage.errors import MarkwatchError
from storage.models import CaseDocument

POLICE = "公安机关"


class DocumentRefused(MarkwatchError):
    """A document that cannot be made for this case (no listing on that platform, an unknown kind)."""


def default_recipient(view: CaseView, kind: str, platform_title: str | None = None) -> str:
    """Who a document goes to when the reviewer names nobody."""
    if kind == "department":
        return view.case.department or view.suggested_department or "网监分局"
    if kind == "bureau":
        region = view.jurisdictions[0][0] if view.jurisdictions else ""
        return f"{region}市场监督管理局" if region else "有管辖权的市场监督管理局"
    if kind == "police":
        return POLICE
    return f"{platform_title or ''}平台经营者"


def latest_packet(view: CaseView) -> PacketRef | None:
    """The case packet exported last, as the documents name it."""
    for event, _ in reversed(view.events):
        if event.action == "evidence_export" and event.detail.get("sha256"):
            return PacketRef(sha256=event.detail["sha256"], fingerprint=event.detail.get("fingerprint", ""))
    return None


def issue_document(
    session: Session,
    blobs: BlobStore,
    view: CaseView,
    *,
    kind: str,
    recipient: str | None,
    user_id: int | None,
    settings: Settings,
    now: datetime | None = None,
    note: str = "",
) -> CaseDocument:
    """Make a document of the case (``kind``: department, bureau, police, or ``notice:<platform>``) as
    DOCX and PDF, keep both in the blob store and list it in the case's audit trail.
    Raises DocumentRefused for an unknown kind or a platform without listings in the case."""
    now = now or datetime.now(UTC)
    letterhead = Letterhead.from_settings(settings)
    data = view.data()
    local = now.astimezone(ZoneInfo(settings.timezone))
    serial = casework.take_document_serial(session=session, year=local.year)
    spec: HandOver | PlatformNotice
    platform_id = None
    if kind.startswith("notice:"):
        platform = kind.removeprefix("notice:")
        titles = dict(data.platforms)
        if platform not in titles or not any(x.platform == platform for x in data.listings):
            raise DocumentRefused(f"case {view.number} has no listing on platform {platform!r}")
        spec = PlatformNotice(
            platform=platform,
            recipient=(recipient or "").strip() or default_recipient(view, "notice", titles[platform]),
            issued_at=local,
            deadline=local.date() + timedelta(days=settings.notice_response_days),
            number=document_number(letterhead, "platform_notice", local, serial),
            packet=latest_packet(view),
        )
        platform_id = casework.platform_id_by_name(session=session, name=platform)
        recipient_kind = None
        doc_kind = "platform_notice"
        deadline: date | None = spec.deadline
    elif kind in RECIPIENTS:
        spec = HandOver(
            to=kind,  # checked against RECIPIENTS above
            recipient=(recipient or "").strip() or default_recipient(view, kind),
            issued_at=local,
            number=document_number(letterhead, kind, local, serial),
            note=note,
            packet=latest_packet(view),
        )
        recipient_kind, doc_kind, deadline = kind, "handover", None
    else:
        raise DocumentRefused(
            f"no document of kind {kind!r}: one of {', '.join(RECIPIENTS)} or notice:<platform>"
        )
    docx = render(data, spec, letterhead, "docx", settings=settings)
    pdf = render(data, spec, letterhead, "pdf", settings=settings)
    return casework.add_document(
        session=session,
        case_id=view.case.id,
        kind=doc_kind,
        recipient_kind=recipient_kind,
        recipient=spec.recipient[:200],
        platform_id=platform_id,
        number=spec.number,
        issued_at=now,
        deadline=deadline,
        docx_sha256=blobs.put(docx),
        pdf_sha256=blobs.put(pdf),
        user_id=user_id,
        serial=(local.year, serial),
    )


def document_file_name(document: CaseDocument, fmt: str) -> str:
    """``MW-C-<case>-<document>-<kind>.<fmt>``: ASCII, the same from the web app and the packet."""
    what = document.recipient_kind or document.kind
    return f"MW-C-{document.case_id}-{document.id}-{what}.{fmt}"


@dataclass(frozen=True)
class TransferPlan:
    """Which decision each lead of the case takes when the case is transferred whole."""

    action: str  # assign (to a department) or transfer (to a bureau or the police)
    department: str | None


def transfer_plan(to: str, department: str | None, threshold_department: str) -> TransferPlan:
    if to == "department":
        if not department:
            raise DocumentRefused("a hand-over to a department names the department")
        return TransferPlan("assign", department)
    if to == "police":
        return TransferPlan("transfer", department or threshold_department)
    if to == "bureau":
        return TransferPlan("transfer", department)
    raise DocumentRefused(f"a case is transferred to one of {', '.join(RECIPIENTS)}, not {to!r}")


# --- the case packet ----------------------------------------------------------------------------------


def _audit_csv(view: CaseView) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(["时间（UTC）", "操作人", "操作", "操作说明", "备注", "详情（JSON）"])
    for event, name in view.events:
        writer.writerow(
            [
                spreadsheet_cell(cell)
                for cell in (
                    event.at.astimezone(UTC).isoformat(timespec="seconds"),
                    name or (event.detail or {}).get("by") or "系统",
                    event.action,
                    label("case_action", event.action),
                    event.note or "",
                    json.dumps(event.detail or {}, ensure_ascii=False, sort_keys=True),
                )
            ]
        )
    return b"\xef\xbb\xbf" + text.getvalue().encode("utf-8")


def case_packet_file_name(case_id: int, now: datetime, settings: Settings) -> str:
    zone = ZoneInfo(settings.timezone)
    return f"markwatch-case-{case_id}-{now.astimezone(zone).strftime('%Y%m%d-%H%M%S')}.zip"


def export_case_packet(
    db: Database,
    case_id: int,
    *,
    user_name: str,
    settings: Settings,
    now: datetime | None = None,
    via: str = "web",
) -> bytes:
    """The case's sealed evidence packet: every lead's own packet (each one recorded as an export in its
    lead's audit trail), the documents as stored, the case facts and its audit trail; signed with the
    installation key, kept in the blob store and recorded in the case's audit trail.
    Raises storage.errors.NotFound for an unknown case, MarkwatchError when no CJK font is installed."""
    from review.cases.packet import seal_case_packet
    from review.cases.view import load_case
    from review.evidence import build_packet, keys
    from storage.errors import NotFound

    now = now or datetime.now(UTC)
    with db.session() as session:
        view = load_case(session, case_id, scope=None, settings=settings)
        if view is None:
            raise NotFound(f"no case {case_id}; `markwatch cases list` lists the cases")
        facts = case_facts(view)
        lead_ids = [lead.id for lead in view.leads]
        audit = _audit_csv(view)
        documents: list[tuple[str, bytes, dict[str, Any]]] = []
        for document, _ in view.documents:
            for fmt, digest in (("docx", document.docx_sha256), ("pdf", document.pdf_sha256)):
                meta = {
                    "id": document.id,
                    "kind": document.kind,
                    "recipient_kind": document.recipient_kind,
                    "recipient": document.recipient,
                    "number": document.number,
                    "format": fmt,
                }
                documents.append((document_file_name(document, fmt), db.blobs.get(digest), meta))
    lead_packets = [
        (
            lead_id,
            build_packet(db, lead_id, user_name=user_name, now=now, via=f"case-{case_id}", settings=settings),
        )
        for lead_id in lead_ids
    ]
    exported = {
        "by": user_name,
        "via": via,
        "at_utc": now.astimezone(UTC).isoformat(timespec="seconds"),
        "bureau": settings.bureau or None,
    }
    packet, manifest = seal_case_packet(
        case=facts,
        audit_csv=audit,
        lead_packets=lead_packets,
        documents=documents,
        exported=exported,
        now=now,
        settings=settings,
    )
    digest = db.blobs.put(packet)
    with db.session() as session:
        user = casework.user_by_name(session=session, name=user_name)
        casework.record_event(
            session=session,
            case_id=case_id,
            user_id=user.id if user else None,
            action="evidence_export",
            detail={
                "sha256": digest,
                "manifest_sha256": hashlib.sha256(manifest).hexdigest(),
                "fingerprint": keys.fingerprint(settings=settings),
                "via": via,
                "by": user_name,
                "leads": lead_ids,
                "documents": len(documents),
            },
            at=now,
        )
    return packet
