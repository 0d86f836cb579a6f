"""markwatch's settings: one object that the command line, the web app, the crawler and the scheduler read.

Every setting has its default here, with its unit, and can be overridden by an environment variable
named ``MARKWATCH_<NAME>`` (for example ``MARKWATCH_HOME``, ``MARKWATCH_DB``, ``MARKWATCH_CHROMIUM``).
This module imports nothing of the project.
"""

from __future__ import annotations

import os
import shutil
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "markwatch"


class Settings(BaseSettings):
    """markwatch's configuration, read from the environment (``MARKWATCH_*``)."""

    model_config = SettingsConfigDict(env_prefix="MARKWATCH_", extra="ignore")

    home: Path = Field(default_factory=_default_home)  # data directory: database, blobs, digests, keys
    db: str | None = None  # SQLAlchemy URL; default SQLite at <home>/markwatch.db
    chromium: str | None = None  # browser executable; default the system chromium, else Playwright's own
    session_dir: Path | None = None  # platforms' login states, <platform>.json; default <home>/sessions
    sqlite_busy_timeout: int = 30_000  # ms a writer waits for a lock held by another process

    scoring_threshold: float | None = (
        None  # risk at or above which a listing is queued; None = scorer's default
    )
    scoring_jobs: int = 0  # processes the score job uses for a large backlog; 0 = one per CPU, 1 = no workers
    scoring_jobs_backlog: int = 5_000  # listings waiting to be scored from which the score job uses them
    queue_reflag_margin: float = 0.15  # risk rise that brings a dismissed lead back
    blacklist_after: int = 3  # confirmed leads against a seller before it is blacklisted
    criminal_threshold_cny: float = (
        50_000.0  # estimated sales of counterfeit goods that call for transfer review
    )

    retention_days: int = 180  # days the snapshots and images of dismissed leads are kept
    digest_hour: int = 8  # local hour (Asia/Shanghai) of the daily digest
    crawl_hour: int = 2  # default local hour of each platform's crawl
    timezone: str = "Asia/Shanghai"  # how times are shown; they are stored in UTC
    cjk_font: Path | None = None  # TrueType CJK font (.ttf/.ttc) for report.pdf; None = a known system font
    bureau: str = ""  # the enforcement body named in report.pdf (执法单位)
    extraction_place: str = ""  # where exports are made (提取地点), named in report.pdf
    # the letterhead of the case documents (线索交办单, 移送函, platform notices); the bureau is `bureau`
    bureau_address: str = ""  # postal address (地址)
    bureau_postcode: str = ""  # 邮政编码
    bureau_phone: str = ""  # contact telephone (联系电话)
    bureau_contact: str = ""  # contact person (联系人)
    document_prefix: str = ""  # the bureau's document number prefix (文号前缀), e.g. 某市监网
    notice_response_days: int = 7  # days a platform has to answer a notice before it shows as overdue
    # user name -> enforcement certificate number (执法证号), as JSON: {"alice": "11010012345"}
    officer_certificates: dict[str, str] = {}
    # RFC 3161 time-stamping authority for evidence packets; None = packets say they have no trusted time
    tsa_url: str | None = None
    tsa_certificates: Path | None = None  # PEM: the TSA's root CA (and intermediates) its token must chain to
    tsa_timeout: float = 10.0  # seconds to wait for the TSA

    # evidence captures in Chromium (crawler.capture): a newly flagged lead fetched over HTTP gets one
    evidence_capture: bool = True  # capture newly flagged HTTP-crawled leads (on-demand captures always work)
    capture_concurrency: int = 2  # pages captured at once
    capture_attempts: int = 3  # tries of one capture before it is recorded failed
    capture_backoff: float = 5.0  # s before the second try, doubled before each further one
    capture_timeout: float = 45.0  # s one try may take: load, images, screenshot
    capture_max_bytes: int = 30_000_000  # bytes of responses one capture records (the page too)
    capture_max_height: int = 20_000  # px: a taller page's screenshot stops here (and says so)
    capture_egress_url: str | None = None  # optional: a URL answering the caller's public IP, as plain text
    capture_stale_minutes: int = 30  # a capture running longer than this was cut off: it is taken again

    public_url: str | None = None  # where reviewers reach the web app; None = the address serving it
    secure_cookies: bool = False  # mark session cookies Secure: set when a TLS proxy serves the app
    smtp_host: str | None = None  # optional: e-mail the daily digest through this server
    smtp_port: int = 25
    smtp_from: str | None = None
    digest_to: str | None = None  # comma-separated addresses

    def public_link(self, path: str, served: str | None = None) -> str:
        """A link that leaves the app (digests, exports): under ``MARKWATCH_PUBLIC_URL``, else under
        ``served`` (the address the app is reached at), else under the default serving address."""
        base = self.public_url or served or "http://127.0.0.1:8000"
        return base.rstrip("/") + "/" + path.lstrip("/")

    @property
    def database_url(self) -> str:
        return self.db or f"sqlite:///{self.home / 'markwatch.db'}"

    @property
    def blob_dir(self) -> Path:
        return self.home / "blobs"

    @property
    def cache_dir(self) -> Path:
        """The scorer's compiled registries (brands.index_cache): safe to delete at any time."""
        return self.home / "cache"

    @property
    def chromium_executable(self) -> str | None:
        """The browser: ``MARKWATCH_CHROMIUM``, else the system Chromium, else None (Playwright's own)."""
        if self.chromium:
            return self.chromium
        for name in ("chromium", "chromium-browser", "google-chrome"):
            found = shutil.which(name)
            if found:
                return found
        return None


def get_settings() -> Settings:
    """Read the settings afresh from the environment (cheap; tests change the environment)."""
    return Settings()


def installed_version() -> str:
    """markwatch's installed version; ``0+unknown`` when running from a checkout that was not installed."""
    try:
        return version("markwatch")
    except PackageNotFoundError:
        return "0+unknown"
