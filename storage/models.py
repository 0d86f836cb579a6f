"""The whole domain as SQLAlchemy 2.0 typed models.

Times are stored in UTC (``UTCDateTime`` gives back aware datetimes on every engine). Constraint names
follow one naming convention so Alembic migrations stay stable across SQLite and PostgreSQL.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a timezone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


# --- brands -----------------------------------------------------------------------------------------


class BrandStatus(enum.StrEnum):
    pending = "pending"  # registered by a brand owner, waiting for an admin
    approved = "approved"
    rejected = "rejected"


class Brand(Base):
    __tablename__ = "brands"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    owner: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default=BrandStatus.approved, index=True)
    categories: Mapped[list[Any]] = mapped_column(default=list)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    marks: Mapped[list[Mark]] = relationship(
        back_populates="brand", cascade="all, delete-orphan", order_by="Mark.position"
    )
    registrations: Mapped[list[Registration]] = relationship(
        back_populates="brand", cascade="all, delete-orphan", order_by="Registration.position"
    )
    policy: Mapped[BrandPolicy | None] = relationship(
        back_populates="brand", cascade="all, delete-orphan", uselist=False
    )
    authorized_sellers: Mapped[list[AuthorizedSeller]] = relationship(
        back_populates="brand", cascade="all, delete-orphan", order_by="AuthorizedSeller.position"
    )
    official_images: Mapped[list[OfficialImage]] = relationship(
        back_populates="brand", cascade="all, delete-orphan", order_by="OfficialImage.position"
    )

    @property
    def aliases(self) -> list[str]:
        return [m.text for m in self.marks if m.kind == "alias"]


class Mark(Base):
    """One registered form of a brand: the primary name or an alias (Latin, pinyin, abbreviation)."""

    __tablename__ = "marks"
    __table_args__ = (UniqueConstraint("brand_id", "text"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # primary | alias
    position: Mapped[int] = mapped_column(default=0)

    brand: Mapped[Brand] = relationship(back_populates="marks")


class Registration(Base):
    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("brand_id", "number", "nice_class"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    number: Mapped[str | None] = mapped_column(String(32))  # None: the class is known, the number not given
    nice_class: Mapped[int]
    international: Mapped[bool] = mapped_column(default=False, server_default=false())  # Madrid (WIPO) number
    position: Mapped[int] = mapped_column(default=0)

    brand: Mapped[Brand] = relationship(back_populates="registrations")


class BrandPolicy(Base):
    """What is plausible for a genuine item of the brand."""

    __tablename__ = "brand_policies"

    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), primary_key=True)
    price_floor: Mapped[float | None]  # CNY per unit; below it a genuine item is implausible

    brand: Mapped[Brand] = relationship(back_populates="policy")


class AuthorizedSeller(Base):
    __tablename__ = "authorized_sellers"
    __table_args__ = (UniqueConstraint("brand_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)

    brand: Mapped[Brand] = relationship(back_populates="authorized_sellers")


class OfficialImage(Base):
    """An official product photo: kept in the blob store, with its perceptual hash for reuse detection."""

    __tablename__ = "official_images"
    __table_args__ = (UniqueConstraint("brand_id", "source_path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    source_path: Mapped[str] = mapped_column(String(500))  # as written in the registry file, relative
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    phash: Mapped[str] = mapped_column(String(64), index=True)
    position: Mapped[int] = mapped_column(default=0)

    brand: Mapped[Brand] = relationship(back_populates="official_images")


# --- platforms, sellers, listings -------------------------------------------------------------------


class Platform(Base):
    __tablename__ = "platforms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str | None] = mapped_column(String(200))
    render: Mapped[str] = mapped_column(String(16), default="http")  # http | browser
    profile: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the declarative profile, as loaded
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Seller(Base):
    __tablename__ = "sellers"
    __table_args__ = (UniqueConstraint("platform_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id", ondelete="CASCADE"), index=True)
    external_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(300))
    opened: Mapped[date | None] = mapped_column(Date)
    rating: Mapped[float | None] = mapped_column(Float)
    licence: Mapped[str | None] = mapped_column(String(64))  # shop licence / unified social credit code
    url: Mapped[str | None] = mapped_column(Text)
    blacklisted: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    blacklisted_at: Mapped[datetime | None]
    blacklist_reason: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)

    platform: Mapped[Platform] = relationship()


class Listing(Base):
    __tablename__ = "listings"
    __table_args__ = (
        UniqueConstraint("platform_id", "external_id"),
        Index("ix_listings_platform_last_seen", "platform_id", "last_seen"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(200))
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("sellers.id", ondelete="SET NULL"), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    price: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(8), default="CNY")
    category: Mapped[str | None] = mapped_column(String(200))
    sold: Mapped[int | None]
    description: Mapped[str | None] = mapped_column(Text)
    images: Mapped[list[Any]] = mapped_column(default=list)  # image URLs as the page gave them
    image_hashes: Mapped[list[Any]] = mapped_column(default=list)  # perceptual hashes of those images
    content_hash: Mapped[str | None] = mapped_column(
        String(64)
    )  # of title/price/description: "changed materially"
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    scored_at: Mapped[datetime | None]  # None or older than last change: the scorer has work to do

    platform: Mapped[Platform] = relationship()
    seller: Mapped[Seller | None] = relationship()


class ListingImage(Base):
    """An image of a listing as the crawler fetched it: the bytes in the blob store (sha256), its
    perceptual hash, and where it came from. One row per distinct image a listing has shown."""

    __tablename__ = "listing_images"
    __table_args__ = (UniqueConstraint("listing_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    phash: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(default=0)  # bytes
    width: Mapped[int | None]
    height: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)  # its place on the page the last time it was seen
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)


class PriceObservation(Base):
    """A listing's price at a moment: a row only when the price changed."""

    __tablename__ = "price_observations"
    __table_args__ = (Index("ix_price_observations_listing_at", "listing_id", "observed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"))
    observed_at: Mapped[datetime] = mapped_column(default=utcnow)
    price: Mapped[float] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(8), default="CNY")


class CrawlRun(Base):
    __tablename__ = "crawl_runs"
    __table_args__ = (Index("ix_crawl_runs_platform_started", "platform_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")  # running|finished|failed|interrupted
    queries: Mapped[list[Any]] = mapped_column(default=list)
    pages: Mapped[int] = mapped_column(default=0)
    items: Mapped[int] = mapped_column(default=0)
    drops: Mapped[dict[str, Any]] = mapped_column(default=dict)  # reason -> count
    errors: Mapped[int] = mapped_column(default=0)
    blocks: Mapped[int] = mapped_column(default=0)
    job_dir: Mapped[str | None] = mapped_column(Text)
    distributed: Mapped[str | None] = mapped_column(Text)  # Redis URL (without password) when distributed
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)  # Scrapy's final stats
    error: Mapped[str | None] = mapped_column(Text)
    refused: Mapped[dict[str, Any]] = mapped_column(default=dict)  # reason -> requests not made
    warnings: Mapped[list[Any]] = mapped_column(default=list)  # sentences (empty list pages, give-ups)
    images: Mapped[int] = mapped_column(default=0)  # listing images fetched and stored

    platform: Mapped[Platform] = relationship()


class Snapshot(Base):
    """A detail page as fetched: the HTML (and screenshot) live in the blob store by sha256."""

    __tablename__ = "snapshots"
    __table_args__ = (Index("ix_snapshots_listing_fetched", "listing_id", "fetched_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"))
    crawl_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"))
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    http_status: Mapped[int | None]
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    html_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    screenshot_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    tool_version: Mapped[str] = mapped_column(String(100))
    extracted: Mapped[dict[str, Any]] = mapped_column(default=dict)  # field texts as the page showed them
    # how it was taken: "crawl" (a page of a crawl) or "evidence" (an evidence capture in Chromium)
    capture: Mapped[str] = mapped_column(String(16), default="crawl", server_default="crawl")
    # a gzip WARC file in the blob store holding this capture's records (request, response, images)
    warc_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    # a failed capture: why (timeout, block page…); such a row has no HTML and no screenshot
    failed_reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # tries it took
    user_agent: Mapped[str | None] = mapped_column(Text)  # as sent
    browser_version: Mapped[str | None] = mapped_column(String(100))  # Chromium's, for a browser capture
    egress: Mapped[str | None] = mapped_column(Text)  # the egress address as seen, or how it was determined


class CaptureRequest(Base):
    """An evidence capture to be taken (or being taken) of a lead's page: queued when a lead is flagged
    or asked for by a person; ``snapshot_id`` names the capture (successful or failed) it produced."""

    __tablename__ = "capture_requests"
    __table_args__ = (Index("ix_capture_requests_status_requested", "status", "requested_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    trigger: Mapped[str] = mapped_column(String(16))  # flagged | web | cli
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|running|done|failed
    started_at: Mapped[datetime | None]  # of the running attempt: a stale one was cut off by a crash
    finished_at: Mapped[datetime | None]
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("snapshots.id", ondelete="SET NULL"))


# --- seller networks and cases ------------------------------------------------------------------------


class SignalKind(enum.StrEnum):
    """What an identity signal is: the traces that tie shops to one operation."""

    uscc = "uscc"  # 统一社会信用代码 on the shop's licence, check character valid
    phone = "phone"
    wechat = "wechat"
    qq = "qq"
    email = "email"
    image_phash = "image_phash"  # perceptual hash of a listing image
    address = "address"  # return or shop address, normalised
    shop_name = "shop_name"  # shop name without generic shop words


class IdentitySignal(Base):
    """An identity signal as seen: which seller showed it, where (listing, snapshot), and when.

    One row per seller, kind, normalised value and listing (``listing_id`` None: the shop itself, e.g.
    its licence page); ``raw`` is the text as it appeared, bounded."""

    __tablename__ = "identity_signals"
    __table_args__ = (
        Index("ix_identity_signals_kind_value", "kind", "value"),
        Index("ix_identity_signals_seller_kind", "seller_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # SignalKind
    value: Mapped[str] = mapped_column(String(200))  # normalised: what two sightings are compared by
    raw: Mapped[str | None] = mapped_column(String(300))  # as written on the page, bounded
    source: Mapped[str | None] = mapped_column(String(32))  # title|description|shop|licence|image|seller
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)  # e.g. {"region": ...} for a USCC
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), index=True)
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("snapshots.id", ondelete="SET NULL"))
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)


class NetworkStatus(enum.StrEnum):
    active = "active"
    merged = "merged"  # grown into another network: see merged_into_id
    dissolved = "dissolved"  # its evidence was withdrawn (a photo became a stock photo)


class Network(Base):
    """A group of sellers joined by evidence. Its id stays while it grows; a merge keeps the larger
    network's id and records the other's in ``network_merges``."""

    __tablename__ = "networks"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default=NetworkStatus.active, index=True)
    size: Mapped[int] = mapped_column(default=0)  # member sellers
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("networks.id", ondelete="SET NULL"))
    merged_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class NetworkMember(Base):
    """A seller's network: a seller is in at most one."""

    __tablename__ = "network_members"

    seller_id: Mapped[int] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"), primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class NetworkEdge(Base):
    """Evidence that two sellers are one operation, of one kind: the shared values, how strong, and
    the listings and snapshots that show it. ``seller_a_id`` < ``seller_b_id``."""

    __tablename__ = "network_edges"
    __table_args__ = (
        UniqueConstraint("seller_a_id", "seller_b_id", "kind"),
        Index("ix_network_edges_seller_b", "seller_b_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    seller_a_id: Mapped[int] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"))
    seller_b_id: Mapped[int] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # SignalKind
    strength: Mapped[str] = mapped_column(String(8))  # strong | weak (weak joins only with a second kind)
    values: Mapped[list[Any]] = mapped_column(default=list)  # the shared normalised values
    listing_ids: Mapped[list[Any]] = mapped_column(default=list)  # listings of either seller showing them
    snapshot_ids: Mapped[list[Any]] = mapped_column(default=list)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)


class NetworkMerge(Base):
    """A network absorbed into another (append-only record)."""

    __tablename__ = "network_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    into_network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)  # sizes, the pair whose edge joined them


class CaseStatus(enum.StrEnum):
    open = "open"
    confirmed = "confirmed"
    merged = "merged"  # its network merged into another's: that case carries on
    closed = "closed"
    transferred = "transferred"  # handed over whole (review.cases): to a department, a bureau or the police


class Case(Base):
    """案件线索: a network's leads gathered for one investigation; one case per network."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("networks.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.open, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    department: Mapped[str | None] = mapped_column(String(32))  # where the case was handed (review.cases)

    network: Mapped[Network] = relationship()


class CaseEvent(Base):
    """Append-only audit trail of a case: confirmation, split, merge, transfer, documents, responses,
    exports (who, when, what, why)."""

    __tablename__ = "case_events"
    __table_args__ = (Index("ix_case_events_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class NetworkSeverance(Base):
    """Two sellers a reviewer split apart (``seller_a_id`` < ``seller_b_id``): evidence never joins them
    again (storage.networks.save_edges skips the pair)."""

    __tablename__ = "network_severances"
    __table_args__ = (Index("ix_network_severances_seller_b", "seller_b_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seller_a_id: Mapped[int] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"), index=True)
    seller_b_id: Mapped[int] = mapped_column(ForeignKey("sellers.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class CaseDocument(Base):
    """A document issued for a case (a hand-over or a platform notice), as DOCX and PDF blobs."""

    __tablename__ = "case_documents"
    __table_args__ = (
        Index("ix_case_documents_deadline", "kind", "deadline"),
        Index("ix_case_documents_serial", "serial_year", "serial", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # handover | platform_notice
    recipient_kind: Mapped[str | None] = mapped_column(String(16))  # department | bureau | police
    recipient: Mapped[str] = mapped_column(String(200))
    platform_id: Mapped[int | None] = mapped_column(ForeignKey("platforms.id", ondelete="SET NULL"))
    number: Mapped[str] = mapped_column(String(100))  # 文号
    # the serial in the number and its (local) year, from DocumentSerial; none on a document recorded
    # without one (and on one whose number repeated another's before serials were unique)
    serial_year: Mapped[int | None] = mapped_column(Integer)
    serial: Mapped[int | None] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[date | None] = mapped_column(Date)  # a platform notice's response deadline
    docx_sha256: Mapped[str] = mapped_column(String(64))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    platform: Mapped[Platform | None] = relationship()


class DocumentSerial(Base):
    """The last serial number of a year's case documents (文号): serials are taken from it, one at a time,
    so none is given twice, not after a document is deleted nor to two documents issued at once."""

    __tablename__ = "document_serials"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class PlatformResponse(Base):
    """What a platform did about a notice: removed, refused, or no answer, and when."""

    __tablename__ = "platform_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("case_documents.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))  # removed | refused | no_answer
    responded_at: Mapped[datetime] = mapped_column()  # when the platform acted or answered (or gave up on)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)


# --- scoring and the review queue --------------------------------------------------------------------


class Score(Base):
    __tablename__ = "scores"
    __table_args__ = (Index("ix_scores_listing_scored", "listing_id", "scored_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"))
    scored_at: Mapped[datetime] = mapped_column(default=utcnow)
    risk: Mapped[float] = mapped_column(Float)
    flagged: Mapped[bool] = mapped_column(Boolean)
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brands.id", ondelete="SET NULL"))
    brand_name: Mapped[str | None] = mapped_column(String(200))
    violation: Mapped[str | None] = mapped_column(String(32))
    reasons: Mapped[list[Any]] = mapped_column(default=list)  # [{signal, weight, detail}]
    features: Mapped[dict[str, Any]] = mapped_column(default=dict)  # signal strengths, for `model fit`
    model_version: Mapped[str] = mapped_column(String(64))


class LeadStatus(enum.StrEnum):
    new = "new"
    in_review = "in_review"
    confirmed = "confirmed"
    dismissed = "dismissed"
    escalated = "escalated"
    transferred = "transferred"


class Lead(Base):
    """A listing in the review queue: one per listing, updated when it is flagged again."""

    __tablename__ = "leads"
    __table_args__ = (
        Index("ix_leads_status_risk", "status", "risk"),
        Index("ix_leads_brand_flagged", "brand_id", "last_flagged_at"),
        Index("ix_leads_platform_flagged", "platform_id", "last_flagged_at"),
        Index("ix_leads_last_flagged", "last_flagged_at"),
        # covering indexes of the queue (bench/queue.py): "since last visit" pages are a range seek on the
        # first, facet counts a grouped scan in the order of the second; neither looks up table rows
        Index(
            "ix_leads_flagged_cover",
            "last_flagged_at",
            "status",
            "platform_id",
            "brand_id",
            "violation",
            "department",
            "risk",
        ),
        Index(
            "ix_leads_facets",
            "platform_id",
            "brand_id",
            "violation",
            "department",
            "status",
            "last_flagged_at",
            "risk",
        ),
        # the free-text search finds listings and sellers first, then their leads by listing or seller
        # id: these answer that lookup and the search's own conditions (risk, dates, a brand owner's
        # scope) without reading the table
        Index("ix_leads_listing_search", "listing_id", "risk", "last_flagged_at", "brand_id"),
        Index("ix_leads_seller_search", "seller_id", "risk", "last_flagged_at", "brand_id"),
        # a reviewer's own leads ("mine" in the queue): claimed or assigned, by status, riskiest first
        Index("ix_leads_assignee_status_risk", "assignee_id", "status", "risk"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id", ondelete="CASCADE"), unique=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id", ondelete="CASCADE"))
    # a copy of listings.seller_id (not a reference of its own: no foreign key), made by
    # storage.queue.record_score at every score (a listing that changes seller changes content and is
    # scored again), so that a search by shop name finds leads without going through the listings
    seller_id: Mapped[int | None] = mapped_column(Integer)
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brands.id", ondelete="SET NULL"))
    score_id: Mapped[int | None] = mapped_column(ForeignKey("scores.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default=LeadStatus.new)
    violation: Mapped[str | None] = mapped_column(String(32))
    department: Mapped[str | None] = mapped_column(String(32), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    risk: Mapped[float] = mapped_column(Float)
    first_flagged_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_flagged_at: Mapped[datetime] = mapped_column(default=utcnow)
    transfer_review: Mapped[bool] = mapped_column(Boolean, default=False)  # crossed the criminal threshold
    dismissed_risk: Mapped[float | None] = mapped_column(Float)  # risk and listing content when dismissed,
    dismissed_content_hash: Mapped[str | None] = mapped_column(String(64))  # to tell when it comes back
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # moved on by every decision and every re-score that changes the lead (storage.decisions): a decision
    # made on an older version is refused
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    listing: Mapped[Listing] = relationship()
    brand: Mapped[Brand | None] = relationship()
    score: Mapped[Score | None] = relationship()


class ReviewEvent(Base):
    """Append-only audit trail of a lead: who did what, when, and why."""

    __tablename__ = "review_events"
    __table_args__ = (Index("ix_review_events_lead_at", "lead_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    action: Mapped[str] = mapped_column(String(32))  # flagged|reflagged|confirm|dismiss|assign|escalate|...
    note: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


@event.listens_for(Session, "before_flush")
def _review_events_are_append_only(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, (ReviewEvent, CaseEvent)) and (obj in session.deleted or session.is_modified(obj)):
            raise ValueError("review events are append-only: an audit record cannot be changed or deleted")


# --- people and access --------------------------------------------------------------------------------


class Role(enum.StrEnum):
    admin = "admin"
    reviewer = "reviewer"
    investigator = "investigator"
    brand_owner = "brand_owner"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(300))  # argon2
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    locale: Mapped[str] = mapped_column(String(8), default="zh_CN")
    last_queue_visit_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # every session cookie names the generation it was issued in: moving it on ends them all
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    brands: Mapped[list[Brand]] = relationship(secondary="user_brands")


class LoginFailure(Base):
    """One failed login, under ``u:<name>`` and under ``a:<address>``: the limiter all workers share."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(index=True)


class UserBrand(Base):
    """A brand owner's scope: the brands whose leads the user may see."""

    __tablename__ = "user_brands"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), primary_key=True)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the token; never the token
    prefix: Mapped[str] = mapped_column(String(16))  # first characters, to tell tokens apart in lists
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()


# --- evidence and jobs --------------------------------------------------------------------------------


class EvidencePacket(Base):
    __tablename__ = "evidence_packets"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sha256: Mapped[str] = mapped_column(String(64))  # of the ZIP, which is kept in the blob store
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    public_key: Mapped[str] = mapped_column(String(100))  # Ed25519, hex

    blobs: Mapped[list[EvidenceBlob]] = relationship(cascade="all, delete-orphan")


class EvidenceBlob(Base):
    """A blob that a packet references: retention never deletes these."""

    __tablename__ = "evidence_blobs"

    packet_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_packets.id", ondelete="CASCADE"), primary_key=True
    )
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class JobRun(Base):
    """One run of a scheduled job, with its outcome."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_started", "job_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(String(16), default="running")  # running|ok|failed
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)


class CombinerVersion(Base):
    """A version of the scorer's combiner learned from reviewer decisions (`markwatch model fit`).

    The newest row is the one in use; older rows stay for the record (which model scored what).
    """

    __tablename__ = "combiner_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    n_examples: Mapped[int]
    model_json: Mapped[str] = mapped_column(Text)  # scoring.CombinerModel.to_json()
