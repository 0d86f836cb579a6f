"""Repository functions for the work on a case (案件线索): its append-only audit trail, the reviewer's
confirmation, split, merge and transfer, the documents issued, the platforms' responses, and the
notices past their deadline.

The network side (members, edges, merges) is ``storage.networks``; a reviewer's merge and split go
through it, so a case's sellers are always its network's members:

- a merge joins two cases' networks with a ``reviewer`` edge (the reviewer's judgment is evidence, and
  it is kept when networks are recomputed); ``assign_networks`` then keeps the larger network's id, so
  the larger case carries on and the other is marked merged — as when evidence merges two networks;
- a split drops the edges between the sellers split off and the rest and records those pairs as severed
  (``network_severances``): ``storage.networks.save_edges`` never stores evidence between a severed pair
  again, so recomputing the networks does not undo the reviewer's split.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.errors import MarkwatchError
from storage.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseStatus,
    DocumentSerial,
    NetworkEdge,
    NetworkSeverance,
    Platform,
    PlatformResponse,
    Snapshot,
    User,
    utcnow,
)
from storage.networks import Edge, assign_networks, case_seller_ids, members_of, save_edges

RESPONSES = ("removed", "refused", "no_answer")
ANSWERED = ("removed", "refused")  # a notice with one of these is answered; no_answer keeps it overdue
REVIEWER_EDGE = "reviewer"  # the kind of edge a reviewer's merge adds


class CaseRefused(MarkwatchError):
    """A case action its state does not allow (a merged or transferred case, a split of everything)."""


def record_event(
    *,
    session: Session,
    case_id: int,
    user_id: int | None,
    action: str,
    note: str | None = None,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> CaseEvent:
    """Append one event to a case's audit trail."""
    event = CaseEvent(
        case_id=case_id,
        user_id=user_id,
        at=at or utcnow(),
        action=action,
        note=(note or "").strip() or None,
        detail=dict(detail or {}),
    )
    session.add(event)
    session.flush()
    return event


def case_events(*, session: Session, case_id: int) -> list[tuple[CaseEvent, str | None]]:
    """A case's audit trail in commit order, with the name of whoever acted (None: the system)."""
    statement = (
        select(CaseEvent, User.name)
        .outerjoin(User, User.id == CaseEvent.user_id)
        .where(CaseEvent.case_id == case_id)
        .order_by(CaseEvent.id)
    )
    return [(event, name) for event, name in session.execute(statement)]


def _open(case: Case) -> None:
    if case.status in (CaseStatus.merged, CaseStatus.transferred, CaseStatus.closed):
        raise CaseRefused(f"case {case.id} is {case.status}: it takes no more decisions")


def confirm_case(*, session: Session, case: Case, user_id: int | None, note: str | None = None) -> CaseEvent:
    """The reviewer confirms that the case's shops are one operation. Raises CaseRefused unless open."""
    if case.status != CaseStatus.open:
        raise CaseRefused(f"case {case.id} is {case.status}, not open: only an open case is confirmed")
    case.status = CaseStatus.confirmed
    case.updated_at = utcnow()
    return record_event(
        session=session,
        case_id=case.id,
        user_id=user_id,
        action="confirm",
        note=note,
        detail={"to": "confirmed"},
    )


def transfer_case(
    *,
    session: Session,
    case: Case,
    user_id: int | None,
    to: str,
    recipient: str,
    department: str | None,
    note: str,
    leads: Sequence[int] = (),
    detail: dict[str, Any] | None = None,
) -> CaseEvent:
    """The case handed over whole: to a department (it stays open there), a bureau or the police (it is
    transferred). ``leads``: the leads moved with it (the caller decided them). Raises CaseRefused."""
    _open(case)
    if not note.strip():
        raise CaseRefused("a transfer needs a note saying why")
    was = case.status
    if department:
        case.department = department
    if to != "department":
        case.status = CaseStatus.transferred
    case.updated_at = utcnow()
    return record_event(
        session=session,
        case_id=case.id,
        user_id=user_id,
        action="transfer",
        note=note,
        detail={
            "to": to,
            "recipient": recipient,
            "department": department,
            "from": was,
            "status": case.status,
            "leads": list(leads),
            **(detail or {}),
        },
    )


@dataclass(frozen=True)
class MergeOutcome:
    into: Case  # the case that carries on (the larger network's)
    merged: Case  # the case marked merged


def merge_cases(*, session: Session, case: Case, other: Case, user_id: int | None, note: str) -> MergeOutcome:
    """Merge two cases: their networks joined by a ``reviewer`` edge; the larger carries on (its id
    kept, as when evidence merges networks) and the other is marked merged. Audited on both.
    Raises CaseRefused for a case merged or transferred already, a case with itself, or no note."""
    if case.id == other.id:
        raise CaseRefused("a case cannot be merged with itself")
    _open(case)
    _open(other)
    if not note.strip():
        raise CaseRefused("a merge needs a note saying why the two are one operation")
    mine = case_seller_ids(session=session, case_id=case.id)
    theirs = case_seller_ids(session=session, case_id=other.id)
    if not mine or not theirs:
        raise CaseRefused("a case without sellers cannot be merged")
    now = utcnow()
    save_edges(
        session=session,
        edges=[
            Edge(
                seller_a_id=mine[0],
                seller_b_id=theirs[0],
                kind=REVIEWER_EDGE,
                strength="strong",
                values=(f"MW-C-{case.id}+MW-C-{other.id}",),
            )
        ],
        now=now,
    )
    assign_networks(session=session, groups=[set(mine) | set(theirs)], now=now)
    session.refresh(case)
    session.refresh(other)
    into, merged = (case, other) if case.status != CaseStatus.merged else (other, case)
    merged.status = CaseStatus.merged  # the network's merge marked it; said again for a tie
    detail = {"into": into.id, "merged": merged.id, "sellers": len(mine) + len(theirs)}
    for target in (into, merged):
        record_event(
            session=session,
            case_id=target.id,
            user_id=user_id,
            action="merge",
            note=note,
            detail=detail,
            at=now,
        )
    return MergeOutcome(into=into, merged=merged)


@dataclass(frozen=True)
class SplitOutcome:
    kept: Case  # the case split: it keeps the part that kept its network (the larger one)
    new: Case | None  # the other part's case (None when that part is a single shop: no network)


def split_case(
    *, session: Session, case: Case, seller_ids: Collection[int], user_id: int | None, note: str
) -> SplitOutcome:
    """Split sellers off a case: the edges between them and the rest dropped and the pairs severed
    (never joined again by evidence), the two parts regrouped; the larger part keeps the case.
    Audited on both cases. Raises CaseRefused for sellers not in the case, all of them, or no note."""
    _open(case)
    if not note.strip():
        raise CaseRefused("a split needs a note saying why the shops are not one operation")
    members = set(case_seller_ids(session=session, case_id=case.id))
    part = set(seller_ids)
    if not part or not part <= members:
        raise CaseRefused(f"the sellers to split off must be sellers of case {case.id}")
    rest = members - part
    if not rest:
        raise CaseRefused("a split leaves some sellers in the case: choose fewer")
    now = utcnow()
    pairs = {(min(a, b), max(a, b)) for a in part for b in rest}
    _drop_all_edges(session, pairs)  # a reviewer's merge edge too: the reviewer now says otherwise
    for a, b in sorted(pairs):
        session.add(NetworkSeverance(seller_a_id=a, seller_b_id=b, at=now, user_id=user_id))
    session.flush()
    assign_networks(session=session, groups=[rest, part], affected=[case.network_id], now=now)
    session.refresh(case)
    cases = {c.id: c for c in (_case_of_sellers(session, rest), _case_of_sellers(session, part)) if c}
    if case.id not in cases:  # neither part is two shops or more: the network is gone, and its case
        case.status = CaseStatus.closed
        case.updated_at = now
    new = next((c for c in cases.values() if c.id != case.id), None)
    detail = {
        "case": case.id,
        "new": new.id if new is not None else None,
        "split_off": sorted(part),
        "remaining": sorted(rest),
    }
    for target in [case, *([new] if new is not None else [])]:
        record_event(
            session=session,
            case_id=target.id,
            user_id=user_id,
            action="split",
            note=note,
            detail=detail,
            at=now,
        )
    return SplitOutcome(kept=case, new=new)


def _drop_all_edges(session: Session, pairs: Collection[tuple[int, int]]) -> None:
    """Every edge between these pairs, of every kind (storage.networks.drop_edges keeps reviewer edges)."""
    from sqlalchemy import delete, tuple_

    from storage.networks import _chunks

    for batch in _chunks(sorted(pairs)):
        session.execute(
            delete(NetworkEdge).where(tuple_(NetworkEdge.seller_a_id, NetworkEdge.seller_b_id).in_(batch))
        )


def _case_of_sellers(session: Session, sellers: Collection[int]) -> Case | None:
    from storage.networks import networks_of

    networks = set(networks_of(session=session, seller_ids=sellers).values())
    if len(networks) != 1:
        return None
    return session.scalar(select(Case).where(Case.network_id == networks.pop()))


def network_members(*, session: Session, network_id: int) -> set[int]:
    return members_of(session=session, network_ids=[network_id]).get(network_id, set())


# --- documents and responses ----------------------------------------------------------------------------


def take_document_serial(*, session: Session, year: int) -> int:
    """The next serial number of the year's documents (文号), 1 for the first, taken for good: the year's
    counter moves on in this transaction, so a serial is never given again, not after its document is
    deleted, and two transactions taking one at once get two (the second waits for the first to end)."""
    bump = (
        update(DocumentSerial)
        .where(DocumentSerial.year == year)
        .values(last=DocumentSerial.last + 1)
        .returning(DocumentSerial.last)
    )
    taken = session.scalar(bump)
    if taken is not None:
        return int(taken)
    try:
        with session.begin_nested():
            session.add(DocumentSerial(year=year, last=1))
        return 1
    except IntegrityError:  # another transaction started the year's counter first
        return int(session.scalars(bump).one())


def add_document(
    *,
    session: Session,
    case_id: int,
    kind: str,
    recipient_kind: str | None,
    recipient: str,
    platform_id: int | None,
    number: str,
    issued_at: datetime,
    deadline: date | None,
    docx_sha256: str,
    pdf_sha256: str,
    user_id: int | None,
    serial: tuple[int, int] | None = None,
) -> CaseDocument:
    """Keep an issued document (its blobs are in the blob store) and list it in the case's audit trail.
    ``serial``: the (year, serial) of its number, from ``take_document_serial``; the database refuses a
    second document with the same."""
    document = CaseDocument(
        case_id=case_id,
        kind=kind,
        recipient_kind=recipient_kind,
        recipient=recipient,
        platform_id=platform_id,
        number=number,
        serial_year=serial[0] if serial else None,
        serial=serial[1] if serial else None,
        issued_at=issued_at,
        deadline=deadline,
        docx_sha256=docx_sha256,
        pdf_sha256=pdf_sha256,
        user_id=user_id,
    )
    session.add(document)
    session.flush()
    record_event(
        session=session,
        case_id=case_id,
        user_id=user_id,
        action="document",
        detail={
            "document": document.id,
            "kind": kind,
            "recipient_kind": recipient_kind,
            "recipient": recipient,
            "number": number,
            "deadline": deadline.isoformat() if deadline else None,
            "docx_sha256": docx_sha256,
            "pdf_sha256": pdf_sha256,
        },
        at=issued_at,
    )
    return document


def case_documents(*, session: Session, case_id: int) -> list[CaseDocument]:
    """The documents of a case, in the order they were issued."""
    statement = (
        select(CaseDocument)
        .where(CaseDocument.case_id == case_id)
        .order_by(CaseDocument.issued_at, CaseDocument.id)
    )
    return list(session.scalars(statement))


def get_document(*, session: Session, document_id: int) -> CaseDocument | None:
    return session.get(CaseDocument, document_id)


def record_response(
    *,
    session: Session,
    document: CaseDocument,
    outcome: str,
    responded_at: datetime,
    user_id: int | None,
    note: str | None = None,
) -> PlatformResponse:
    """What the platform did about a notice, and when; listed in the case's audit trail.
    Raises CaseRefused for an outcome not in RESPONSES or a document that is no platform notice."""
    if outcome not in RESPONSES:
        raise CaseRefused(f"a platform response is one of {', '.join(RESPONSES)}, not {outcome!r}")
    if document.kind != "platform_notice":
        raise CaseRefused(f"document {document.id} is not a platform notice")
    if responded_at.tzinfo is None:
        raise ValueError("record_response: responded_at must be timezone-aware")
    response = PlatformResponse(
        document_id=document.id,
        outcome=outcome,
        responded_at=responded_at,
        user_id=user_id,
        note=(note or "").strip() or None,
    )
    session.add(response)
    session.flush()
    record_event(
        session=session,
        case_id=document.case_id,
        user_id=user_id,
        action="platform_response",
        note=note,
        detail={
            "document": document.id,
            "number": document.number,
            "outcome": outcome,
            "responded_at": responded_at.isoformat(),
        },
    )
    return response


def responses_of(*, session: Session, document_ids: Collection[int]) -> dict[int, list[PlatformResponse]]:
    """document id → its responses, oldest first."""
    found: dict[int, list[PlatformResponse]] = {}
    if not document_ids:
        return found
    statement = (
        select(PlatformResponse)
        .where(PlatformResponse.document_id.in_(sorted(document_ids)))
        .order_by(PlatformResponse.responded_at, PlatformResponse.id)
    )
    for response in session.scalars(statement):
        found.setdefault(response.document_id, []).append(response)
    return found


def overdue_notices(*, session: Session, today: date) -> list[CaseDocument]:
    """Platform notices whose deadline has passed (before ``today``) with no answer recorded (removed or
    refused; a recorded "no answer" keeps a notice overdue), oldest deadline first."""
    answered = select(PlatformResponse.document_id).where(PlatformResponse.outcome.in_(ANSWERED))
    statement = (
        select(CaseDocument)
        .where(
            CaseDocument.kind == "platform_notice",
            CaseDocument.deadline.is_not(None),
            CaseDocument.deadline < today,
            CaseDocument.id.not_in(answered),
        )
        .order_by(CaseDocument.deadline, CaseDocument.id)
    )
    return list(session.scalars(statement))


def document_blobs(*, session: Session) -> set[str]:
    """Every blob a case document is stored as: kept for good."""
    rows = session.execute(select(CaseDocument.docx_sha256, CaseDocument.pdf_sha256))
    return {digest for pair in rows for digest in pair}


def snapshots_by_ids(*, session: Session, ids: Collection[int]) -> dict[int, Snapshot]:
    """The snapshots with these ids (an edge's evidence), by id."""
    if not ids:
        return {}
    return {s.id: s for s in session.scalars(select(Snapshot).where(Snapshot.id.in_(sorted(ids))))}


def listings_snapshots(*, session: Session, listing_ids: Collection[int]) -> dict[int, list[Snapshot]]:
    """listing id → its snapshots, oldest first (the evidence hashes a document lists)."""
    found: dict[int, list[Snapshot]] = {}
    if not listing_ids:
        return found
    statement = (
        select(Snapshot)
        .where(Snapshot.listing_id.in_(sorted(listing_ids)))
        .order_by(Snapshot.fetched_at, Snapshot.id)
    )
    for snapshot in session.scalars(statement):
        found.setdefault(snapshot.listing_id, []).append(snapshot)
    return found


def platform_id_by_name(*, session: Session, name: str) -> int | None:
    return session.scalar(select(Platform.id).where(Platform.name == name))


def user_by_name(*, session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name))


def surviving_case(*, session: Session, case: Case) -> Case | None:
    """For a merged case, the case that carries its sellers on now (following the networks' merges)."""
    from storage.networks import current_network

    if case.status != CaseStatus.merged:
        return None
    network_id = current_network(session=session, network_id=case.network_id)
    found = session.scalar(select(Case).where(Case.network_id == network_id))
    return found if found is not None and found.id != case.id else None
