"""Queue search: filtered, paged queue views of leads, the free-text search through the full-text
indexes, the facet counts and the values the filter menus offer.

Queue queries lean on the lead indexes of storage.models (status+risk, brand+last_flagged_at,
platform+last_flagged_at, last_flagged_at). A brand owner's scope is a list of brand ids passed as
``scope``; ``None`` means every brand. A lead outside the scope is simply not found.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Select,
    String,
    and_,
    bindparam,
    column,
    false,
    func,
    literal_column,
    or_,
    select,
    table,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.sqltypes import NullType

from storage.models import Brand, BrandStatus, Lead, LeadStatus, Listing, Platform, Score, Seller, User

OPEN_STATUSES = (LeadStatus.new.value, LeadStatus.in_review.value, LeadStatus.escalated.value)
FACETS = ("platform", "brand", "violation", "department", "status")


@dataclass(frozen=True)
class QueueFilter:
    """What a queue view shows. ``status`` is a status, "open" (new, in review, escalated) or "all"."""

    platform: str | None = None
    brand: str | None = None
    violation: str | None = None
    department: str | None = None
    status: str = "open"
    risk_min: float | None = None
    risk_max: float | None = None
    flagged_from: datetime | None = None  # UTC, inclusive
    flagged_to: datetime | None = None  # UTC, exclusive
    since: datetime | None = None  # "since the last visit": last flagged at or after
    text: str | None = None
    scope: tuple[int, ...] | None = None  # brand ids a brand owner may see; None = all
    assignee_id: int | None = None  # "mine": the leads claimed by or assigned to this user
    lead_ids: tuple[int, ...] | None = None  # set by resolve_text: the leads the free text matched
    platform_id: int | None = None  # set by resolve_text: the named platform's and brand's ids
    brand_id: int | None = None  # (-1 when no such name), so the planner sees plain values


@dataclass(frozen=True)
class QueueRow:
    id: int
    risk: float
    status: str
    violation: str | None
    department: str | None
    brand: str | None
    platform: str
    title: str
    url: str | None
    price: float | None
    currency: str
    sold: int | None
    seller: str | None
    seller_blacklisted: bool
    last_flagged_at: datetime
    transfer_review: bool
    version: int = 1  # what a decision on it names (storage.decisions)
    top_reason: dict[str, Any] | None = None  # the heaviest of the score's reasons: {signal, weight, detail}
    first_flagged_at: datetime | None = None
    listing_id: int = 0
    seller_id: int | None = None
    assignee: str | None = None  # the name of who claimed it or was assigned it


@dataclass
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _id_of(model: Any, name: str, resolved: int | None) -> Any:
    """The id resolve_text found, else a subquery by name."""
    return resolved if resolved is not None else select(model.id).where(model.name == name).scalar_subquery()


def _conditions(f: QueueFilter, skip: str | None = None, *, scan: bool = False) -> tuple[list[Any], bool]:
    """WHERE clauses of a filter (leaving out facet ``skip``) and whether they need the listing join.

    ``scan``: the query reads most of the leads anyway (facet counts), so the risk range is written so
    that no index is chosen for it (``risk + 0``) and the covering index is scanned instead of the
    status+risk index with a table lookup per row.
    """
    where: list[Any] = []
    risk = Lead.risk + 0 if scan else Lead.risk
    if f.scope is not None:
        where.append(Lead.brand_id.in_(f.scope) if f.scope else Lead.id < 0)
    if f.assignee_id is not None:
        where.append(Lead.assignee_id == f.assignee_id)
    if f.platform and skip != "platform":
        where.append(Lead.platform_id == _id_of(Platform, f.platform, f.platform_id))
    if f.brand and skip != "brand":
        where.append(Lead.brand_id == _id_of(Brand, f.brand, f.brand_id))
    if f.violation and skip != "violation":
        where.append(Lead.violation == f.violation)
    if f.department and skip != "department":
        where.append(Lead.department == f.department)
    if skip != "status":
        if f.status == "open":
            where.append(Lead.status.in_(OPEN_STATUSES))
        elif f.status and f.status != "all":
            where.append(Lead.status == f.status)
    if f.risk_min is not None:
        where.append(risk >= f.risk_min)
    if f.risk_max is not None:
        where.append(risk <= f.risk_max)
    if f.flagged_from is not None:
        where.append(Lead.last_flagged_at >= f.flagged_from)
    if f.flagged_to is not None:
        where.append(Lead.last_flagged_at < f.flagged_to)
    if f.since is not None:
        where.append(Lead.last_flagged_at >= f.since)
    needs_listing = False
    if f.lead_ids is not None:  # the free text, resolved once by resolve_text
        where.append(_LeadIdIn(f.lead_ids) if f.lead_ids else Lead.id < 0)
    elif f.text:
        where.append(_text_condition(f.text))
        needs_listing = True
    return where, needs_listing


TEXT_MATCH_LIMIT = 10_000  # leads a free-text search keeps (the riskiest), so later queries stay cheap
SELLER_MATCH_LIMIT = 5000  # sellers whose name matches (lowest ids first)
FULLTEXT_MIN_CHARS = 3  # shorter text has no trigram: the character-pair index of migration 0004
# Characters that the pair index's tokenizer (FTS5 unicode61) keeps as token characters, so a one- or
# two-character query of them is one token: ASCII letters and digits, CJK ideographs (with extension A
# and the compatibility block), kana, hangul, full-width letters and digits. Other short text is a scan.
PAIR_INDEX_CHARS = (
    (0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A), (0x3041, 0x3096), (0x30A1, 0x30FA), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xF900, 0xFAFF), (0xFF10, 0xFF19), (0xFF21, 0xFF3A),
    (0xFF41, 0xFF5A),
)  # fmt: skip


class _LeadIdIn(ColumnElement[bool]):
    """``leads.id IN (ids)`` for the up to TEXT_MATCH_LIMIT ids of a resolved free text. On SQLite the
    ids travel as one JSON parameter (``json_each``): ten thousand bound parameters cost more to
    prepare than the query itself."""

    inherit_cache = False
    type = NullType()  # type: ignore[assignment]  # a predicate compiled by hand, typeless on purpose

    def __init__(self, ids: Sequence[int]) -> None:
        self.ids = ids


@compiles(_LeadIdIn)
def _lead_id_in(element: _LeadIdIn, compiler: Any, **kw: Any) -> str:
    return "(" + str(compiler.process(Lead.id.in_(list(element.ids)), **kw)) + ")"


@compiles(_LeadIdIn, "sqlite")
def _lead_id_in_sqlite(element: _LeadIdIn, compiler: Any, **kw: Any) -> str:
    ids: ColumnElement[Any] = literal_column("value")
    each = func.json_each(bindparam(None, json.dumps([int(i) for i in element.ids]), type_=String()))
    return "(" + str(compiler.process(Lead.id.in_(select(ids).select_from(each)), **kw)) + ")"


def _caseless(text: str) -> bool:
    """No character of ``text`` has a case: for it, the indexes' case folding (which goes beyond
    ASCII, unlike LIKE's) changes nothing, so a match of the index is exactly a LIKE match."""
    return all(c.lower() == c == c.upper() and c.casefold() == c for c in text)


def _pair_indexed(text: str) -> bool:
    return all(any(low <= ord(c) <= high for low, high in PAIR_INDEX_CHARS) for c in text)


class _Contains(ColumnElement[bool]):
    """``column LIKE '%text%'`` (text taken literally), through a full-text index where there is one.

    On SQLite, text of FULLTEXT_MIN_CHARS or more characters is looked up in the FTS5 trigram table of
    migration 0003 (``{table}_fts``): the row ids whose column contains the text's trigrams in a row.
    Text of one or two PAIR_INDEX_CHARS is looked up in the character-pair table of migration 0004
    (``{table}_grams``): two characters are one pair token, one character the prefix of a pair. When the
    text has letters with a case, the same LIKE then checks those candidates (the indexes fold case
    beyond ASCII, LIKE does not), so the result is always exactly the LIKE's. Other text, and every
    other engine, compile to the LIKE alone: on PostgreSQL the pg_trgm GIN index serves it (3+ characters).
    """

    inherit_cache = False  # holds plain values, not clause elements: compiled per statement
    type = NullType()  # type: ignore[assignment]  # a predicate already: Boolean would make SQLite append "= 1"

    def __init__(
        self, id_column: InstrumentedAttribute[int], text_column: InstrumentedAttribute[Any], text: str
    ) -> None:
        self.id_column, self.text_column, self.text = id_column, text_column, text
        self.table = text_column.table.name

    def like_clause(self) -> ColumnElement[bool]:
        needle = "%" + self.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return self.text_column.like(needle, escape="\\")

    def fulltext_ids(self) -> Select[Any] | None:
        """The FTS5 query of the row ids (SQLite), or None when no index can answer the text."""
        if len(self.text) >= FULLTEXT_MIN_CHARS:
            fts = table(f"{self.table}_fts", column("rowid"), column(self.text_column.key))
            phrase = '"' + self.text.replace('"', '""') + '"'  # one FTS5 string: its trigrams in a row
            return select(fts.c.rowid).where(fts.c[self.text_column.key].match(phrase))
        if self.text and _pair_indexed(self.text):
            name = f"{self.table}_grams"  # matched by the table's own name: detail=none has no columns
            pairs = table(name, column("rowid"), column(name))
            query = f'"{self.text}"' if len(self.text) == 2 else f'"{self.text}"*'
            return select(pairs.c.rowid).where(pairs.c[name].match(query))
        return None

    def sqlite_ids(self) -> Select[Any]:
        """The matching row ids on SQLite: the index alone when that is exact, else index and LIKE."""
        ids = self.fulltext_ids()
        if ids is not None and _caseless(self.text):
            return ids
        where = [self.like_clause()] if ids is None else [self.id_column.in_(ids), self.like_clause()]
        return select(self.id_column).where(*where)


@compiles(_Contains)
def _contains_like(element: _Contains, compiler: Any, **kw: Any) -> str:
    return "(" + str(compiler.process(element.like_clause(), **kw)) + ")"


@compiles(_Contains, "sqlite")
def _contains_sqlite(element: _Contains, compiler: Any, **kw: Any) -> str:
    ids = element.fulltext_ids()
    if ids is None:
        return "(" + str(compiler.process(element.like_clause(), **kw)) + ")"
    condition: ColumnElement[bool] = element.id_column.in_(ids)
    if not _caseless(element.text):
        condition = and_(condition, element.like_clause())
    return "(" + str(compiler.process(condition, **kw)) + ")"


def title_contains(text: str) -> _Contains:
    """Listings whose title contains ``text`` (through the full-text indexes on SQLite)."""
    return _Contains(Listing.id, Listing.title, text)


def seller_name_contains(text: str) -> _Contains:
    """Sellers whose name contains ``text`` (through the full-text indexes on SQLite)."""
    return _Contains(Seller.id, Seller.name, text)


def _matching_ids(session: Session, condition: _Contains) -> Select[Any]:
    """The ids of the rows ``condition`` matches: straight from the FTS5 table on SQLite when it can."""
    if session.get_bind().dialect.name == "sqlite":
        return condition.sqlite_ids()
    return select(condition.id_column).where(condition)


def _matching_sellers(text: str) -> Select[Any]:
    return select(Seller.id).where(seller_name_contains(text))


def _lead_number(text: str) -> int | None:
    stripped = text.strip().lstrip("#")
    return int(stripped) if stripped.isdigit() and len(stripped) < 12 else None


def _text_condition(text: str) -> Any:
    parts = [title_contains(text), Lead.seller_id.in_(_matching_sellers(text).scalar_subquery())]
    number = _lead_number(text)
    if number is not None:
        parts.append(Lead.id == number)
    return or_(*parts)


def resolve_text(*, session: Session, filters: QueueFilter) -> QueueFilter:
    """Turn a free-text filter into the ids of the leads it matches (one search instead of one per query).

    Only the text, the scope and the non-facet filters narrow this search, so the facet counts that
    leave out their own filter stay right. At most TEXT_MATCH_LIMIT leads (the riskiest) are kept.
    Titles and seller names are searched through their full-text indexes (``title_contains``).
    """
    if filters.platform and filters.platform_id is None:
        found = session.scalar(select(Platform.id).where(Platform.name == filters.platform))
        filters = replace(filters, platform_id=found if found is not None else -1)
    if filters.brand and filters.brand_id is None:
        found = session.scalar(select(Brand.id).where(Brand.name == filters.brand))
        filters = replace(filters, brand_id=found if found is not None else -1)
    if not filters.text or filters.lead_ids is not None:
        return filters
    sellers = _matching_ids(session, seller_name_contains(filters.text)).subquery()
    base = replace(
        filters, platform=None, brand=None, violation=None, department=None, status="all", text=None
    )
    where, _ = _conditions(base)
    # the matching listings and sellers first (through the indexes), then their leads by listing or
    # seller id (covering indexes): much cheaper than a lookup into the listings table for every lead
    matched: list[ColumnElement[bool]] = [
        Lead.listing_id.in_(_matching_ids(session, title_contains(filters.text))),
        Lead.seller_id.in_(select(sellers.c[0]).order_by(sellers.c[0]).limit(SELLER_MATCH_LIMIT)),
    ]
    number = _lead_number(filters.text)
    if number is not None:
        matched.append(Lead.id == number)
    where.append(or_(*matched))
    ids = tuple(
        session.scalars(
            select(Lead.id).where(*where).order_by(Lead.risk.desc(), Lead.id.desc()).limit(TEXT_MATCH_LIMIT)
        )
    )
    return replace(filters, lead_ids=ids)


def _rows_query() -> Select[*tuple[Any, ...]]:
    return (
        select(
            Lead.id,
            Lead.risk,
            Lead.status,
            Lead.violation,
            Lead.department,
            Brand.name,
            Platform.name,
            Listing.title,
            Listing.url,
            Listing.price,
            Listing.currency,
            Listing.sold,
            Seller.name,
            Seller.blacklisted,
            Lead.last_flagged_at,
            Lead.transfer_review,
            Lead.version,
            Score.reasons,
            Lead.first_flagged_at,
            Lead.listing_id,
            Seller.id,
            User.name,
        )
        .select_from(Lead)
        .join(Listing, Listing.id == Lead.listing_id)
        .join(Platform, Platform.id == Lead.platform_id)
        .outerjoin(Brand, Brand.id == Lead.brand_id)
        .outerjoin(Seller, Seller.id == Listing.seller_id)
        .outerjoin(Score, Score.id == Lead.score_id)
        .outerjoin(User, User.id == Lead.assignee_id)
    )


def _top_reason(reasons: Any) -> dict[str, Any] | None:
    found = [r for r in reasons or [] if isinstance(r, dict) and r.get("signal")]
    return max(found, key=lambda r: float(r.get("weight") or 0)) if found else None


def _row(r: Any) -> QueueRow:
    return QueueRow(
        id=r[0],
        risk=r[1],
        status=r[2],
        violation=r[3],
        department=r[4],
        brand=r[5],
        platform=r[6],
        title=r[7],
        url=r[8],
        price=r[9],
        currency=r[10] or "CNY",
        sold=r[11],
        seller=r[12],
        seller_blacklisted=bool(r[13]),
        last_flagged_at=r[14],
        transfer_review=bool(r[15]),
        version=r[16],
        top_reason=_top_reason(r[17]),
        first_flagged_at=r[18],
        listing_id=r[19],
        seller_id=r[20],
        assignee=r[21],
    )


# Orders a queue can be sorted by: the sort key of each (a leading "-" in ``sort`` means descending).
# The default, riskiest first, pages on the lead table alone; price, sales and platform join for the key.
SORTS: dict[str, Any] = {
    "risk": Lead.risk,
    "price": Listing.price,
    "sold": Listing.sold,
    "first_seen": Lead.first_flagged_at,
    "platform": Platform.name,
}
DEFAULT_SORT = "-risk"


def _order_by(sort: str) -> list[Any]:
    key = sort.lstrip("-")
    if sort == DEFAULT_SORT or key not in SORTS:
        return [Lead.risk.desc(), Lead.id.desc()]
    column_ = SORTS[key]
    first = column_.desc() if sort.startswith("-") else column_.asc()
    if key in ("price", "sold"):  # unknown prices and sales last, whichever the direction
        first = first.nulls_last()
    return [first, Lead.risk.desc(), Lead.id.desc()]


def _sorted_ids_query(where: list[Any], needs_listing: bool, sort: str) -> Select[Any]:
    key = sort.lstrip("-")
    query = select(Lead.id).select_from(Lead)
    if needs_listing or key in ("price", "sold"):
        query = query.join(Listing, Listing.id == Lead.listing_id)
    if key == "platform":
        query = query.join(Platform, Platform.id == Lead.platform_id)
    return query.where(*where).order_by(*_order_by(sort))


def _sort_keys(sort: str) -> list[tuple[Any, bool, bool]]:
    """The queue's order as keys: (expression, descending, unknowns last); ``_order_by`` in key form."""
    key = sort.lstrip("-")
    keys: list[tuple[Any, bool, bool]] = []
    if sort != DEFAULT_SORT and key in SORTS:
        keys.append((SORTS[key], sort.startswith("-"), key in ("price", "sold")))
    return [*keys, (Lead.risk, True, False), (Lead.id, True, False)]


def _beyond(expr: Any, value: Any, descending: bool, nulls_last: bool, forward: bool) -> Any:
    """``expr`` comes strictly after (``forward``) or before ``value`` in its key's order."""
    if value is None:  # only a key with unknowns last is ever None: nothing after, every known before
        return false() if forward else expr.is_not(None)
    later = expr < value if descending == forward else expr > value
    return or_(later, expr.is_(None)) if nulls_last and forward else later


def _key_order(keys: list[tuple[Any, bool, bool]], forward: bool) -> list[Any]:
    order = []
    for expr, descending, nulls_last in keys:
        term = expr.desc() if descending == forward else expr.asc()
        if nulls_last:
            term = term.nulls_last() if forward else term.nulls_first()
        order.append(term)
    return order


def neighbour_id(
    *,
    session: Session,
    filters: QueueFilter,
    lead_id: int,
    sort: str = DEFAULT_SORT,
    fresh_since: datetime | None = None,
    forward: bool = True,
) -> int | None:
    """The lead after (``forward``) or before ``lead_id`` in the queue view's order (``queue_page``'s:
    ``sort``, the new part first with ``fresh_since``), or None at the end. The lead itself need not be
    in the view any more (a decision just took it out): its place in the order is where it was.

    A keyset search (the first lead beyond the current one's sort keys), within the current lead's part
    (new, then the rest), then from the start of the next part. Riskiest first, the open statuses are
    searched one by one, so that each search walks the status+risk index in order and stops at its
    first lead."""
    keys = _sort_keys(sort)
    where, needs_listing = _conditions(replace(filters, status="all"))
    status = _conditions(replace(QueueFilter(), status=filters.status))[0]

    def joined(query: Select[Any]) -> Select[Any]:  # only the joins the sort key or the filter needs
        key = sort.lstrip("-")
        if needs_listing or key in ("price", "sold"):
            query = query.join(Listing, Listing.id == Lead.listing_id)
        if key == "platform":
            query = query.join(Platform, Platform.id == Lead.platform_id)
        return query

    current = session.execute(
        joined(select(Lead.last_flagged_at, *(k[0] for k in keys)).select_from(Lead)).where(
            Lead.id == lead_id
        )
    ).one_or_none()
    if current is None:
        return None
    # keyset: equal on the keys before one, beyond it on that one (a lexicographic "after")
    options, equal = [], list[Any]()
    for (expr, descending, nulls_last), value in zip(keys, current[1:], strict=True):
        options.append(and_(*equal, _beyond(expr, value, descending, nulls_last, forward)))
        equal.append(expr.is_(None) if value is None else expr == value)
    beyond = or_(*options)
    parts: list[list[Any]] = [[]]
    here = 0
    if fresh_since is not None:
        parts = [[Lead.last_flagged_at >= fresh_since], [Lead.last_flagged_at < fresh_since]]
        flagged = current[0] if current[0].tzinfo else current[0].replace(tzinfo=fresh_since.tzinfo)
        here = 0 if flagged >= fresh_since else 1
    steps = range(here, len(parts)) if forward else range(here, -1, -1)
    for step in steps:
        extra = [*parts[step], beyond, Lead.id != lead_id] if step == here else parts[step]
        found = _first_lead(session, joined, [*where, *extra], status, filters.status, keys, forward)
        if found is not None:
            return found
    return None


def _first_lead(
    session: Session,
    joined: Any,
    where: list[Any],
    status: list[Any],
    status_filter: str,
    keys: list[tuple[Any, bool, bool]],
    forward: bool,
) -> int | None:
    """The first lead passing ``where`` and the status filter in the keys' order (``forward``). For
    "open", the best of one search per open status (each an in-order walk of the status+risk index)."""
    if status_filter != "open" or len(keys) > 2:  # only riskiest-first walks an index in order
        query = joined(select(Lead.id).select_from(Lead)).where(*where, *status)
        found: int | None = session.scalar(query.order_by(*_key_order(keys, forward)).limit(1))
        return found
    labels = [expr.label(f"k{i}") for i, (expr, _, _) in enumerate(keys)]
    firsts = [
        select(
            joined(select(Lead.id.label("lead_id"), *labels).select_from(Lead))
            .where(*where, Lead.status == value)
            .order_by(*_key_order(keys, forward))
            .limit(1)
            .subquery()
        )
        for value in OPEN_STATUSES
    ]
    best = union_all(*firsts).subquery()
    columns = [
        (best.c[f"k{i}"], descending, nulls_last) for i, (_, descending, nulls_last) in enumerate(keys)
    ]
    return session.scalar(select(best.c.lead_id).order_by(*_key_order(columns, forward)).limit(1))


def queue_page(
    *,
    session: Session,
    filters: QueueFilter,
    page: int = 1,
    per_page: int = 50,
    sort: str = DEFAULT_SORT,
    fresh_since: datetime | None = None,
) -> QueuePage:
    """One page of the queue in ``sort`` order (riskiest first by default; ties: newest lead first),
    and the total it pages through. With ``fresh_since``, the leads flagged at or after it come first
    (each part in ``sort`` order), so what is new since the last visit heads the backlog."""
    page = max(1, page)
    where, needs_listing = _conditions(filters)
    count_query = select(func.count()).select_from(Lead)
    if needs_listing:
        count_query = count_query.join(Listing, Listing.id == Lead.listing_id)
    total = session.scalar(count_query.where(*where)) or 0
    offset, ids = (page - 1) * per_page, list[int]()
    # Page the lead ids on the lead table alone (the index does the sort), then join for the columns.
    parts: list[tuple[list[Any], int | None]] = [(where, None)]
    if fresh_since is not None:
        fresh = session.scalar(count_query.where(*where, Lead.last_flagged_at >= fresh_since)) or 0
        parts = [
            ([*where, Lead.last_flagged_at >= fresh_since], fresh),
            ([*where, Lead.last_flagged_at < fresh_since], None),
        ]
    for part_where, size in parts:
        if size is not None and offset >= size:
            offset -= size
            continue
        ids += session.scalars(
            _sorted_ids_query(part_where, needs_listing, sort).limit(per_page - len(ids)).offset(offset)
        )
        offset = 0
        if len(ids) >= per_page:
            break
    rows = []
    if ids:
        found = {r[0]: _row(r) for r in session.execute(_rows_query().where(Lead.id.in_(ids)))}
        rows = [found[i] for i in ids if i in found]
    return QueuePage(rows=rows, total=total, page=page, per_page=per_page)


def iter_queue(
    *, session: Session, filters: QueueFilter, limit: int = 100_000, sort: str = DEFAULT_SORT
) -> Iterator[QueueRow]:
    """Every row of a queue view (for exports) in ``sort`` order (riskiest first), at most ``limit``."""
    where, _ = _conditions(filters)
    query = _rows_query().where(*where).order_by(*_order_by(sort)).limit(limit)
    for r in session.execute(query.execution_options(yield_per=2000)):
        yield _row(r)


def facet_base(filters: QueueFilter) -> QueueFilter:
    """The part of a filter that facet counts scan by: everything but the facets themselves.

    Views that differ only in their facets (platform, brand, violation, department, status) share it,
    so one grouped scan (``facet_combos``) serves all of them.
    """
    return replace(
        filters,
        platform=None,
        brand=None,
        violation=None,
        department=None,
        status="all",
        platform_id=None,
        brand_id=None,
    )


def facet_combos(*, session: Session, filters: QueueFilter) -> list[tuple[Any, ...]]:
    """(platform id, brand id, violation, department, status, n) of the leads that pass ``facet_base``."""
    where, needs_listing = _conditions(facet_base(resolve_text(session=session, filters=filters)), scan=True)
    keys = (Lead.platform_id, Lead.brand_id, Lead.violation, Lead.department, Lead.status)
    query = select(*keys, func.count()).select_from(Lead)
    if needs_listing:
        query = query.join(Listing, Listing.id == Lead.listing_id)
    return [tuple(row) for row in session.execute(query.where(*where).group_by(*keys))]


def queue_counts(
    *, session: Session, filters: QueueFilter, combos: list[tuple[Any, ...]] | None = None
) -> dict[str, list[tuple[str, int]]]:
    """Counts per value of each facet, with every other filter applied: ``{facet: [(value, n), ...]}``.

    One grouped scan of the leads that pass the non-facet filters (dates, risk, text, scope), or the
    ``combos`` a caller kept from ``facet_combos``; the facets are then added up here, which is cheaper
    than one query per facet on a large queue.
    """
    filters = resolve_text(session=session, filters=filters)
    if combos is None:
        combos = facet_combos(session=session, filters=filters)

    if filters.status == "open":
        statuses: set[Any] | None = set(OPEN_STATUSES)
    else:
        statuses = None if filters.status in ("all", "") else {filters.status}
    allowed: tuple[set[Any] | None, ...] = (  # per facet, in FACETS order: the values that pass, or any
        {filters.platform_id} if filters.platform else None,
        {filters.brand_id} if filters.brand else None,
        {filters.violation} if filters.violation else None,
        {filters.department} if filters.department else None,
        statuses,
    )
    filtered = [(i, values) for i, values in enumerate(allowed) if values is not None]
    every = range(len(FACETS))
    sums: list[dict[Any, int]] = [{} for _ in FACETS]
    for combo in combos:
        # a facet's count ignores its own filter: a combo failing only facet i still counts for facet i
        failed: list[int] = []
        for i, values in filtered:
            if combo[i] not in values:
                failed.append(i)
                if len(failed) > 1:
                    break
        if len(failed) > 1:
            continue
        n = combo[5]
        for i in failed or every:
            value = combo[i]
            if value is not None:
                sums[i][value] = sums[i].get(value, 0) + n
    totals = dict(zip(FACETS, sums, strict=True))
    names: dict[str, dict[Any, str]] = {}
    for facet, model in (("platform", Platform), ("brand", Brand)):
        ids = list(totals[facet])
        id_names: Iterable[Any] = (
            session.execute(select(model.id, model.name).where(model.id.in_(ids))) if ids else []
        )
        names[facet] = {i: n for i, n in id_names}
    counts: dict[str, list[tuple[str, int]]] = {}
    for facet in FACETS:
        if facet in names:
            named = [(names[facet][k], n) for k, n in totals[facet].items() if k in names[facet]]
        else:
            named = list(totals[facet].items())
        counts[facet] = sorted(named, key=lambda item: (-item[1], str(item[0])))
    return counts


def filter_choices(*, session: Session, scope: Sequence[int] | None = None) -> dict[str, list[str]]:
    """Values offered in the queue's filter menus: platforms and (in scope) approved brands."""
    brands = select(Brand.name).where(Brand.status == BrandStatus.approved).order_by(Brand.name)
    if scope is not None:
        brands = brands.where(Brand.id.in_(list(scope) or [-1]))
    return {
        "platform": list(session.scalars(select(Platform.name).order_by(Platform.name))),
        "brand": list(session.scalars(brands)),
    }
